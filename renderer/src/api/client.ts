/**
 * The renderer's one API client: the bearer key on every call, the error envelope turned into a
 * typed ApiError, responses checked against the shared zod schemas, uploads with progress, and SSE
 * over fetch (so the key travels in a header) with resume. Views never call fetch themselves.
 */
import type { z } from 'zod';
import { ApiError } from './errors';
import { getToken, setToken } from './session';
import { useConnection } from './connection';

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  query?: Query;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Do not drop the session on 401 (the sign-in screen checks a typed key this way). */
  token?: string;
  /** Let the request outlive the page (a cancel sent from `pagehide`). */
  keepalive?: boolean;
}

/** The server's origin: the page's own when served by the core, else the default local server. */
export const serverOrigin = (): string =>
  typeof location !== 'undefined' && location.protocol.startsWith('http') ? location.origin : 'http://127.0.0.1:8017';

export function url(path: string, query?: Query): string {
  const u = new URL(path, serverOrigin());
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, String(v));
  return u.toString();
}

function headers(opts: RequestOptions): Record<string, string> {
  const h: Record<string, string> = { ...opts.headers };
  const token = opts.token ?? getToken();
  if (token) h.authorization = `Bearer ${token}`;
  if (opts.json !== undefined) h['content-type'] = 'application/json';
  return h;
}

/** A raw response for the path (downloads, streams); failures are ApiErrors. */
export async function raw(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url(path, opts.query), {
      method,
      headers: headers(opts),
      body: opts.json !== undefined ? JSON.stringify(opts.json) : opts.body,
      signal: opts.signal,
      keepalive: opts.keepalive,
    });
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    useConnection.getState().set('reconnecting');
    throw ApiError.network(e);
  }
  useConnection.getState().set('online');
  if (!res.ok) {
    const err = await ApiError.fromResponse(res);
    if (err.isAuth && opts.token === undefined) setToken(null); // the key was rotated or revoked: sign in again
    throw err;
  }
  return res;
}

async function request<S extends z.ZodType>(method: string, path: string, schema: S, opts: RequestOptions = {}): Promise<z.infer<S>> {
  const res = await raw(method, path, opts);
  const body: unknown = res.status === 204 ? null : await res.json();
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(res.status, `Unexpected answer from ${path}: ${parsed.error.issues[0]?.message ?? 'invalid'}`, null, 'bad_response', 'client_error');
  return parsed.data;
}

export interface UploadOptions {
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * Sends a body with upload progress (fetch has none for request bodies, so XHR), parsed like
 * `request`. Used for files.create (multipart) and upload parts.
 */
function send<S extends z.ZodType>(method: string, path: string, body: XMLHttpRequestBodyInit, schema: S, opts: UploadOptions = {}): Promise<z.infer<S>> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url(path));
    const token = getToken();
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.responseType = 'text';
    xhr.upload.onprogress = (e) => opts.onProgress?.(e.loaded, e.total);
    const abort = () => xhr.abort();
    opts.signal?.addEventListener('abort', abort, { once: true });
    const done = () => opts.signal?.removeEventListener('abort', abort);
    xhr.onerror = () => {
      done();
      useConnection.getState().set('reconnecting');
      reject(ApiError.network(new Error('upload interrupted')));
    };
    xhr.onabort = () => {
      done();
      reject(new DOMException('Upload cancelled', 'AbortError'));
    };
    xhr.onload = () => {
      done();
      useConnection.getState().set('online');
      const res = new Response(xhr.responseText, { status: xhr.status, statusText: xhr.statusText, headers: { 'content-type': 'application/json' } });
      if (xhr.status < 200 || xhr.status >= 300) {
        void ApiError.fromResponse(res).then(reject);
        return;
      }
      void res.json().then((b: unknown) => {
        const parsed = schema.safeParse(b);
        if (parsed.success) resolve(parsed.data);
        else reject(new ApiError(xhr.status, `Unexpected answer from ${path}`, null, 'bad_response', 'client_error'));
      }, reject);
    };
    xhr.send(body);
  });
}

export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

export interface StreamOptions {
  query?: Query;
  /** Resume after this event id (sent as Last-Event-ID). */
  lastEventId?: string | null;
  onEvent: (e: SseEvent) => void;
  signal: AbortSignal;
}

/**
 * Reads an SSE stream over fetch and keeps it alive: after a drop it reconnects with the last
 * event id it saw (the server resumes from there), backing off up to 10 s. Ends when `signal` aborts.
 */
export async function stream(path: string, opts: StreamOptions): Promise<void> {
  let last = opts.lastEventId ?? null;
  let delay = 500;
  while (!opts.signal.aborted) {
    try {
      const res = await raw('GET', path, { query: opts.query, signal: opts.signal, headers: last ? { 'last-event-id': last, accept: 'text/event-stream' } : { accept: 'text/event-stream' } });
      delay = 500;
      await readEvents(res, (ev) => {
        if (ev.id !== null) last = ev.id;
        opts.onEvent(ev);
      });
    } catch (e) {
      if (opts.signal.aborted) return;
      if (e instanceof ApiError && !e.isNetwork && e.status < 500) throw e;
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 10_000);
  }
}

/** Calls `onEvent` for each SSE block of the response body, until the body ends. */
async function readEvents(res: Response, onEvent: (e: SseEvent) => void): Promise<void> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value.replace(/\r\n/g, '\n');
    let cut: number;
    while ((cut = buf.indexOf('\n\n')) >= 0) {
      const ev = parseBlock(buf.slice(0, cut));
      buf = buf.slice(cut + 2);
      if (ev) onEvent(ev);
    }
  }
}

export interface PostStreamOptions {
  json: unknown;
  /** Each `data:` payload, in order (`[DONE]` included: the caller decides what ends it). */
  onData: (data: string) => void;
  /** Aborting closes the connection: the server stops generating. */
  signal: AbortSignal;
}

/**
 * A one-shot SSE answer to a POST (chat completions, comparisons): no resume, since a generation
 * cannot be picked up again. Failures before the stream starts are ApiErrors with the envelope;
 * resolves when the server ends the body, rejects with an AbortError when `signal` aborts.
 */
export async function postStream(path: string, opts: PostStreamOptions): Promise<void> {
  const res = await raw('POST', path, { json: opts.json, signal: opts.signal, headers: { accept: 'text/event-stream' } });
  await readEvents(res, (ev) => {
    if (ev.data) opts.onData(ev.data);
  });
}

function parseBlock(block: string): SseEvent | null {
  let id: string | null = null;
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line === '') continue;
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length || id !== null ? { id, event, data: data.join('\n') } : null;
}

export const api = {
  get: <S extends z.ZodType>(path: string, schema: S, opts?: RequestOptions) => request('GET', path, schema, opts),
  post: <S extends z.ZodType>(path: string, schema: S, opts?: RequestOptions) => request('POST', path, schema, opts),
  patch: <S extends z.ZodType>(path: string, schema: S, opts?: RequestOptions) => request('PATCH', path, schema, opts),
  delete: <S extends z.ZodType>(path: string, schema: S, opts?: RequestOptions) => request('DELETE', path, schema, opts),
  raw,
  send,
  stream,
  postStream,
  url,
};
