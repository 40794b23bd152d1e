/**
 * "Copy as code" for the playground: the next request as a Python script for the OpenAI SDK,
 * streaming each model's answer like the playground does. The key stays in $HONE_API_KEY.
 */

import { pyLiteral, type Json } from '../../lib/python-literal.js';



/**
 * `models` each get `messagesByModel[model]` (their own earlier answers differ) and the same
 * sampling fields; one model is a plain call, several a loop.
 */
export function pythonChatCode(models: string[], messages: Record<string, readonly unknown[]>, sampling: Record<string, unknown>, serverUrl: string): string {
  const messagesByModel = messages as Record<string, Json[]>;
  const base = `${serverUrl.replace(/\/+$/, '')}/v1`;
  const args = Object.entries(sampling)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `        ${k}=${pyLiteral(v as Json, 8)},`);
  const head = `import os
from openai import OpenAI

client = OpenAI(base_url=${JSON.stringify(base)}, api_key=os.environ["HONE_API_KEY"])
`;
  const call = (model: string, messages: string) => `    stream = client.chat.completions.create(
        model=${model},
        messages=${messages},
${args.join('\n')}${args.length ? '\n' : ''}        stream=True,
    )
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            print(chunk.choices[0].delta.content, end="", flush=True)
    print()
`;
  const same = models.every((m) => JSON.stringify(messagesByModel[m]) === JSON.stringify(messagesByModel[models[0]!]));
  if (models.length <= 1 || same) {
    const messages = pyLiteral(messagesByModel[models[0] ?? ''] ?? [], 0);
    return `${head}
messages = ${messages}

for model in ${pyLiteral(models.length ? models : ['<model>'])}:
    print(f"--- {model}")
${call('model', 'messages')}`;
  }
  // Each model has answered differently so far: its own history.
  const byModel = pyLiteral(Object.fromEntries(models.map((m) => [m, messagesByModel[m] ?? []])) as Json, 0);
  return `${head}
conversations = ${byModel}

for model, messages in conversations.items():
    print(f"--- {model}")
${call('model', 'messages')}`;
}
