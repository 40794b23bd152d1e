import { Link } from 'react-router';
import { PageHeader } from '@/ui';

const WHAT: Record<string, string> = {
  Jobs: 'Start fine-tuning jobs from a validated dataset, watch their live console and loss charts, pause, resume and cancel them.',
  Models: 'Built-in, local and Hugging Face base models, and every model you fine-tuned, with their benchmark results.',
  Benchmarks: 'Compare a fine-tuned model with its base on LM Evaluation Harness tasks and the RAG needle-in-a-haystack grid.',
  Experiments: 'The MLflow runs of every job and benchmark, embedded here.',
};

/** Views of "The Hone app, part 2": a plain placeholder that says what comes and what works now. */
export function ComingSoon({ title }: { title: keyof typeof WHAT | string }) {
  return (
    <div className="page">
      <PageHeader title={title} />
      <div className="card" style={{ maxWidth: 720 }}>
        <h2>Coming with jobs</h2>
        <p>{WHAT[title] ?? 'This view is not built yet.'}</p>
        <p className="muted">
          Today you can already prepare datasets: upload, inspect and fix them in the editor, and validate them. Jobs can be started through the OpenAI
          SDK against this server.
        </p>
        <Link className="button primary" to="/files">
          Go to Files
        </Link>
      </div>
    </div>
  );
}
