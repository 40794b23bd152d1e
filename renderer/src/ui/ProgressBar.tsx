/** A labelled progress bar; `value` 0..1, null for "unknown yet". */
export function ProgressBar({ value, label }: { value: number | null; label: string }) {
  const pct = value === null ? null : Math.round(Math.max(0, Math.min(1, value)) * 100);
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct ?? undefined}>
      <div style={{ width: `${pct ?? 0}%` }} />
    </div>
  );
}
