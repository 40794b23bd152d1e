/** The rendered chat template with the trained tokens highlighted: exactly the spans the trainer's loss sees. */
import { useMemo } from 'react';
import { labelMask, type HfTokenCounter } from '@shared/validation/index.js';
import type { Obj } from '@shared/datasets/index.js';

const TITLES = { conversation: 'Rendered for training', preferred: 'Preferred (rendered)', non_preferred: 'Non-preferred (rendered)' };

export function LabelMaskView({ counter, value }: { counter: HfTokenCounter | null; value: Obj | null }) {
  const masks = useMemo(() => {
    if (!counter || !value) return null;
    try {
      return { ok: labelMask(counter, value) };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  }, [counter, value]);
  if (!counter)
    return (
      <p className="muted">
        Pick a model above to see this example rendered with its chat template and the tokens it trains on. Without a model, token counts are an estimate (~4 bytes/token).
      </p>
    );
  if (!masks || !value) return <p className="muted">This example is not valid JSON yet; fix it in Raw JSON to see its tokens.</p>;
  if ('error' in masks) return <div className="notice error">The model&apos;s chat template rejects this example: {masks.error}</div>;
  if (masks.ok.length === 0) return <p className="muted">Only chat and preference examples have a chat-template rendering.</p>;
  return (
    <div className="label-masks">
      <p className="muted">
        <mark className="trained-sample">Highlighted</mark> text is what the model learns to produce (its loss); the rest is context. Counted with {counter.info.model}&apos;s tokenizer.
      </p>
      {masks.ok.map((m) => (
        <section key={m.label} className="label-mask" aria-label={TITLES[m.label]}>
          <h3 className="section-title">
            {TITLES[m.label]} — {m.trained} of {m.total} tokens trained
          </h3>
          {m.unlocated > 0 && <div className="notice warn">{m.unlocated} trained turn(s) could not be located in the rendering; they are counted by estimate.</div>}
          <pre className="rendered" tabIndex={0}>
            {m.segments.map((s, i) =>
              s.trained ? (
                <mark key={i} className="trained">
                  {s.text}
                </mark>
              ) : (
                <span key={i}>{s.text}</span>
              ),
            )}
          </pre>
        </section>
      ))}
    </div>
  );
}
