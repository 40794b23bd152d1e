import { Link } from 'react-router';
import type { SystemStatus } from '@shared/schemas/system.js';
import { ProgressBar } from '@/ui';
import { formatMiB } from '@/lib/format';
import { jobPath } from './links';

type Gpu = SystemStatus['gpus']['data'][number];

function Holder({ jobId }: { jobId: string | null }) {
  return jobId ? (
    <span>
      Running <Link to={jobPath(jobId)} className="mono">{jobId}</Link>
    </span>
  ) : (
    <span className="muted">Free</span>
  );
}

function GpuCard({ gpu }: { gpu: Gpu }) {
  const used = gpu.memory_used_mib;
  const frac = used !== null && gpu.memory_total_mib > 0 ? used / gpu.memory_total_mib : null;
  const hot = gpu.temperature_c !== null && gpu.temperature_c !== undefined && gpu.temperature_c >= 85;
  return (
    <article className="card ov-gpu" aria-labelledby={`gpu-${gpu.index}`} data-testid="gpu-card">
      <h3 id={`gpu-${gpu.index}`}>
        GPU {gpu.index} · {gpu.name}
      </h3>
      <div className="ov-meter">
        <span>Memory</span>
        <ProgressBar value={frac} label={`GPU ${gpu.index} memory used`} />
        <span className="mono">
          {formatMiB(used)} / {formatMiB(gpu.memory_total_mib)}
        </span>
      </div>
      <dl className="ov-facts">
        <div>
          <dt>Utilisation</dt>
          <dd>{gpu.utilization_percent === null ? '—' : `${gpu.utilization_percent} %`}</dd>
        </div>
        <div>
          <dt>Temperature</dt>
          <dd className={hot ? 'ov-warn' : undefined} title={hot ? 'Hot: 85 °C or more; the GPU may slow itself down' : undefined}>
            {gpu.temperature_c === null || gpu.temperature_c === undefined ? '—' : `${gpu.temperature_c} °C${hot ? ' (hot)' : ''}`}
          </dd>
        </div>
        <div>
          <dt>Job</dt>
          <dd>
            <Holder jobId={gpu.job_id} />
          </dd>
        </div>
      </dl>
    </article>
  );
}

/** What computes here: each GPU with its figures and job, or the one CPU slot. */
export function ComputeSection({ status }: { status: SystemStatus | undefined }) {
  const gpus = status?.gpus;
  return (
    <section aria-labelledby="ov-compute" className="ov-section">
      <h2 id="ov-compute">Compute</h2>
      {!gpus ? (
        <p className="muted">Reading the GPUs…</p>
      ) : gpus.mode === 'cpu' ? (
        <article className="card ov-gpu" data-testid="cpu-card">
          <h3>CPU mode: one job at a time</h3>
          <p className="muted">No NVIDIA GPU was found (nvidia-smi), so jobs train on this machine&apos;s CPU, one after another. The small built-in models train in minutes.</p>
          <dl className="ov-facts">
            <div>
              <dt>CPU slot</dt>
              <dd>
                <Holder jobId={gpus.cpu_slot?.job_id ?? null} />
              </dd>
            </div>
          </dl>
        </article>
      ) : (
        <div className="ov-grid">
          {gpus.data.map((g) => (
            <GpuCard key={g.uuid || g.index} gpu={g} />
          ))}
        </div>
      )}
    </section>
  );
}
