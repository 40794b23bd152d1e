/**
 * "Copy as code": the wizard's request body as a Python script for the OpenAI SDK and as a curl
 * command, so the same job can be started from a terminal or a notebook. Both send exactly `body`;
 * the key stays in $HONE_API_KEY. Pure (no DOM, no React), so Node tests can run what it writes.
 */

import { pyLiteral, type Json } from '../../lib/python-literal.js';

export { pyLiteral };

/** `client.fine_tuning.jobs.create` keyword arguments; anything else travels in `extra_body`. */
const SDK_ARGS = new Set(['model', 'training_file', 'validation_file', 'hyperparameters', 'method', 'suffix', 'seed', 'metadata', 'integrations']);


const apiBase = (serverUrl: string) => `${serverUrl.replace(/\/+$/, '')}/v1`;

export function pythonCode(body: Record<string, unknown>, serverUrl: string): string {
  const args: string[] = [];
  const extra: Record<string, Json> = {};
  for (const [k, v] of Object.entries(body)) {
    if (v === undefined) continue;
    if (SDK_ARGS.has(k)) args.push(`    ${k}=${pyLiteral(v as Json, 4)},`);
    else extra[k] = v as Json;
  }
  if (Object.keys(extra).length) {
    args.push("    # Hone's own settings (GPUs, priority, benchmarks); the SDK sends them as they are.");
    args.push(`    extra_body=${pyLiteral(extra, 4)},`);
  }
  return `import os
from openai import OpenAI

client = OpenAI(base_url=${JSON.stringify(apiBase(serverUrl))}, api_key=os.environ["HONE_API_KEY"])

job = client.fine_tuning.jobs.create(
${args.join('\n')}
)
print(job.id, job.status)
`;
}

/** A single-quoted shell word: `'` becomes `'\''`. */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function curlCode(body: Record<string, unknown>, serverUrl: string): string {
  return `curl ${shellQuote(`${apiBase(serverUrl)}/fine_tuning/jobs`)} \\
  -H "Authorization: Bearer $HONE_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d ${shellQuote(JSON.stringify(body, null, 2))}
`;
}
