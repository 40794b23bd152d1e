import { errorFor } from '@/api';

/** The server's message for one form field (matched on the envelope's `param`). */
export function FieldError({ error, field, id }: { error: unknown; field: string; id?: string }) {
  const msg = errorFor(error, field);
  if (!msg) return null;
  return (
    <div className="field-error" id={id} role="alert">
      {msg}
    </div>
  );
}
