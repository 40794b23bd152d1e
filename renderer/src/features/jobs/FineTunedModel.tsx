/** The model a succeeded job made: its id to copy, and what to do with it next. */
import { Link } from 'react-router';
import type { FineTuningJob } from '@shared/schemas/jobs.js';
import { toast } from '@/ui';

export function FineTunedModel({ job }: { job: FineTuningJob }) {
  const id = job.fine_tuned_model;
  if (!id) return null;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(id);
      toast('Model id copied');
    } catch {
      toast('Copying is not allowed here: select the id and copy it.', 'error');
    }
  };
  const again = `/jobs/new?model=${encodeURIComponent(job.model)}&training_file=${encodeURIComponent(job.training_file)}`;
  return (
    <div className="notice ok ft-model-card" data-testid="fine-tuned-model">
      <div className="ft-model-body">
        <strong>Fine-tuned model</strong>
        <div className="mono ft-model-id">{id}</div>
        <div className="muted small-text">Chat with it beside its base model, benchmark it against the base, or start a new job on the same base model and training file.</div>
      </div>
      <div className="row">
        <button type="button" className="small" onClick={() => void copy()}>
          Copy id
        </button>
        {job.status === 'succeeded' && (
          <Link className="button small primary" to={`/playground?models=${encodeURIComponent(`${job.model},${id}`)}`}>
            Try in playground
          </Link>
        )}
        <Link className="button small" to={`/benchmarks?model=${encodeURIComponent(id)}`}>
          Benchmark
        </Link>
        <Link className="button small" to={again}>
          Fine-tune again
        </Link>
      </div>
    </div>
  );
}
