/** A Python SDK script for this server, ready to copy (the key stays in the environment). */
import { sdkSnippet } from './settings-text';
import { copyText } from './use-settings';

export function SdkSnippet({ url }: { url: string }) {
  const code = sdkSnippet(url);
  return (
    <section className="card sdk-card" aria-labelledby="sdk-h">
      <div className="row">
        <h2 id="sdk-h">Use Hone from Python</h2>
        <button type="button" className="small" style={{ marginLeft: 'auto' }} onClick={() => void copyText(code, 'Snippet')}>
          Copy snippet
        </button>
      </div>
      <p className="muted">
        The official OpenAI SDK works unchanged. Put the key in <code>HONE_API_KEY</code> first (<code>export HONE_API_KEY=…</code>); the snippet never contains it.
      </p>
      <pre className="snippet" data-testid="sdk-snippet" tabIndex={0} aria-label="Python SDK snippet">
        {code}
      </pre>
    </section>
  );
}
