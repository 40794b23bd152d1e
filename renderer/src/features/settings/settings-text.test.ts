import { describe, expect, it } from 'vitest';
import { keyReason, mlflowStatus, overrideNote, sdkSnippet } from './settings-text';

describe('settings text', () => {
  it('builds an SDK snippet with the server URL and the key from the environment only', () => {
    const s = sdkSnippet('http://127.0.0.1:8017/');
    expect(s).toContain('from openai import OpenAI');
    expect(s).toContain('client = OpenAI(base_url="http://127.0.0.1:8017/v1", api_key=os.environ["HONE_API_KEY"])');
    expect(s).toContain('client.files.create(');
    expect(s).toContain('client.fine_tuning.jobs.create(');
  });

  it('names the variable that overrides a value', () => {
    expect(overrideNote('env', 'HONE_JUDGE_MODEL')).toBe('Set by HONE_JUDGE_MODEL; edit the environment to change it.');
    expect(overrideNote('settings', null)).toBeNull();
    expect(overrideNote('default', null)).toBeNull();
  });

  it('says what MLflow uses now and when a change waits for a restart', () => {
    const base = { mlflow_uri: { value: 'local', source: 'default' as const, env_var: null }, mlflow_effective_uri: null };
    expect(mlflowStatus({ ...base, restart_required: false })).toMatch(/starts when the first job/);
    expect(mlflowStatus({ ...base, mlflow_effective_uri: 'http://127.0.0.1:5000', restart_required: true })).toBe('In use: http://127.0.0.1:5000. The new setting applies after restart.');
  });

  it('explains why a key cannot be rotated', () => {
    expect(keyReason({ masked: 'x', source: 'file', rotatable: true })).toBeNull();
    expect(keyReason({ masked: 'x', source: 'env', rotatable: false })).toMatch(/HONE_API_KEY/);
    expect(keyReason({ masked: null, source: 'off', rotatable: false })).toMatch(/--no-auth/);
  });
});
