/**
 * The wizard's "Copy as code" (renderer/src/features/new-job/request-code.ts): the Python parses,
 * curl's JSON is the body, and both — run for real against a real server — create the same job
 * as the body sent directly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { toFile } from 'openai';
import { curlCode, pythonCode, pyLiteral, shellQuote } from '../../renderer/src/features/new-job/request-code.js';
import { startTestServer, TEST_KEY, type TestServer } from './helpers/server.js';
import { chatJsonl } from './helpers/datasets.js';

const PY = join(import.meta.dirname, '../../.venv/bin/python');

const supervised = {
  model: 'hone-tiny-llama',
  training_file: 'file-abc',
  method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 'auto', batch_size: 2, learning_rate_multiplier: 'auto', lora_r: 8, lora_dropout: 0.05, warmup_ratio: 0.1, max_seq_length: 512 } } },
  suffix: 'my-run_1.0',
  seed: 42,
  hone: { gpus: 0, priority: -3, benchmarks: { needle: false } },
};
const dpo = {
  model: 'HuggingFaceTB/SmolLM2-135M-Instruct',
  training_file: 'file-pref',
  validation_file: 'file-val',
  method: { type: 'dpo', dpo: { hyperparameters: { beta: 0.2, n_epochs: 3, qlora: true, learning_rate_multiplier: 2e-7 } } },
  metadata: { note: `it's "quoted" — ünïcode \\ and $HOME` },
  hone: { benchmarks: false },
};

function parsePython(code: string) {
  return spawnSync(PY, ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: code, encoding: 'utf8' });
}

/** The JSON curl sends: the -d word, unquoted as the shell would. */
function curlJson(code: string): unknown {
  const out = spawnSync('sh', ['-c', `set -- ${code.slice(code.indexOf('-d ') + 3).trim()}; printf %s "$1"`], { encoding: 'utf8', env: {} });
  return JSON.parse(out.stdout);
}

/** Async (the server under test runs in this process, so a blocking spawn would starve it). */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env, timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('copy as code', () => {
  it.skipIf(!existsSync(PY))('the Python parses, with the key read from the environment', () => {
    for (const body of [supervised, dpo]) {
      const code = pythonCode(body, 'http://127.0.0.1:8017/');
      const r = parsePython(code);
      expect(r.status, r.stderr).toBe(0);
      expect(code).toContain('client = OpenAI(base_url="http://127.0.0.1:8017/v1", api_key=os.environ["HONE_API_KEY"])');
      expect(code).toContain('model="');
      expect(code).toContain('extra_body={"hone": ');
    }
    expect(pythonCode(supervised, 'http://x')).toContain('    seed=42,');
    expect(pyLiteral({ a: true, b: null, c: [1, 'x'] })).toBe('{"a": True, "b": None, "c": [1, "x"]}');
  });

  it('curl sends exactly the body, with the key from $HONE_API_KEY', () => {
    for (const body of [supervised, dpo]) {
      const code = curlCode(body, 'http://127.0.0.1:8017');
      expect(curlJson(code)).toEqual(body);
      expect(code).toContain('-H "Authorization: Bearer $HONE_API_KEY"');
      expect(code.startsWith("curl 'http://127.0.0.1:8017/v1/fine_tuning/jobs'")).toBe(true);
    }
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
  });
});

describe.skipIf(!existsSync(PY))('copy as code against a real server', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => s?.stop());

  it('the Python script, the curl command and the body itself create the same job', async () => {
    const file = await s.client.files.create({ file: await toFile(Buffer.from(chatJsonl(12)), 'train.jsonl'), purpose: 'fine-tune' });
    const body = { ...supervised, training_file: file.id, metadata: dpo.metadata };
    const env = { ...process.env, HONE_API_KEY: TEST_KEY };

    const py = await run(PY, ['-c', pythonCode(body, s.url)], env);
    expect(py.status, py.stderr).toBe(0);
    const pyId = py.stdout.trim().split(' ')[0]!;
    const curl = await run('sh', ['-c', curlCode(body, s.url)], env);
    expect(curl.status, curl.stderr).toBe(0);
    const curlId = (JSON.parse(curl.stdout) as { id: string }).id;
    const direct = (await (await s.api('/v1/fine_tuning/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { id: string };

    // Only the request matters here: stop them before any training starts.
    for (const id of [pyId, curlId, direct.id]) await s.api(`/v1/fine_tuning/jobs/${id}/cancel`, { method: 'POST' });
    const view = async (id: string) => {
      const j = (await (await s.api(`/v1/fine_tuning/jobs/${id}`)).json()) as Record<string, unknown> & { hone: Record<string, unknown> };
      return { model: j.model, training_file: j.training_file, validation_file: j.validation_file, suffix: j.suffix, seed: j.seed, method: j.method, metadata: j.metadata, gpus: j.hone.gpus, priority: j.hone.priority, benchmarks: j.hone.benchmarks };
    };
    const expected = await view(direct.id);
    expect(expected).toMatchObject({ model: body.model, training_file: file.id, suffix: body.suffix, seed: 42, metadata: body.metadata, gpus: 0, priority: -3, benchmarks: { needle: false } });
    expect(await view(pyId)).toEqual(expected);
    expect(await view(curlId)).toEqual(expected);
  }, 120_000);
});
