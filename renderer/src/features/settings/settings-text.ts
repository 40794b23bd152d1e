/** Pure text for the settings view: the SDK snippet and the "who sets this value" lines. */
import type { Settings, SettingSource } from '@shared/schemas/settings.js';

/** A ready Python SDK script for this server. The key comes from the environment, never the snippet. */
export function sdkSnippet(serverUrl: string): string {
  const base = `${serverUrl.replace(/\/+$/, '')}/v1`;
  return `import os
from openai import OpenAI

client = OpenAI(base_url="${base}", api_key=os.environ["HONE_API_KEY"])

# Upload a chat dataset (JSONL, one {"messages": [...]} per line)
training_file = client.files.create(file=open("train.jsonl", "rb"), purpose="fine-tune")

# Fine-tune a built-in model on it
job = client.fine_tuning.jobs.create(training_file=training_file.id, model="hone-tiny-llama")
print(job.id, job.status)
`;
}

/** Why a field is read-only, or null when the user may edit it. */
export function overrideNote(source: SettingSource, envVar: string | null): string | null {
  if (source !== 'env') return null;
  return envVar ? `Set by ${envVar}; edit the environment to change it.` : 'Set by an environment variable; edit the environment to change it.';
}

export function sourceLabel(source: SettingSource): string {
  return source === 'env' ? 'from the environment' : source === 'settings' ? 'saved in Hone' : 'default';
}

/** The MLflow line under the field: what is in use now and whether a change waits for a restart. */
export function mlflowStatus(s: Pick<Settings, 'mlflow_uri' | 'mlflow_effective_uri' | 'restart_required'>): string {
  const v = s.mlflow_uri.value;
  const now =
    s.mlflow_effective_uri !== null
      ? `In use: ${s.mlflow_effective_uri}.`
      : v === 'off'
        ? 'MLflow tracking is off.'
        : v === 'local'
          ? 'A local MLflow server starts when the first job needs it.'
          : 'Not connected yet.';
  return s.restart_required ? `${now} The new setting applies after restart.` : now;
}

export function keyReason(k: Settings['api_key']): string | null {
  if (k.rotatable) return null;
  return k.source === 'env'
    ? 'The key is set by HONE_API_KEY: change that variable and restart Hone to replace it.'
    : 'Authentication is off (--no-auth): there is no key to rotate.';
}
