/**
 * The playground's view state (zustand): the chosen models, system prompt and sampling settings,
 * the conversation and its answers as they stream. Kept while navigating away and back; the
 * running request's AbortController lives here so Stop works from anywhere in the view.
 */
import { create } from 'zustand';
import type { ChatMessage } from '@shared/schemas/chat.js';
import type { Model } from '@shared/schemas/jobs.js';
import { messagesFor, samplingBody, type Reply, type ReplyError, type SamplingText, type Turn } from './conversation';
import { runAll } from './run-stream';

/** The comparison takes at most 8 models; more columns would not be readable anyway. */
export const MAX_MODELS = 8;

export interface ExampleSource {
  file: string;
  line: number;
}

interface PlaygroundState {
  models: string[];
  system: string;
  /** The message being written. */
  draft: string;
  sampling: SamplingText;
  /** Messages before the first turn (a dataset example's earlier exchanges). */
  context: ChatMessage[];
  turns: Turn[];
  example: ExampleSource | null;
  running: AbortController | null;
  /** The last request-level error, shown next to the field its `param` names. */
  requestError: ReplyError | null;
  setModels(models: string[]): void;
  toggleModel(id: string): void;
  setSystem(system: string): void;
  setDraft(draft: string): void;
  setSampling(p: Partial<SamplingText>): void;
  clear(): void;
  loadExample(src: ExampleSource, ex: { system: string | null; context: ChatMessage[]; input: ChatMessage[]; reference: string }): void;
  /** Adds the user's message as a new turn and runs it (or runs the last turn again when `text` is null and it has no answers). */
  send(text: string | null, catalogue: Model[]): void;
  stop(): void;
}

export const DEFAULT_SAMPLING: SamplingText = { temperature: '0.7', top_p: '1', max_tokens: '256', seed: '', stop: '' };

let turnIds = 0;

const freshReply = (): Reply => ({ text: '', status: 'waiting', error: null, startedAt: performance.now(), firstAt: null, endAt: null, pieces: 0, completionTokens: null, finishReason: null });

export const usePlayground = create<PlaygroundState>((set, get) => {
  /** Applies `f` to the reply of `model` in turn `id`. */
  const patch = (id: number, model: string, f: (r: Reply) => Partial<Reply>) =>
    set((s) => ({
      turns: s.turns.map((t) => {
        if (t.id !== id || !t.replies[model]) return t;
        return { ...t, replies: { ...t.replies, [model]: { ...t.replies[model], ...f(t.replies[model]) } } };
      }),
    }));

  const run = (turnId: number, catalogue: Model[]) => {
    const s = get();
    const models = s.models;
    const turnIndex = s.turns.findIndex((t) => t.id === turnId);
    const earlier = s.turns.slice(0, turnIndex);
    const turn = s.turns[turnIndex]!;
    const messagesByModel = Object.fromEntries(models.map((m) => [m, messagesFor(m, s.system, s.context, [...earlier, { ...turn, replies: {} }])]));
    const ac = new AbortController();
    set((st) => ({
      running: ac,
      requestError: null,
      turns: st.turns.map((t) => (t.id === turnId ? { ...t, replies: Object.fromEntries(models.map((m) => [m, freshReply()])) } : t)),
    }));
    void runAll(models, catalogue, messagesByModel, samplingBody(s.sampling), ac.signal, {
      onDelta: (m, text) =>
        patch(turnId, m, (r) => ({ text: r.text + text, status: 'streaming', firstAt: r.firstAt ?? performance.now(), pieces: r.pieces + 1 })),
      onFinish: (m, finishReason, completionTokens) => patch(turnId, m, () => ({ status: 'done', endAt: performance.now(), finishReason, completionTokens })),
      onError: (m, error) => {
        patch(turnId, m, () => ({ status: 'error', error, endAt: performance.now() }));
        if (error.param) set({ requestError: error });
      },
    }).finally(() => {
      // Whatever did not end by itself was stopped (the signal aborted).
      const stoppedAt = performance.now();
      set((st) => ({
        running: st.running === ac ? null : st.running,
        turns: st.turns.map((t) =>
          t.id !== turnId
            ? t
            : { ...t, replies: Object.fromEntries(Object.entries(t.replies).map(([m, r]) => [m, r.status === 'waiting' || r.status === 'streaming' ? { ...r, status: 'stopped' as const, endAt: stoppedAt } : r])) },
        ),
      }));
    });
  };

  return {
    models: [],
    system: '',
    draft: '',
    sampling: DEFAULT_SAMPLING,
    context: [],
    turns: [],
    example: null,
    running: null,
    requestError: null,
    setModels: (models) => set({ models: [...new Set(models)].slice(0, MAX_MODELS), requestError: null }),
    toggleModel: (id) =>
      set((s) => ({ models: s.models.includes(id) ? s.models.filter((m) => m !== id) : s.models.length < MAX_MODELS ? [...s.models, id] : s.models, requestError: null })),
    setSystem: (system) => set({ system }),
    setDraft: (draft) => set({ draft }),
    setSampling: (p) => set((s) => ({ sampling: { ...s.sampling, ...p }, requestError: null })),
    clear: () => {
      get().running?.abort();
      set({ turns: [], context: [], example: null, running: null, requestError: null });
    },
    loadExample: (src, ex) => {
      get().running?.abort();
      set((s) => ({
        example: src,
        system: ex.system ?? s.system,
        context: ex.context,
        turns: [{ id: ++turnIds, input: ex.input, reference: ex.reference, replies: {} }],
        running: null,
        requestError: null,
      }));
    },
    send: (text, catalogue) => {
      const s = get();
      if (s.running || !s.models.length) return;
      const last = s.turns.at(-1);
      if (text === null) {
        if (last) run(last.id, catalogue);
        return;
      }
      const id = ++turnIds;
      set({ draft: '', turns: [...s.turns, { id, input: [{ role: 'user', content: text }], reference: null, replies: {} }] });
      run(id, catalogue);
    },
    stop: () => get().running?.abort(),
  };
});
