import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { FileList } from '@shared/schemas/files.js';
import { api } from '@/api';
import { formatInt } from '@/lib/format';

/** For a server without jobs yet: the three steps from a dataset to a fine-tuned model, all in the app. */
export function GettingStarted() {
  // The files feature owns the file lists; this is just a count, under its own key.
  const files = useQuery({ queryKey: ['files', 'count', 'fine-tune'], queryFn: () => api.get('/v1/files', FileList, { query: { purpose: 'fine-tune', limit: 1 } }) });
  const count = files.data ? (files.data.total ?? files.data.data.length) : null;
  return (
    <section aria-labelledby="ov-start" className="ov-section" data-testid="getting-started">
      <h2 id="ov-start">Getting started</h2>
      <ol className="ov-steps">
        <li className="card">
          <h3>1. Bring a dataset</h3>
          <p>Upload chat or preference examples as JSON Lines, or start from a sample.</p>
          <p className="muted">{count === null ? '…' : count === 0 ? 'No fine-tune files yet.' : `${formatInt(count)} fine-tune file${count === 1 ? '' : 's'} on this server.`}</p>
          <div className="row">
            <Link className="button" to="/files">
              Upload files
            </Link>
            <Link className="button" to="/datasets/new">
              New dataset
            </Link>
          </div>
        </li>
        <li className="card">
          <h3>2. Inspect, fix and validate</h3>
          <p>Open a file in the editor: see each conversation, choose which assistant turns are trained, and fix what validation points at.</p>
          <Link className="button" to="/files">
            Open a file
          </Link>
        </li>
        <li className="card">
          <h3>3. Fine-tune and compare</h3>
          <p>Start a job here in the app: pick a model and your file, see the estimate, and watch it train live. Hone then benchmarks the result against its base.</p>
          <Link className="button" to="/jobs/new">
            New fine-tuning job
          </Link>
        </li>
      </ol>
    </section>
  );
}
