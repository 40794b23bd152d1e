import { ApiError } from '@/api';

/** An error as the server said it (the envelope's own message), with a retry when one makes sense. */
export function ErrorNotice({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  const message = error instanceof Error ? error.message : String(error);
  const network = error instanceof ApiError && error.isNetwork;
  return (
    <div className="notice error" role="alert">
      <div style={{ flex: 1 }}>
        {title && <strong>{title}</strong>}
        <div>{network ? 'Cannot reach the Hone server. Reconnecting…' : message}</div>
        {error instanceof ApiError && error.code && !network && <div className="muted mono">{error.code}</div>}
      </div>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
