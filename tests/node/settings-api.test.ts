import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorOf, startTestServer, type TestServer } from './helpers/server.js';
import { SettingsStore } from '../../electron/core/settings/settings-store.js';
import { DataDir } from '../../electron/core/storage/data-dir.js';
import type { Settings } from '../../electron/shared/schemas/settings.js';

const mode = (p: string) => statSync(p).mode & 0o777;
const json = { 'content-type': 'application/json' };

describe('settings with HONE_API_KEY (the test default)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => s.stop());

  it('reports server, key, data dir, python and GPUs; the key from the env is not rotatable', async () => {
    const r = (await (await s.api('/v1/hone/settings')).json()) as Settings;
    expect(r.server).toMatchObject({ url: s.url, host: '127.0.0.1', port: s.port, team_mode: false });
    expect(r.api_key).toEqual({ masked: 'test-key…6789', source: 'env', rotatable: false });
    expect(r.data_dir.path).toBe(s.dataDir);
    expect(r.data_dir.free_bytes).toBeGreaterThan(0);
    expect(r.data_dir.total_bytes).toBeGreaterThanOrEqual(r.data_dir.free_bytes!);
    expect(r.python.ok).toBe(true);
    expect(r.python.python_version).toMatch(/^3\./);
    expect(r.python.torch_version).toMatch(/^\d/);
    expect(r.gpus.mode).toMatch(/gpu|cpu/);
    expect(r.mlflow_uri).toMatchObject({ source: expect.stringMatching(/default|env/) });
    const e = await errorOf(await s.api('/v1/hone/api-key/rotate', { method: 'POST' }));
    expect(e).toMatchObject({ status: 400, error: { code: 'api_key_from_env' } });
  });

  it('stores patches 0600, never returns secrets, and hands them to trainers', async () => {
    const res = await s.api('/v1/hone/settings', {
      method: 'PATCH',
      headers: json,
      body: JSON.stringify({ hf_token: 'hf_secret_value', judge_base_url: 'http://127.0.0.1:9/v1', judge_model: 'judge-m', judge_api_key: 'sk-judge-secret', mlflow_uri: 'off' }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain('hf_secret_value');
    expect(text).not.toContain('sk-judge-secret');
    const r = JSON.parse(text) as Settings & { restart_required: boolean };
    expect(r.hf_token).toEqual({ set: true, source: 'settings' });
    expect(r.judge).toMatchObject({ base_url: { value: 'http://127.0.0.1:9/v1', source: 'settings' }, model: { value: 'judge-m' }, api_key_set: true });
    expect(r.restart_required).toBe(true);
    expect(mode(join(s.dataDir, 'settings.json'))).toBe(0o600);
    expect(mode(join(s.dataDir, 'hf-token'))).toBe(0o600);
    expect(s.core.settings.childEnv()).toMatchObject({ HF_TOKEN: 'hf_secret_value', HONE_JUDGE_BASE_URL: 'http://127.0.0.1:9/v1', HONE_JUDGE_MODEL: 'judge-m', HONE_JUDGE_API_KEY: 'sk-judge-secret' });

    const cleared = (await (await s.api('/v1/hone/settings', { method: 'PATCH', headers: json, body: JSON.stringify({ hf_token: null, mlflow_uri: null }) })).json()) as Settings & { restart_required: boolean };
    expect(cleared.hf_token.set).toBe(false);
    expect(cleared.restart_required).toBe(false);

    for (const bad of [{ mlflow_uri: 'ftp://x' }, { nope: 1 }, { benchmarks_by_default: 'yes' }]) {
      const e = await errorOf(await s.api('/v1/hone/settings', { method: 'PATCH', headers: json, body: JSON.stringify(bad) }));
      expect(e.status, JSON.stringify(bad)).toBe(400);
    }
  });
});

describe('environment overrides', () => {
  it('say where each value comes from', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hone-settings-'));
    try {
      const dirs = new DataDir(dir).ensure();
      new SettingsStore(dirs, {}).patch({ judge_model: 'stored', benchmarks_by_default: false, hf_token: 'stored-token' });
      const st = new SettingsStore(dirs, { HONE_JUDGE_MODEL: 'from-env', HONE_MLFLOW: 'off', HF_TOKEN: 'env-token' });
      expect(st.judgeModel()).toEqual({ value: 'from-env', source: 'env', env_var: 'HONE_JUDGE_MODEL' });
      expect(st.mlflowUri()).toEqual({ value: 'off', source: 'env', env_var: 'HONE_MLFLOW' });
      expect(st.benchmarksByDefault()).toEqual({ value: false, source: 'settings', env_var: null });
      expect(st.judgeBaseUrl()).toEqual({ value: null, source: 'default', env_var: null });
      expect(st.childEnv().HF_TOKEN).toBe('env-token');
      expect(readFileSync(dirs.hfTokenFile, 'utf8').trim()).toBe('stored-token');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('API key rotation with a stored key', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ apiKeyEnv: undefined }, { benchmarksByDefault: undefined });
  });
  afterAll(async () => s.stop());

  it('accepts only the new key afterwards, and writes it 0600', async () => {
    const old = s.apiKey!.key;
    const call = (key: string, path = '/v1/hone/settings', init: RequestInit = {}) => fetch(`${s.url}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, ...(init.headers ?? {}) } });
    const before = (await (await call(old)).json()) as Settings;
    expect(before.api_key).toMatchObject({ source: 'generated', rotatable: true });
    const rotated = (await (await call(old, '/v1/hone/api-key/rotate', { method: 'POST' })).json()) as { object: string; key: string };
    expect(rotated.object).toBe('hone.api_key');
    expect(rotated.key).not.toBe(old);
    expect((await call(old)).status).toBe(401);
    expect((await call(rotated.key)).status).toBe(200);
    expect(readFileSync(join(s.dataDir, 'api-key'), 'utf8').trim()).toBe(rotated.key);
    expect(mode(join(s.dataDir, 'api-key'))).toBe(0o600);

    // benchmarks_by_default from the settings decides a new job's default.
    const patched = (await (await call(rotated.key, '/v1/hone/settings', { method: 'PATCH', headers: json, body: JSON.stringify({ benchmarks_by_default: false }) })).json()) as Settings;
    expect(patched.benchmarks_by_default).toEqual({ value: false, source: 'settings', env_var: null });
    const form = new FormData();
    form.set('purpose', 'fine-tune');
    form.set('file', new Blob([readFileSync(join(__dirname, '../../resources/datasets/marv-chat.jsonl'))]), 'marv.jsonl');
    const file = (await (await call(rotated.key, '/v1/files', { method: 'POST', body: form })).json()) as { id: string };
    const job = (await (await call(rotated.key, '/v1/fine_tuning/jobs', { method: 'POST', headers: json, body: JSON.stringify({ training_file: file.id, model: 'hone-tiny-llama' }) })).json()) as { id: string; hone: { benchmarks: unknown } };
    expect(job.hone.benchmarks).toBe(false);
    // The dataset warning is the validator's own sentence, not "few_examples (1 examples)".
    let messages: string[] = [];
    for (let i = 0; i < 200 && !messages.some((m) => m.startsWith('Dataset warning')); i++) {
      await new Promise((r) => setTimeout(r, 50));
      const ev = (await (await call(rotated.key, `/v1/fine_tuning/jobs/${job.id}/events?limit=100`)).json()) as { data: { message: string }[] };
      messages = ev.data.map((e) => e.message);
    }
    await call(rotated.key, `/v1/fine_tuning/jobs/${job.id}/cancel`, { method: 'POST' });
    expect(messages).toContain('Dataset warning: the file has 12 examples; 50–100 usually give clearly better results');
    expect(messages.join('\n')).not.toMatch(/few_examples \(/);
  });
});
