/**
 * The label mask: an example rendered through the model's chat template as segments
 * {text, trained}, where `trained` marks exactly the spans the trainer's loss sees. The spans come
 * from HfTokenCounter.lossSpans, the same code that produces the trained-token counts.
 */
import { CHECKS, detectFormat, isObj, type CheckContext, type Message, type Obj } from './example-checks.js';
import type { HfTokenCounter } from './hf-tokenizer.js';

export interface LabelSegment {
  text: string;
  trained: boolean;
}
export interface LabelMask {
  /** `conversation` for chat; `preferred` / `non_preferred` for each side of a preference pair. */
  label: 'conversation' | 'preferred' | 'non_preferred';
  segments: LabelSegment[];
  /** Tokens of the whole render, and of the trained segments (equal to the validator's counts). */
  total: number;
  trained: number;
  /** Trained turns whose span could not be located (the template rejects a prefix): counted by estimate, not highlighted. */
  unlocated: number;
}

const quiet: CheckContext = { error: () => {}, warn: () => {} };

function mask(counter: HfTokenCounter, label: LabelMask['label'], messages: Message[], tools: Obj['tools'] | null, trained: (m: Message, i: number) => boolean): LabelMask {
  const { text, turns } = counter.lossSpans(messages, Array.isArray(tools) ? tools : null, trained);
  const segments: LabelSegment[] = [];
  let pos = 0;
  let n = 0;
  let unlocated = 0;
  for (const t of turns) {
    if (!t.range) {
      unlocated++;
      continue;
    }
    const [a, b] = t.range;
    // Prefix-diff spans end at the end-of-turn token: the rest of that render is not trained.
    const span = t.markers ? text.slice(a, b) : counter.replyCut(text.slice(a, b));
    if (a > pos) segments.push({ text: text.slice(pos, a), trained: false });
    segments.push({ text: span, trained: true });
    n += counter.tokens(span);
    pos = a + span.length;
  }
  if (pos < text.length) segments.push({ text: text.slice(pos), trained: false });
  return { label, segments: segments.filter((s) => s.text.length > 0), total: counter.tokens(text), trained: n, unlocated };
}

/**
 * Label masks of one example (one for chat, two for a preference pair); throws what the model's
 * template throws. Examples the validator would reject render as far as their messages allow.
 */
export function labelMask(counter: HfTokenCounter, example: Obj): LabelMask[] {
  const format = detectFormat(example);
  if (format === 'chat') {
    const c = CHECKS.chat(example, quiet);
    if (c.format !== 'chat') return [];
    return [mask(counter, 'conversation', c.messages, c.tools, (m) => m.weight !== 0)];
  }
  if (format === 'preference') {
    const c = CHECKS.preference(example, quiet);
    if (c.format !== 'preference' || !isObj(c.chosen) || !isObj(c.rejected)) return [];
    const n = c.messages.length;
    const last = (_m: Message, i: number) => i === n;
    return [
      mask(counter, 'preferred', [...c.messages, c.chosen], c.tools, last),
      mask(counter, 'non_preferred', [...c.messages, c.rejected], c.tools, last),
    ];
  }
  return [];
}
