/** A labelled form field with its hint and its error (client check or the server's `param`). */
import type { ReactNode } from 'react';
import type { FieldKey } from './form';

export type Errors = Partial<Record<FieldKey, string>>;

/** DOM ids for a field's parts, so inputs can point at their hint and error. */
export const ids = (key: string) => {
  const base = `nj-${key.replace(/[^a-z0-9]+/gi, '-')}`;
  return { input: base, hint: `${base}-hint`, error: `${base}-error` };
};

/** aria props for an input of `key`: described by its hint and error, invalid when it has one. */
export function described(key: FieldKey, errors: Errors, hint = true) {
  const i = ids(key);
  const by = [hint ? i.hint : null, errors[key] ? i.error : null].filter(Boolean).join(' ');
  return { id: i.input, 'aria-invalid': errors[key] ? true : undefined, 'aria-describedby': by || undefined };
}

export function FieldMessage({ field, errors }: { field: FieldKey; errors: Errors }) {
  const msg = errors[field];
  if (!msg) return null;
  return (
    <div className="field-error" id={ids(field).error} data-testid={`error-${field}`} data-field={field}>
      {msg}
    </div>
  );
}

export function Field({ field, label, hint, errors, children, extra }: { field: FieldKey; label: ReactNode; hint?: ReactNode; errors: Errors; children: ReactNode; extra?: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={ids(field).input}>{label}</label>
      <div className="row">
        {children}
        {extra}
      </div>
      {hint && (
        <div className="hint" id={ids(field).hint}>
          {hint}
        </div>
      )}
      <FieldMessage field={field} errors={errors} />
    </div>
  );
}
