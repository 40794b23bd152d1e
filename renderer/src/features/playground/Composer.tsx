/** The message box under the conversation: Enter sends, Shift+Enter starts a new line; Stop while answers stream. */
import type { Model } from '@shared/schemas/jobs.js';
import { fieldError } from './conversation';
import { usePlayground } from './playground-store';

export function Composer({ catalogue }: { catalogue: Model[] }) {
  const draft = usePlayground((s) => s.draft);
  const setDraft = usePlayground((s) => s.setDraft);
  const running = usePlayground((s) => s.running !== null);
  const models = usePlayground((s) => s.models);
  const send = usePlayground((s) => s.send);
  const stop = usePlayground((s) => s.stop);
  const error = usePlayground((s) => s.requestError);
  const unanswered = usePlayground((s) => {
    const last = s.turns.at(-1);
    return !!last && Object.keys(last.replies).length === 0;
  });
  const msg = fieldError(error, 'messages');
  const noModel = models.length === 0;
  const submit = () => {
    const text = draft.trim();
    if (running || noModel) return;
    if (text) send(draft, catalogue);
    else if (unanswered) send(null, catalogue);
  };
  return (
    <form
      className="card pg-composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label htmlFor="pg-draft" className="sr-only">
        Message
      </label>
      <textarea
        id="pg-draft"
        rows={3}
        value={draft}
        placeholder={noModel ? 'Pick a model first' : unanswered ? 'Press Run to answer the example, or write a message' : 'Write a message; Enter sends, Shift+Enter adds a line'}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            submit();
          }
        }}
        aria-invalid={msg ? true : undefined}
        aria-describedby={`pg-draft-hint${msg ? ' pg-draft-error' : ''}`}
      />
      <div className="row">
        <span className="muted small-text" id="pg-draft-hint">
          {noModel ? 'Choose at least one model on the left.' : `Sent to ${models.length === 1 ? '1 model' : `${models.length} models`}.`}
        </span>
        {msg && (
          <span className="field-error" id="pg-draft-error" role="alert">
            {msg}
          </span>
        )}
        <span className="pg-composer-actions">
          {running ? (
            <button type="button" className="danger" onClick={stop}>
              Stop
            </button>
          ) : (
            <button type="submit" className="primary" disabled={noModel || (!draft.trim() && !unanswered)}>
              {!draft.trim() && unanswered ? 'Run' : 'Send'}
            </button>
          )}
        </span>
      </div>
    </form>
  );
}
