export function Spinner({ label = 'Loading' }: { label?: string }) {
  return (
    <span className="row muted" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}…
    </span>
  );
}
