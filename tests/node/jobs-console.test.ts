/**
 * The job page's server side: the console stream resumed after every event gives the exact text
 * (multibyte characters cut by the 256 KB reads included), the console download, and the list's
 * status filter. Real server; the console of a finished job is a file on disk like any trainer's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFile } from 'openai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, errorOf, type TestServer } from './helpers/server.js';
import { chatJsonl } from './helpers/datasets.js';
import { waitFor } from './helpers/wait.js';
import { utf8Boundary } from '../../electron/core/server/utf8.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s.stop());

/** A job that fails in validation (no trainer), so its console is whatever the test puts there. */
async function finishedJob(): Promise<string> {
  const bad = await s.client.files.create({ file: await toFile(Buffer.from(chatJsonl(11) + '{"messages": []}\n'), 'bad.jsonl'), purpose: 'fine-tune' });
  const job = await s.client.fineTuning.jobs.create({ training_file: bad.id, model: 'hone-tiny-llama' });
  await waitFor(() => s.client.fineTuning.jobs.retrieve(job.id), (j) => j.status === 'failed', 30_000, 'validation failure');
  return job.id;
}

interface Ev {
  id: string | null;
  event: string;
  data: string;
}

/** Reads one connection of the console stream; stops after `max` output events (a cut connection). */
async function readConsole(id: string, last: string | null, max: number): Promise<Ev[]> {
  const ac = new AbortController();
  const res = await s.api(`/v1/fine_tuning/jobs/${id}/console`, { headers: last ? { 'last-event-id': last } : {}, signal: ac.signal });
  expect(res.status).toBe(200);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const out: Ev[] = [];
  let buf = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return out;
      buf += value;
      let cut: number;
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const ev: Ev = { id: null, event: 'message', data: '' };
        for (const line of block.split('\n')) {
          if (line.startsWith('id: ')) ev.id = line.slice(4);
          else if (line.startsWith('event: ')) ev.event = line.slice(7);
          else if (line.startsWith('data: ')) ev.data += line.slice(6);
        }
        if (block.startsWith(':')) continue;
        out.push(ev);
        if (ev.event === 'end' || out.filter((e) => e.event === 'output').length >= max) return out;
      }
    }
  } finally {
    ac.abort();
  }
}

describe('utf8Boundary', () => {
  it('never splits a character, for every cut of text with 1- to 4-byte characters', () => {
    const text = 'a█é€𝄞b\r\n██ 100%|██████| 9/9';
    const bytes = Buffer.from(text);
    for (let n = 0; n <= bytes.length; n++) {
      const cut = utf8Boundary(bytes, n);
      expect(cut).toBeLessThanOrEqual(n);
      expect(n - cut).toBeLessThan(4);
      const head = bytes.subarray(0, cut).toString('utf8');
      expect(head).not.toContain('\ufffd');
      expect(head + bytes.subarray(cut).toString('utf8')).toBe(text);
    }
  });
});

describe('console of a job', () => {
  it('resuming after every event (Last-Event-ID) gives the file exactly, multibyte characters cut by reads included', async () => {
    const id = await finishedJob();
    // ~1.5 MB: several 256 KB reads, each ending mid-character (█ is 3 bytes; 256 KiB is not a multiple of 3).
    const line = (i: number) => `\r ${String(i % 100).padStart(3)}%|${'█'.repeat(40)}${' '.repeat(10)}| ${i}/12000 [é€𝄞]\n`;
    let text = '';
    for (let i = 0; i < 12_000; i++) text += line(i);
    mkdirSync(join(s.dataDir, 'jobs', id), { recursive: true });
    writeFileSync(join(s.dataDir, 'jobs', id, 'console.log'), text);

    // One connection: the events' ids are byte offsets at character boundaries.
    const whole = await readConsole(id, null, Infinity);
    const outputs = whole.filter((e) => e.event === 'output');
    expect(outputs.length).toBeGreaterThan(4);
    expect(outputs.map((e) => JSON.parse(e.data) as string).join('')).toBe(text);
    expect(whole.at(-1)).toMatchObject({ event: 'end', id: String(Buffer.byteLength(text)) });

    // Cut after every event and resume from its id: the same text, no character lost or doubled.
    let last: string | null = null;
    let got = '';
    for (let round = 0; round < 100; round++) {
      const evs = await readConsole(id, last, 1);
      for (const e of evs) if (e.event === 'output') got += JSON.parse(e.data) as string;
      last = evs.at(-1)?.id ?? last;
      if (evs.at(-1)?.event === 'end') break;
    }
    expect(got).not.toContain('\ufffd');
    expect(got).toBe(text);
  });

  it('console.txt downloads the whole console as plain text; a job without one gives an empty file', async () => {
    const id = await finishedJob();
    const none = await s.api(`/v1/fine_tuning/jobs/${id}/console.txt`);
    expect(none.status).toBe(200);
    expect(await none.text()).toBe('');
    const text = 'Loading weights: 100%|██████████| 20/20\r\nline two\n\r 50%|█████     | 1/2\r100%|██████████| 2/2\n';
    mkdirSync(join(s.dataDir, 'jobs', id), { recursive: true });
    writeFileSync(join(s.dataDir, 'jobs', id, 'console.log'), text);
    const res = await s.api(`/v1/fine_tuning/jobs/${id}/console.txt`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${id}-console.txt"`);
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(text))).toBe(true);

    expect(await errorOf(await s.api('/v1/fine_tuning/jobs/ftjob-nope/console.txt'))).toMatchObject({ status: 404 });
    expect((await fetch(`${s.url}/v1/fine_tuning/jobs/${id}/console.txt`)).status).toBe(401);
  });

  it('the list filters by status (comma-separated), pages within the filter, and refuses an unknown status', async () => {
    const failed = [await finishedJob(), await finishedJob(), await finishedJob()];
    const page1 = (await (await s.api('/v1/fine_tuning/jobs?status=failed&limit=2')).json()) as { data: Array<{ id: string; status: string }>; has_more: boolean };
    expect(page1.data.every((j) => j.status === 'failed')).toBe(true);
    expect(page1.data.map((j) => j.id)).toEqual([failed[2], failed[1]]);
    expect(page1.has_more).toBe(true);
    const page2 = (await (await s.api(`/v1/fine_tuning/jobs?status=failed,cancelled&limit=100&after=${failed[1]}`)).json()) as { data: Array<{ id: string }>; has_more: boolean };
    expect(page2.data[0]!.id).toBe(failed[0]);
    expect(page2.has_more).toBe(false);
    const none = (await (await s.api('/v1/fine_tuning/jobs?status=running')).json()) as { data: unknown[]; has_more: boolean };
    expect(none).toMatchObject({ data: [], has_more: false });
    expect(await errorOf(await s.api('/v1/fine_tuning/jobs?status=done'))).toMatchObject({ status: 400, error: { param: 'status', code: 'invalid_status' } });
  });
});
