/** What the environment is: Python and where, venv, profile, torch and its build, hardware, the recommended build. */
import type { EnvironmentStatus } from '@shared/schemas/environment.js';
import { formatMiB } from '@/lib/format';
import { torchBuild } from './environment-text';
import { useHardware } from './use-environment';

const PROFILE: Record<EnvironmentStatus['profile'], string> = {
  app: "Hone's own environment in the data folder (Hone installs and repairs it)",
  dev: "The source checkout's .venv (made by npm run setup; Hone can repair and verify it)",
  external: 'External: HONE_PYTHON names this interpreter (Hone only verifies it)',
};

export function EnvironmentFacts({ s }: { s: EnvironmentStatus }) {
  const hw = useHardware();
  const torch = s.torch_version ?? s.marker?.torch_version ?? null;
  return (
    <dl className="facts" data-testid="env-facts">
      <dt>Python</dt>
      <dd>
        <span className="mono">{s.python}</span>
        {(s.python_version ?? s.marker?.python_version) && <> (Python {s.python_version ?? s.marker?.python_version})</>}
      </dd>
      {s.venv_dir && (
        <>
          <dt>Environment folder</dt>
          <dd className="mono">{s.venv_dir}</dd>
        </>
      )}
      <dt>Profile</dt>
      <dd>
        <span className="badge">{s.profile}</span> {PROFILE[s.profile]}
      </dd>
      <dt>PyTorch</dt>
      <dd data-testid="env-torch">{torch ? `${torch} (${torchBuild(torch, s.marker?.torch_variant)})` : s.checking ? 'checking…' : 'not installed'}</dd>
      {s.base_python && (
        <>
          <dt>Base Python</dt>
          <dd>
            <span className="mono">{s.base_python.path}</span> (Python {s.base_python.version}, from {s.base_python.source}): new environments are made from it
          </dd>
        </>
      )}
      <dt>Hardware</dt>
      <dd data-testid="env-hardware">
        {hw.isPending ? (
          'Detecting…'
        ) : hw.error ? (
          <span className="env-bad">{hw.error.message}</span>
        ) : hw.data.kind === 'unknown' ? (
          `Not detected yet: ${hw.data.reason}`
        ) : hw.data.gpus.length === 0 ? (
          'No GPU found'
        ) : (
          <>
            {hw.data.gpus.map((g, i) => (
              <div key={i}>
                {g.name}
                {g.memory_mib !== null && <>, {formatMiB(g.memory_mib)}</>}
              </div>
            ))}
            {hw.data.driver_version && <div className="muted">Driver {hw.data.driver_version}</div>}
          </>
        )}
      </dd>
      <dt>Recommended build</dt>
      <dd data-testid="env-recommended">{hw.data && hw.data.kind !== 'unknown' ? `${hw.data.variant ? torchBuild(null, hw.data.variant) : 'none fits'}: ${hw.data.reason}` : '—'}</dd>
    </dl>
  );
}
