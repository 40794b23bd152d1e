/**
 * The conversation, one column per model: the shared context and each turn's question across the
 * full width, the answers side by side under it (and the dataset's own answer beside them when
 * the turn came from an example), each with its time to first token and tokens per second.
 */
import { useEffect, useState } from 'react';
import type { ChatMessage } from '@shared/schemas/chat.js';
import { contentText, replyFigures, type Reply, type Turn } from './conversation';

const ROLE_LABEL: Record<string, string> = { user: 'User', assistant: 'Assistant', system: 'System', tool: 'Tool', developer: 'Developer' };

/** Re-renders every 250 ms while something streams, so the live figures move. */
function useTicker(active: boolean): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(performance.now()), 250);
    return () => clearInterval(t);
  }, [active]);
  return now; // once nothing streams, every answer has its end time and `now` is not read
}

function Message({ m }: { m: ChatMessage }) {
  return (
    <div className={`pg-msg pg-${m.role}`}>
      <div className="pg-role">{ROLE_LABEL[m.role] ?? m.role}</div>
      <div className="pg-text">{contentText(m.content) || <span className="muted">(no text)</span>}</div>
    </div>
  );
}

const STATUS_TEXT: Record<Reply['status'], string> = { waiting: 'Waiting for the first token…', streaming: 'Answering…', done: '', stopped: 'Stopped', error: 'Failed' };

function Figures({ reply, now }: { reply: Reply; now: number }) {
  const f = replyFigures(reply, now);
  return (
    <div className="pg-figures small-text" data-testid="reply-figures">
      <span title="Time to first token: from sending the request to the first piece of the answer">
        TTFT <span className="mono" data-testid="reply-ttft">{f.ttft === null ? '—' : `${f.ttft.toFixed(2)} s`}</span>
      </span>
      <span title="Decoding speed after the first token">
        <span className="mono" data-testid="reply-tps">{f.tokensPerS === null ? '—' : f.tokensPerS.toFixed(1)}</span> tok/s
      </span>
      <span>
        <span className="mono" data-testid="reply-tokens">{f.tokens}</span> tokens
      </span>
      {reply.finishReason && (
        <span title={reply.finishReason === 'length' ? 'Stopped at Max tokens' : 'The model ended its answer'}>
          finish: <span className="mono">{reply.finishReason}</span>
        </span>
      )}
    </div>
  );
}

function ReplyCell({ model, reply, now }: { model: string; reply: Reply | undefined; now: number }) {
  if (!reply)
    return (
      <div className="pg-cell pg-none" data-testid="reply" data-model={model}>
        <span className="muted small-text">Not asked (chosen after this turn).</span>
      </div>
    );
  const live = reply.status === 'waiting' || reply.status === 'streaming';
  return (
    <div className={`pg-cell pg-${reply.status}`} data-testid="reply" data-model={model} data-status={reply.status} aria-busy={live}>
      <div className="pg-cell-head">
        <span className="sr-only">Answer of {model}</span>
        {STATUS_TEXT[reply.status] && (
          <span className={`badge ${reply.status === 'error' ? 'error' : reply.status === 'stopped' ? 'warn' : 'info'}`} data-testid="reply-status">
            {STATUS_TEXT[reply.status]}
          </span>
        )}
      </div>
      <div className="pg-text" data-testid="reply-text">
        {reply.text}
        {reply.status === 'streaming' && <span className="pg-caret" aria-hidden="true" />}
      </div>
      {reply.text && !reply.text.trim() && reply.status !== 'streaming' && <div className="muted small-text">(only whitespace: {reply.text.length} characters)</div>}
      {reply.error && (
        <div className="field-error" role="alert" data-testid="reply-error">
          {reply.error.message}
          {reply.error.param && <span className="muted mono"> · {reply.error.param}</span>}
        </div>
      )}
      {reply.status !== 'waiting' && reply.status !== 'error' && <Figures reply={reply} now={now} />}
    </div>
  );
}

export function ChatGrid({ models, context, turns }: { models: string[]; context: ChatMessage[]; turns: Turn[] }) {
  const hasReference = turns.some((t) => t.reference !== null);
  const live = turns.some((t) => Object.values(t.replies).some((r) => r.status === 'waiting' || r.status === 'streaming'));
  const now = useTicker(live);
  const cols = models.length + (hasReference ? 1 : 0);
  const style = { gridTemplateColumns: `repeat(${Math.max(cols, 1)}, minmax(0, 1fr))` };
  return (
    <div className="pg-chat" data-testid="chat">
      {context.length > 0 && (
        <section className="pg-context" aria-label="Earlier messages (from the example)">
          {context.map((m, i) => (
            <Message key={i} m={m} />
          ))}
        </section>
      )}
      {turns.map((t, i) => (
        <section key={t.id} className="pg-turn" aria-label={`Turn ${i + 1}`}>
          {t.input.map((m, j) => (
            <Message key={j} m={m} />
          ))}
          <div className="pg-row" style={style}>
            {models.map((m) => (
              <div key={m} className="pg-col" role="group" aria-label={`Answer of ${m}`}>
                <div className="pg-col-head pg-col-head-inline mono">{m}</div>
                <ReplyCell model={m} reply={t.replies[m]} now={now} />
              </div>
            ))}
            {hasReference && (
              <div className="pg-col" role="group" aria-label="Training answer">
                <div className="pg-col-head pg-col-head-inline">Training answer</div>
                <div className="pg-cell pg-reference" data-testid="reference">
                  {t.reference === null ? <span className="muted small-text">—</span> : <div className="pg-text">{t.reference}</div>}
                </div>
              </div>
            )}
          </div>
        </section>
      ))}
    </div>
  );
}
