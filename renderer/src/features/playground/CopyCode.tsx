/** "Copy as code": the next request of the conversation as a Python (OpenAI SDK) script. */
import { serverOrigin } from '@/api';
import { toast } from '@/ui';
import { messagesFor, samplingBody } from './conversation';
import { usePlayground } from './playground-store';
import { pythonChatCode } from './request-code';

export function CopyCode() {
  const { models, system, context, turns, sampling, draft } = usePlayground();
  const next = draft.trim() ? [...turns, { id: -1, input: [{ role: 'user' as const, content: draft }], reference: null, replies: {} }] : turns;
  const byModel = Object.fromEntries(models.map((m) => [m, messagesFor(m, system, context, next)]));
  const code = pythonChatCode(models, byModel, samplingBody(sampling), serverOrigin());
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(code);
      toast('Python code copied');
    } catch {
      toast('Could not copy: select the code and press Ctrl+C.', 'error');
    }
  };
  return (
    <details className="pg-code">
      <summary>Copy as code</summary>
      <p className="muted small-text">
        This conversation and settings as a Python script for the OpenAI SDK. The key is read from <code>HONE_API_KEY</code> and never appears here.
      </p>
      <button type="button" className="small" onClick={() => void copy()}>
        Copy
      </button>
      <pre className="snippet" data-testid="code-python" tabIndex={0} aria-label="Python SDK code">
        {code}
      </pre>
    </details>
  );
}
