/** The form view of one example: its messages as editable cards, tools declared, preference pairs side by side. */
import type { KeyboardEvent } from 'react';
import type { ValidationIssue } from '@shared/schemas/validation.js';
import {
  addMessage,
  deleteMessage,
  isTrained,
  messagesOf,
  moveMessage,
  setContent,
  setRole,
  toggleWeight,
  type ExampleKind,
  type MessageList,
  type Obj,
} from '@shared/datasets/index.js';
import { issuesAt, messagePath } from './model/live-validation';

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool'];

export interface FormProps {
  value: Obj;
  kind: ExampleKind;
  readOnly: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  /** Tokens of a text (exact with a model, else the ~4 bytes/token estimate). */
  tokens: (text: string) => number;
  exact: boolean;
  /** A new value for the example; `coalesce` merges keystrokes into one undo step. */
  onChange: (next: Obj, coalesce?: string) => void;
}

export function ChatForm(p: FormProps) {
  const tools = p.kind === 'preference' ? (p.value.input as Obj | undefined)?.tools : p.value.tools;
  return (
    <div className="chat-form">
      {p.kind === 'preference' ? (
        <>
          <h3 className="section-title">Prompt</h3>
          <MessageListView {...p} list="messages" />
          <div className="pref-grid">
            <section aria-label="Preferred output">
              <h3 className="section-title">
                <span className="badge ok">Preferred</span>
              </h3>
              <MessageListView {...p} list="preferred" fixed />
            </section>
            <section aria-label="Non-preferred output">
              <h3 className="section-title">
                <span className="badge error">Non-preferred</span>
              </h3>
              <MessageListView {...p} list="non_preferred" fixed />
            </section>
          </div>
        </>
      ) : (
        <MessageListView {...p} list="messages" />
      )}
      {Array.isArray(tools) && tools.length > 0 && (
        <details className="tools-declared" open>
          <summary>Tools declared ({tools.length})</summary>
          {tools.map((t, i) => {
            const fn = (t as Obj | null)?.function as Obj | undefined;
            return (
              <div key={i} className="tool-def">
                <strong className="mono">{typeof fn?.name === 'string' ? fn.name : `tool ${i + 1}`}</strong>
                {typeof fn?.description === 'string' && <span className="muted"> — {fn.description}</span>}
                <pre tabIndex={0}>{JSON.stringify(fn?.parameters ?? t, null, 2)}</pre>
              </div>
            );
          })}
        </details>
      )}
    </div>
  );
}

function MessageListView(p: FormProps & { list: MessageList; fixed?: boolean }) {
  const msgs = messagesOf(p.value, p.list);
  const add = () => {
    const last = msgs[msgs.length - 1];
    const role = !last || last.role === 'assistant' || last.role === 'system' ? 'user' : 'assistant';
    p.onChange(addMessage(p.value, p.list, { role, content: '' }));
  };
  return (
    <ol className="messages">
      {msgs.map((m, i) => (
        <MessageCard key={i} {...p} m={m} index={i} count={msgs.length} />
      ))}
      {msgs.length === 0 && <li className="muted">No messages yet.</li>}
      {!p.readOnly && !p.fixed && (
        <li className="add-message">
          <button type="button" className="small" onClick={add}>
            + Add message
          </button>
        </li>
      )}
    </ol>
  );
}

function MessageCard(p: FormProps & { list: MessageList; m: Obj; index: number; count: number; fixed?: boolean }) {
  const { m, index: i, list } = p;
  const ref = { list, index: i };
  const path = messagePath(p.kind, list, i);
  const errs = issuesAt(p.errors, path);
  const warns = issuesAt(p.warnings, path);
  const role = typeof m.role === 'string' ? m.role : '';
  const content = m.content;
  const text = typeof content === 'string' ? content : Array.isArray(content) ? null : content === null || content === undefined ? '' : null;
  const partsText = Array.isArray(content) ? content.map((x) => (typeof (x as Obj)?.text === 'string' ? ((x as Obj).text as string) : '')).join('') : null;
  const toolCalls = Array.isArray(m.tool_calls) ? (m.tool_calls as Obj[]) : [];
  const trained = isTrained(m);
  const weighable = role === 'assistant' && p.kind === 'chat';
  const id = `msg-${list}-${i}`;
  const onKey = (e: KeyboardEvent) => {
    if (p.readOnly || p.fixed || !e.altKey) return;
    if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      e.preventDefault();
      p.onChange(moveMessage(p.value, ref, e.key === 'ArrowUp' ? -1 : 1));
    }
  };
  // Tool calls are trained text too: count their JSON with the content.
  const count = p.tokens((text ?? partsText ?? '') + (toolCalls.length ? JSON.stringify(toolCalls) : ''));
  return (
    <li className={`message role-${role || 'unknown'}${errs.length ? ' has-error' : ''}`} onKeyDown={onKey} aria-labelledby={`${id}-label`}>
      <div className="message-head">
        <span id={`${id}-label`} className="sr-only">
          Message {i + 1}: {role}
        </span>
        <label className="inline-field">
          <span className="sr-only">Role of message {i + 1}</span>
          <select value={role} disabled={p.readOnly || p.fixed} onChange={(e) => p.onChange(setRole(p.value, ref, e.target.value))}>
            {!ROLES.includes(role) && <option value={role}>{role || '(none)'}</option>}
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        {typeof m.name === 'string' && <span className="badge info">name: {m.name}</span>}
        {weighable && (
          <button
            type="button"
            className={`weight-toggle${trained ? ' on' : ''}`}
            aria-pressed={trained}
            disabled={p.readOnly}
            title="Whether the model learns from this reply (weight). Click, Space or Enter to switch."
            onClick={() => p.onChange(toggleWeight(p.value, ref))}
          >
            {trained ? 'Trained' : 'Not trained'}
          </button>
        )}
        <span className="muted tokens">
          {p.exact ? '' : '~'}
          {count} tokens
        </span>
        {!p.readOnly && !p.fixed && (
          <span className="message-actions">
            <button type="button" className="ghost small" aria-label={`Move message ${i + 1} up`} title="Move up (Alt+↑)" disabled={i === 0} onClick={() => p.onChange(moveMessage(p.value, ref, -1))}>
              ↑
            </button>
            <button
              type="button"
              className="ghost small"
              aria-label={`Move message ${i + 1} down`}
              title="Move down (Alt+↓)"
              disabled={i === p.count - 1}
              onClick={() => p.onChange(moveMessage(p.value, ref, 1))}
            >
              ↓
            </button>
            <button type="button" className="ghost small danger" aria-label={`Delete message ${i + 1}`} onClick={() => p.onChange(deleteMessage(p.value, ref))}>
              Delete
            </button>
          </span>
        )}
      </div>
      {text !== null ? (
        <textarea
          aria-label={`Content of message ${i + 1} (${role})`}
          value={text}
          readOnly={p.readOnly}
          rows={Math.min(12, Math.max(2, text.split('\n').length + Math.floor(text.length / 90)))}
          aria-invalid={errs.some((e) => e.path?.startsWith(`${path}.content`)) || undefined}
          aria-describedby={errs.length || warns.length ? `${id}-issues` : undefined}
          onChange={(e) => p.onChange(setContent(p.value, ref, e.target.value), `${list}:${i}:content`)}
        />
      ) : (
        <div className="parts">
          <pre tabIndex={0}>{partsText ?? JSON.stringify(content, null, 2)}</pre>
          <div className="muted">This content is a list of parts; edit it in the Raw JSON tab.</div>
        </div>
      )}
      {toolCalls.map((tc, k) => {
        const fn = (tc.function ?? {}) as Obj;
        let args = typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments);
        try {
          args = JSON.stringify(JSON.parse(args), null, 2);
        } catch {
          // Not JSON: shown as written (the validator reports it).
        }
        return (
          <div key={k} className="tool-call">
            <div>
              Calls <strong className="mono">{typeof fn.name === 'string' ? fn.name : '?'}</strong>
              {typeof tc.id === 'string' && <span className="muted mono"> ({tc.id})</span>}
            </div>
            <pre tabIndex={0}>{args}</pre>
          </div>
        );
      })}
      {typeof m.tool_call_id === 'string' && <div className="muted mono">Answers tool call {m.tool_call_id}</div>}
      {(errs.length > 0 || warns.length > 0) && (
        <ul className="issues" id={`${id}-issues`}>
          {errs.map((e, k) => (
            <li key={`e${k}`} className="field-error">
              {e.path}: {e.message}
            </li>
          ))}
          {warns.map((w, k) => (
            <li key={`w${k}`} className="issue-warn">
              {w.path}: {w.message}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
