import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { api, ApiError, setToken } from '@/api';

/**
 * Shown when the tab has no key (opened without `#token=`) or the key stopped working. The key is
 * checked against the server before it is kept.
 */
export function SignIn({ expired }: { expired?: boolean }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const k = key.trim();
    if (!k) return setError('Enter the API key.');
    setBusy(true);
    setError(null);
    try {
      await api.get('/v1/files', z.unknown(), { query: { limit: 1 }, token: k });
      setToken(k);
    } catch (err) {
      setError(
        err instanceof ApiError && err.isAuth
          ? 'That key is not valid for this server. Check for a missing character, or use the key printed at start-up.'
          : err instanceof Error
            ? err.message
            : String(err),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="signin">
      <form className="card" onSubmit={(e) => void submit(e)} noValidate>
        <div className="brand" style={{ padding: 0, marginBottom: 12 }}>
          <img src="./icon.svg" alt="" width={28} height={28} />
          <h1>Sign in to Hone</h1>
        </div>
        {expired && <p className="notice warn">Your key is no longer accepted (it may have been rotated). Enter the current one.</p>}
        <p className="muted">This Hone server needs its API key. It is the same key the OpenAI SDK uses.</p>
        <div className="field">
          <label htmlFor="api-key">API key</label>
          <input
            id="api-key"
            type="password"
            autoComplete="current-password"
            autoFocus
            value={key}
            onChange={(e) => setKey(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'api-key-error api-key-hint' : 'api-key-hint'}
            placeholder="hone-…"
          />
          {error && (
            <div id="api-key-error" className="field-error" role="alert">
              {error}
            </div>
          )}
          <div id="api-key-hint" className="hint">
            Where to find it: <code>npm start</code> prints it together with a link that signs you in. It is also stored in the file <code>api-key</code> in
            Hone's data folder (for example <code>~/.local/share/Hone/api-key</code>), unless the server was started with <code>HONE_API_KEY</code>.
          </div>
        </div>
        <button className="primary" type="submit" disabled={busy} style={{ width: '100%' }}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
