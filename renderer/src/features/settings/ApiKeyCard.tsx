/** The API key: masked, copy this tab's key, rotate (the old key stops working at once). */
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { RotatedKey, type Settings } from '@shared/schemas/settings.js';
import { api, getToken, setToken } from '@/api';
import { ConfirmDialog, ErrorNotice, toast } from '@/ui';
import { keyReason } from './settings-text';
import { copyText, SETTINGS_KEY } from './use-settings';

export function ApiKeyCard({ apiKey }: { apiKey: Settings['api_key'] }) {
  const qc = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [fresh, setFresh] = useState<string | null>(null);
  const rotate = useMutation({
    mutationFn: () => api.post('/v1/hone/api-key/rotate', RotatedKey),
    onSuccess: (r) => {
      // Switch this tab to the new key before anything else asks the server with the old one.
      setToken(r.key);
      setFresh(r.key);
      setConfirming(false);
      toast('API key rotated; this tab now uses the new key');
      void qc.invalidateQueries({ queryKey: SETTINGS_KEY });
    },
    onError: () => setConfirming(false),
  });
  const reason = keyReason(apiKey);
  const token = getToken();
  return (
    <section className="card" aria-labelledby="key-h">
      <h2 id="key-h">API key</h2>
      <p className="muted">Every API call (the app, the OpenAI SDK, curl) sends this key as a bearer token.</p>
      <div className="row">
        <code className="key-mask" data-testid="key-masked">
          {apiKey.masked ?? 'no key (authentication off)'}
        </code>
        <button type="button" onClick={() => token && void copyText(token, 'API key')} disabled={!token}>
          Copy key
        </button>
        <button type="button" className="danger" onClick={() => setConfirming(true)} disabled={!apiKey.rotatable || rotate.isPending} aria-describedby={reason ? 'key-reason' : undefined}>
          Rotate key…
        </button>
      </div>
      <p className="hint muted">Copy copies the key this tab signed in with.</p>
      {reason && (
        <p className="muted" id="key-reason">
          {reason}
        </p>
      )}
      {rotate.isError && <ErrorNotice error={rotate.error} />}
      {fresh && (
        <div className="notice ok new-key" role="status">
          <div style={{ flex: 1 }}>
            <label htmlFor="new-key">New API key (shown once; store it where your scripts read HONE_API_KEY)</label>
            <div className="row">
              <input id="new-key" className="mono" readOnly value={fresh} size={Math.min(60, fresh.length + 2)} onFocus={(e) => e.target.select()} />
              <button type="button" onClick={() => void copyText(fresh, 'New API key')}>
                Copy new key
              </button>
              <button type="button" className="ghost" onClick={() => setFresh(null)}>
                Hide
              </button>
            </div>
          </div>
        </div>
      )}
      <ConfirmDialog
        open={confirming}
        title="Rotate the API key?"
        confirmLabel="Rotate key"
        danger
        busy={rotate.isPending}
        onConfirm={() => rotate.mutate()}
        onCancel={() => setConfirming(false)}
      >
        <p>The old key stops working at once; SDK scripts and other tabs must use the new one. This tab switches to the new key by itself.</p>
      </ConfirmDialog>
    </section>
  );
}
