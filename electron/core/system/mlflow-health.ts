import { MLFLOW_PREFIX, type MlflowServer } from '../mlflow/mlflow-server.js';
import type { SystemStatus } from '../../shared/schemas/system.js';

export type MlflowHealth = SystemStatus['mlflow'];

/** Hone's reverse proxy of the local MLflow UI (routes/mlflow-proxy.ts). */
export const MLFLOW_PROXY_PATH = `${MLFLOW_PREFIX}/`;

/**
 * MLflow as the Overview shows it, from what the server object knows plus a `/health` request to a
 * running local server (at most one per `checkEveryMs`). Never starts MLflow: looking is free.
 */
export class MlflowHealthCheck {
  private checked: { at: number; uri: string; ok: boolean } | null = null;
  private checking: Promise<void> | null = null;

  constructor(
    private readonly mlflow: MlflowServer | null,
    private readonly logHint: string,
    private readonly checkEveryMs = 5_000,
  ) {}

  async get(): Promise<MlflowHealth> {
    const m = this.mlflow;
    if (!m) {
      return { status: 'off', ui_url: null, embeddable: false, message: "MLflow is off (HONE_MLFLOW=off or the MLflow setting): jobs train without tracking. To turn it on, set MLflow to 'local' in Settings (or unset HONE_MLFLOW) and restart Hone." };
    }
    const uri = m.currentUri();
    if (m.isRemote && uri) {
      return { status: 'remote', ui_url: `${uri}/`, embeddable: false, message: `Runs are tracked on ${uri}; its UI opens in a new window (another origin cannot be shown inside the app).` };
    }
    const proxied = { ui_url: MLFLOW_PROXY_PATH, embeddable: true };
    if (uri) {
      const ok = await this.healthy(uri);
      return ok
        ? { status: 'ok', ...proxied, message: null }
        : { status: 'down', ...proxied, message: `The local MLflow server does not answer. Hone restarts it on the next use; see ${this.logHint}.` };
    }
    if (m.pid === null) return { status: 'idle', ...proxied, message: 'The local MLflow server starts with the first job or when you open Experiments.' };
    if (m.restartCount === 0) return { status: 'starting', ...proxied, message: 'The local MLflow server is starting.' };
    return { status: 'down', ...proxied, message: `The local MLflow server stopped (${m.restartCount} restart${m.restartCount === 1 ? '' : 's'} so far); Hone starts it again. If it keeps failing, see ${this.logHint}.` };
  }

  private async healthy(uri: string): Promise<boolean> {
    const c = this.checked;
    if (c && c.uri === uri && Date.now() - c.at < this.checkEveryMs) return c.ok;
    this.checking ??= (async () => {
      let ok: boolean;
      try {
        ok = (await fetch(`${uri}/health`, { signal: AbortSignal.timeout(2_000) })).ok;
      } catch {
        ok = false;
      }
      this.checked = { at: Date.now(), uri, ok };
    })().finally(() => (this.checking = null));
    await this.checking;
    return this.checked?.ok ?? false;
  }
}
