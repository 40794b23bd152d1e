/** Python source for JSON values, for the "Copy as code" scripts (new job, playground). Pure. */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const WIDTH = 88;

/** A Python literal for a JSON value (JSON's string escapes are Python's too), wrapped at 88 columns. */
export function pyLiteral(v: Json, indent = 0): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'None';
  if (typeof v === 'string') return JSON.stringify(v);
  const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
  const items = Array.isArray(v) ? v.map((x) => (d: number) => pyLiteral(x, d)) : Object.entries(v).map(([k, x]) => (d: number) => `${JSON.stringify(k)}: ${pyLiteral(x, d)}`);
  if (!items.length) return `${open}${close}`;
  const flat = `${open}${items.map((f) => f(0)).join(', ')}${close}`;
  if (!flat.includes('\n') && indent + flat.length <= WIDTH) return flat;
  const pad = ' '.repeat(indent + 4);
  return `${open}\n${items.map((f) => `${pad}${f(indent + 4)},`).join('\n')}\n${' '.repeat(indent)}${close}`;
}
