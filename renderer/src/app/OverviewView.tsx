import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { FileList } from '@shared/schemas/files.js';
import { GpuInventory } from '@shared/schemas/jobs.js';
import { api } from '@/api';
import { ErrorNotice, PageHeader } from '@/ui';
import { formatInt } from '@/lib/format';

/**
 * Until the jobs half of the app lands this is a getting-started page: where the user stands and
 * the next step. Part 2 replaces it with the live GPU / queue overview.
 */
export function OverviewView() {
  const files = useQuery({ queryKey: ['files', 'count', 'fine-tune'], queryFn: () => api.get('/v1/files', FileList, { query: { purpose: 'fine-tune', limit: 1 } }) });
  const gpus = useQuery({ queryKey: ['system', 'gpus'], queryFn: () => api.get('/v1/system/gpus', GpuInventory) });
  const count = files.data?.total ?? (files.data ? files.data.data.length : null);
  return (
    <div className="page">
      <PageHeader title="Overview" subtitle="Fine-tune open models on this machine. Nothing leaves it." />
      {files.error && <ErrorNotice error={files.error} onRetry={() => void files.refetch()} />}
      <div className="grid-2">
        <section className="card" aria-labelledby="step1">
          <h2 id="step1">1. Bring a dataset</h2>
          <p>Upload chat or preference examples as JSON Lines, or start from a sample.</p>
          <p className="muted">{count === null ? '…' : count === 0 ? 'No fine-tune files yet.' : `${formatInt(count)} fine-tune file${count === 1 ? '' : 's'} on this server.`}</p>
          <div className="row">
            <Link className="button primary" to="/files">
              Upload files
            </Link>
            <Link className="button" to="/datasets/new">
              New dataset
            </Link>
          </div>
        </section>
        <section className="card" aria-labelledby="step2">
          <h2 id="step2">2. Inspect, fix and validate</h2>
          <p>Open a file in the editor: see each conversation, choose which assistant turns are trained, and fix what validation points at.</p>
          <Link className="button" to="/files">
            Open a file
          </Link>
        </section>
        <section className="card" aria-labelledby="step3">
          <h2 id="step3">3. Fine-tune</h2>
          <p>
            Jobs in the app are coming next. Today, point the OpenAI SDK at this server and call <code>client.fine_tuning.jobs.create(…)</code>; see Settings for
            a ready snippet.
          </p>
          <p className="muted">
            {gpus.data
              ? gpus.data.mode === 'cpu'
                ? 'CPU mode: no GPU found, one job at a time.'
                : `${gpus.data.data.length} GPU${gpus.data.data.length === 1 ? '' : 's'}: ${gpus.data.data.map((g) => g.name).join(', ')}`
              : '…'}
          </p>
          <Link className="button" to="/settings">
            Settings and SDK snippet
          </Link>
        </section>
      </div>
    </div>
  );
}
