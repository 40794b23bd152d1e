/**
 * Install / Repair / Reinstall / Verify, each disabled with the server's reason, the options an install
 * takes (a wheelhouse for an offline install, the torch build) and the server's errors next to them.
 */
import { useId, useState } from 'react';
import { TORCH_VARIANTS, type EnvAction, type EnvironmentStatus, type TorchVariant } from '@shared/schemas/environment.js';
import { errorFor } from '@/api';
import { ConfirmDialog, ErrorNotice, FieldError } from '@/ui';
import { TORCH_LABEL, torchBuild } from './environment-text';
import { useHardware, useStartRun } from './use-environment';

const ACTIONS: Array<{ action: EnvAction; label: string; hint: string }> = [
  { action: 'install', label: 'Install', hint: 'Create the environment and install torch and the trainer' },
  { action: 'repair', label: 'Repair', hint: 'Install again over it, filling in what is missing or broken' },
  { action: 'reinstall', label: 'Reinstall…', hint: 'Delete the environment and install it from scratch' },
  { action: 'verify', label: 'Verify', hint: 'Import torch, check the GPUs and run a short smoke fine-tune' },
];

export function EnvironmentActions({ s, options }: { s: EnvironmentStatus; options: ReturnType<typeof useRunOptions> }) {
  const start = useStartRun();
  const [confirm, setConfirm] = useState(false);
  const run = (action: EnvAction) => start.mutate(action === 'verify' ? { action } : { action, ...options.body() });
  const fieldErr = errorFor(start.error, 'wheelhouse') || errorFor(start.error, 'torch');
  const installable = s.actions.install.allowed || s.actions.repair.allowed || s.actions.reinstall.allowed;
  // One primary button: Install when it applies, else Verify.
  const primary: EnvAction = s.actions.install.allowed ? 'install' : 'verify';
  return (
    <div className="env-actions">
      {s.managed && <RunOptions options={options} error={start.error} onEdit={() => start.error && start.reset()} disabled={!installable || s.current_run !== null} />}
      <div className="env-buttons" role="group" aria-label="Environment actions">
        {ACTIONS.map(({ action, label, hint }) => {
          const a = s.actions[action];
          const reasonId = `env-why-${action}`;
          return (
            <div key={action} className="env-button">
              <button
                type="button"
                className={action === primary ? 'primary' : undefined}
                disabled={!a.allowed || start.isPending}
                aria-describedby={reasonId}
                onClick={() => (action === 'reinstall' ? setConfirm(true) : run(action))}
              >
                {label}
              </button>
              <span id={reasonId} className="muted env-why">
                {a.allowed ? hint : a.reason}
              </span>
            </div>
          );
        })}
      </div>
      {start.error && !fieldErr && <ErrorNotice error={start.error} />}
      <ConfirmDialog
        open={confirm}
        title="Reinstall the Python environment?"
        confirmLabel="Delete and reinstall"
        danger
        onCancel={() => setConfirm(false)}
        onConfirm={() => {
          setConfirm(false);
          run('reinstall');
        }}
      >
        <p>
          This deletes <code>{s.venv_dir}</code> and installs it again from scratch (several GB to download unless you install from a wheelhouse). Training cannot run until it is done.
        </p>
      </ConfirmDialog>
    </div>
  );
}

/** The install options, kept while the view is open (Retry reuses them). */
export function useRunOptions() {
  const [wheelhouse, setWheelhouse] = useState('');
  const [torch, setTorch] = useState<TorchVariant>('auto');
  return {
    wheelhouse,
    setWheelhouse,
    torch,
    setTorch,
    body: () => ({ ...(wheelhouse.trim() ? { wheelhouse: wheelhouse.trim() } : {}), ...(torch !== 'auto' ? { torch } : {}) }),
  };
}

function RunOptions({ options, error, disabled, onEdit }: { options: ReturnType<typeof useRunOptions>; error: unknown; disabled: boolean; onEdit: () => void }) {
  const hw = useHardware();
  const id = useId();
  const autoLabel = !hw.data
    ? 'Auto (detecting…)'
    : hw.data.kind === 'unknown'
      ? 'Auto: the build for this hardware (detected once Python is found)'
      : `Auto: ${hw.data.variant ? torchBuild(null, hw.data.variant) : 'none fits this hardware'}`;
  return (
    <fieldset className="env-options" disabled={disabled}>
      <legend>Options for Install, Repair and Reinstall</legend>
      <div className="field">
        <label htmlFor={`${id}-wh`}>
          Install offline from a wheelhouse <span className="hint">(optional: the folder or .tar that npm run wheelhouse built; empty = download from the package index)</span>
        </label>
        <input
          id={`${id}-wh`}
          className="mono"
          placeholder="/media/usb/hone-wheelhouse"
          value={options.wheelhouse}
          onChange={(e) => {
            options.setWheelhouse(e.target.value);
            onEdit(); // the old error was about the old path
          }}
          aria-invalid={errorFor(error, 'wheelhouse') ? true : undefined}
          aria-describedby={`${id}-wh-err`}
          spellCheck={false}
        />
        <FieldError error={error} field="wheelhouse" id={`${id}-wh-err`} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-torch`}>PyTorch build</label>
        <select
          id={`${id}-torch`}
          value={options.torch}
          onChange={(e) => {
            options.setTorch(e.target.value as TorchVariant);
            onEdit();
          }}
          aria-describedby={`${id}-torch-err`}
        >
          {TORCH_VARIANTS.map((v) => (
            <option key={v} value={v}>
              {v === 'auto' ? autoLabel : `${TORCH_LABEL[v] ?? v} (${v})`}
            </option>
          ))}
        </select>
        {options.torch === 'auto' && hw.data && <span className="hint">{hw.data.reason}</span>}
        <FieldError error={error} field="torch" id={`${id}-torch-err`} />
      </div>
    </fieldset>
  );
}
