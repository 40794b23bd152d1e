import type { FastifyReply, FastifyRequest } from 'fastify';

/** An SSE response on the raw socket, with back-pressure and a close signal. */
export class SseStream {
  private closed = false;
  constructor(private readonly reply: FastifyReply) {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': String(reply.getHeader('x-request-id') ?? ''),
    });
    raw.on('close', () => (this.closed = true));
  }

  get isClosed(): boolean {
    return this.closed || this.reply.raw.destroyed;
  }

  /** Sends one event; resolves once the socket can take more (a slow reader slows only itself). */
  async send(event: string, data: string, id?: string | number): Promise<void> {
    if (this.isClosed) return;
    let msg = id !== undefined ? `id: ${id}\n` : '';
    msg += `event: ${event}\n`;
    for (const line of data.split('\n')) msg += `data: ${line}\n`;
    msg += '\n';
    if (!this.reply.raw.write(msg)) {
      await new Promise<void>((res) => {
        const done = () => (this.reply.raw.off('drain', done), this.reply.raw.off('close', done), res());
        this.reply.raw.on('drain', done);
        this.reply.raw.on('close', done);
      });
    }
  }

  comment(text: string): void {
    if (!this.isClosed) this.reply.raw.write(`: ${text}\n\n`);
  }

  end(): void {
    if (!this.isClosed) this.reply.raw.end();
    this.closed = true;
  }
}

/** Resume point: `?offset=` / `?after=` or the standard `Last-Event-ID` header. */
export function resumeFrom(req: FastifyRequest, queryValue: number | undefined): number {
  const header = req.headers['last-event-id'];
  const fromHeader = typeof header === 'string' && /^\d+$/.test(header) ? Number(header) : undefined;
  return queryValue ?? fromHeader ?? 0;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
