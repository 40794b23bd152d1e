import { useState } from 'react';
import { Link } from 'react-router';
import type { Model } from '@shared/schemas/jobs.js';
import { useSystemStatus } from '@/api';
import { ConfirmDialog, EmptyState, ErrorNotice, PageHeader, Spinner, toast } from '@/ui';
import { formatBytes } from '@/lib/format';
import { GROUPS, groupModels, type Kind, type KindFilter } from './model-groups';
import { useDeleteModel, useModels } from './model-queries';
import { useModelsView } from './view-store';
import { ModelRow } from './ModelRow';
import { AddHubModel } from './AddHubModel';
import './models.css';

const FILTERS: Array<{ value: KindFilter; label: string }> = [{ value: 'all', label: 'All kinds' }, ...GROUPS.map((g) => ({ value: g.kind, label: g.title }))];

/** Every model Hone can train or benchmark: built-in, Hugging Face, local, fine-tuned. */
export function ModelsView() {
  const list = useModels();
  const view = useModelsView();
  const [toDelete, setToDelete] = useState<Model | null>(null);
  const del = useDeleteModel();
  const dataDir = useSystemStatus().data?.disk.path;
  const groups = list.data ? groupModels(list.data.data, view) : null;
  const filtered = view.kind !== 'all' || view.q.trim() !== '';

  return (
    <div className="page models-page">
      <PageHeader
        title="Models"
        subtitle="The base models you can fine-tune and the fine-tuned models your jobs made. Prepare or download a base model ahead of time, or let the first job do it."
        actions={
          <Link className="button primary" to="/jobs/new">
            New fine-tuning job
          </Link>
        }
      />
      <AddHubModel />

      <div className="row models-toolbar" role="search">
        <label className="inline-field">
          <span>Show</span>
          <select value={view.kind} onChange={(e) => view.set({ kind: e.target.value as KindFilter })}>
            {FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>Filter</span>
          <input type="search" value={view.q} onChange={(e) => view.set({ q: e.target.value })} placeholder="Name, base or job" maxLength={200} />
        </label>
        {list.isFetching && <Spinner label="Loading models" />}
      </div>

      {list.error && <ErrorNotice error={list.error} title="The models could not be listed" onRetry={() => void list.refetch()} />}
      {!list.data && !list.error && <Spinner label="Loading models" />}
      {groups &&
        GROUPS.filter((g) => view.kind === 'all' || view.kind === g.kind).map((g) => (
          <section key={g.kind} className="card models-group" aria-labelledby={`models-${g.kind}`} data-testid={`models-group-${g.kind}`}>
            <h2 id={`models-${g.kind}`}>
              {g.title} <span className="muted count">{groups[g.kind].length}</span>
            </h2>
            <p className="muted">{g.blurb}</p>
            {groups[g.kind].length > 0 ? (
              <ModelTable kind={g.kind} models={groups[g.kind]} onDelete={setToDelete} />
            ) : filtered ? (
              <p className="muted">No {g.title.toLowerCase()} model matches “{view.q}”.</p>
            ) : (
              <EmptyGroup kind={g.kind} modelsDir={dataDir ? `${dataDir}/models` : null} />
            )}
          </section>
        ))}

      <ConfirmDialog
        open={toDelete !== null}
        title={toDelete ? `Delete ${toDelete.id}?` : 'Delete model?'}
        confirmLabel="Delete model"
        danger
        busy={del.isPending}
        onCancel={() => {
          del.reset();
          setToDelete(null);
        }}
        onConfirm={() => {
          if (!toDelete) return;
          const m = toDelete;
          del.mutate(m.id, {
            onSuccess: () => {
              toast(`Deleted ${m.id}`);
              setToDelete(null);
            },
          });
        }}
      >
        {toDelete && (
          <p>
            This removes the weights{toDelete.size_bytes ? ` (${formatBytes(toDelete.size_bytes)})` : ''} that job {toDelete.job_id} made from this machine. The job, its events and its benchmark results stay. It cannot be undone.
          </p>
        )}
        {del.error && <ErrorNotice error={del.error} />}
      </ConfirmDialog>
    </div>
  );
}

function ModelTable({ kind, models, onDelete }: { kind: Kind; models: Model[]; onDelete: (m: Model) => void }) {
  return (
    <div className="table-wrap">
      <table className="table models-table">
        <caption className="sr-only">{GROUPS.find((g) => g.kind === kind)!.title} models</caption>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Status</th>
            <th scope="col">Size</th>
            <th scope="col">Parameters</th>
            {kind === 'fine-tuned' && <th scope="col">Base · made by</th>}
            <th scope="col">Created</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {models.map((m) => (
            <ModelRow key={m.id} model={m} onDelete={onDelete} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EmptyGroup({ kind, modelsDir }: { kind: Kind; modelsDir: string | null }) {
  if (kind === 'fine-tuned') {
    return (
      <EmptyState
        title="No fine-tuned models yet"
        actions={
          <Link className="button primary" to="/jobs/new">
            Start a fine-tuning job
          </Link>
        }
      >
        A job that succeeds adds its model here. Start with a built-in model and the sample dataset: it trains on the CPU in seconds.
      </EmptyState>
    );
  }
  if (kind === 'local') {
    return (
      <p className="muted">
        None yet. To use a model you already have, copy its directory (with config.json and the weights) into{' '}
        {modelsDir ? <span className="mono">{modelsDir}</span> : 'the models folder of Hone’s data directory'}; it shows up here. A Hugging Face model copied to{' '}
        <span className="mono">models/&lt;org&gt;/&lt;name&gt;</span> is used instead of downloading it.
      </p>
    );
  }
  if (kind === 'hub') return <p className="muted">None yet: add one by its id above.</p>;
  return <p className="muted">The trainer lists no built-in model. Check the Python environment in Settings.</p>;
}
