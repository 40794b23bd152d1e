/**
 * SSE over fetch: events are parsed across chunk boundaries, and after a dropped connection the
 * client reconnects with the last event id it saw (the server resumes there) — no event twice.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, type SseEvent } from './client';
import { useConnection } from './connection';

const enc = new TextEncoder();
/** A response whose body yields the given pieces, then ends (a dropped connection). */
const sse = (pieces: string[]) =>
  new Response(
    new ReadableStream({
      start(c) {
        for (const p of pieces) c.enqueue(enc.encode(p));
        c.close();
      },
    }),
    { status: 200, headers: { 'content-type': 'text/event-stream' } },
  );

afterEach(() => vi.unstubAllGlobals());

describe('api.stream', () => {
  it('parses events split across chunks and resumes after a drop with Last-Event-ID', async () => {
    const seen: SseEvent[] = [];
    const calls: (string | null)[] = [];
    const ac = new AbortController();
    const fetchMock = vi.fn(async (_url: string, init: RequestInit) => {
      const last = (init.headers as Record<string, string>)['last-event-id'] ?? null;
      calls.push(last);
      if (last === null) return sse(['id: 1\nevent: log\nda', 'ta: first\n\n: keep-alive\n\nid: 2\nevent: log\n', 'data: two\ndata: lines\n\n']);
      if (last === '2') return sse(['id: 3\nevent: end\ndata: {"done":true}\n\n']);
      throw new Error(`unexpected resume point ${last}`);
    });
    vi.stubGlobal('fetch', fetchMock);
    const done = api.stream('/v1/fine_tuning/jobs/x/events/stream', {
      signal: ac.signal,
      onEvent: (e) => {
        seen.push(e);
        if (e.event === 'end') ac.abort();
      },
    });
    await done;
    expect(seen).toEqual([
      { id: '1', event: 'log', data: 'first' },
      { id: '2', event: 'log', data: 'two\nlines' },
      { id: '3', event: 'end', data: '{"done":true}' },
    ]);
    expect(calls).toEqual([null, '2']);
  });

  it('a network failure marks the connection as reconnecting; the next answer marks it online', async () => {
    let n = 0;
    const ac = new AbortController();
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        if (n++ === 0) throw new TypeError('Failed to fetch');
        expect(useConnection.getState().status).toBe('reconnecting');
        return sse(['id: 9\ndata: back\n\n']);
      }),
    );
    const got: string[] = [];
    await api.stream('/v1/x', { signal: ac.signal, onEvent: (e) => (got.push(e.data), ac.abort()) });
    expect(got).toEqual(['back']);
    expect(useConnection.getState().status).toBe('online');
  });

  it('a 4xx answer ends the stream with the server message instead of retrying forever', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify({ error: { message: 'No such job', type: 'invalid_request_error', param: 'fine_tuning_job_id', code: 'not_found' } }), { status: 404 })),
    );
    await expect(api.stream('/v1/x', { signal: new AbortController().signal, onEvent: () => {} })).rejects.toMatchObject({ status: 404, message: 'No such job', param: 'fine_tuning_job_id' });
  });
});

describe('api.postStream', () => {
  it('posts the body with the key and hands over each data payload once, CRLF framing included', async () => {
    let sent: RequestInit | undefined;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init: RequestInit) => {
        sent = init;
        return sse(['data: {"a":1}\r\n\r\n: ping\n\nda', 'ta: {"b":2}\n\ndata: [DONE]\n\n']);
      }),
    );
    const got: string[] = [];
    await api.postStream('/v1/chat/completions', { json: { model: 'm' }, signal: new AbortController().signal, onData: (d) => got.push(d) });
    expect(got).toEqual(['{"a":1}', '{"b":2}', '[DONE]']);
    expect(sent?.method).toBe('POST');
    expect(sent?.body).toBe('{"model":"m"}');
    expect((sent?.headers as Record<string, string>)['content-type']).toBe('application/json');
  });

  it('an error answer before the stream rejects with the envelope and its param (no retry)', async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ error: { message: 'temperature must be at most 2', type: 'invalid_request_error', param: 'temperature', code: null } }), { status: 400 }));
    vi.stubGlobal('fetch', fetchMock);
    await expect(api.postStream('/v1/chat/completions', { json: {}, signal: new AbortController().signal, onData: () => {} })).rejects.toMatchObject({ status: 400, param: 'temperature' });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});
