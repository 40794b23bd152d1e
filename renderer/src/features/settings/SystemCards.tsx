/** Read-only facts: server address, data dir and disk, Python environment, GPUs. */
import type { Settings } from '@shared/schemas/settings.js';
import { ProgressBar } from '@/ui';
import { formatBytes } from '@/lib/format';

export function SystemCards({ s }: { s: Settings }) {
  const used = s.data_dir.total_bytes && s.data_dir.free_bytes !== null ? 1 - s.data_dir.free_bytes / s.data_dir.total_bytes : null;
  return (
    <>
      <section className="card" aria-labelledby="server-h">
        <h2 id="server-h">Server</h2>
        <dl className="facts">
          <dt>Address</dt>
          <dd className="mono" data-testid="server-url">
            {s.server.url}
          </dd>
          <dt>Team mode</dt>
          <dd>{s.server.team_mode ? `On: others on the network can reach ${s.server.host}:${s.server.port} with the key` : 'Off: only this machine can connect'}</dd>
          <dt>Version</dt>
          <dd>{s.server.version}</dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="disk-h">
        <h2 id="disk-h">Data folder</h2>
        <dl className="facts">
          <dt>Path</dt>
          <dd className="mono">{s.data_dir.path}</dd>
          <dt>Free space</dt>
          <dd data-testid="disk-free">
            {s.data_dir.free_bytes === null ? 'unknown (the filesystem does not say)' : `${formatBytes(s.data_dir.free_bytes)} free of ${formatBytes(s.data_dir.total_bytes)} (${s.data_dir.free_bytes.toLocaleString('en-US')} bytes)`}
          </dd>
        </dl>
        {used !== null && (
          <>
            <ProgressBar value={used} label="Disk space used" />
            <div className="muted">{Math.round(used * 100)}% of the disk used</div>
          </>
        )}
      </section>
      <section className="card" aria-labelledby="py-h">
        <h2 id="py-h">Python environment</h2>
        <p>
          <span className={`badge ${s.python.ok ? 'ok' : 'error'}`}>{s.python.ok ? 'ready' : 'not ready'}</span> {s.python.error}
        </p>
        <dl className="facts">
          <dt>Python</dt>
          <dd className="mono">
            {s.python.path} {s.python.python_version && `(${s.python.python_version})`}
          </dd>
          <dt>Trainer</dt>
          <dd>{s.python.trainer_version ?? 'not installed'}</dd>
          <dt>PyTorch</dt>
          <dd>{s.python.torch_version ?? 'not installed'}</dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="gpu-h">
        <h2 id="gpu-h">GPUs</h2>
        {s.gpus.mode === 'cpu' || s.gpus.data.length === 0 ? (
          <p data-testid="gpu-mode">No GPU found. CPU mode: one job at a time.</p>
        ) : (
          <ul className="gpu-list" data-testid="gpu-mode">
            {s.gpus.data.map((g) => (
              <li key={g.uuid}>
                GPU {g.index}: {g.name}, {formatBytes(g.memory_total_mib * 1024 * 1024)} {g.job_id ? `(running ${g.job_id})` : '(free)'}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
