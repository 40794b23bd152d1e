/**
 * `/playground`: chat with base and fine-tuned models side by side. `?models=a,b` preselects
 * models (the job page's "Try in playground"); `?file=<id>&line=N` loads the dataset example at
 * that line up to its last assistant turn, runs it and shows the training answer beside the
 * models' (the editor's "Try this example").
 */
import { useEffect, useMemo, useRef } from 'react';
import { Link, useSearchParams } from 'react-router';
import { EmptyState, ErrorNotice, PageHeader, Spinner } from '@/ui';
import { splitExample } from './conversation';
import { usePlayground } from './playground-store';
import { useExample, useFileName, useModels } from './queries';
import { ModelChooser, SettingsPanel } from './SettingsPanel';
import { ChatGrid } from './ChatGrid';
import { Composer } from './Composer';
import { CopyCode } from './CopyCode';
import './playground.css';

export function PlaygroundView() {
  const [params] = useSearchParams();
  const modelsParam = params.get('models');
  const file = params.get('file');
  const lineParam = Number(params.get('line'));
  const line = Number.isInteger(lineParam) && lineParam > 0 ? lineParam : null;

  const list = useModels();
  const catalogue = list.data?.data;
  const s = usePlayground();
  const { setModels, loadExample, send, clear } = s;

  useEffect(() => {
    if (modelsParam) setModels(modelsParam.split(',').map((m) => m.trim()).filter(Boolean));
  }, [modelsParam, setModels]);

  const example = useExample(file, line);
  const fileName = useFileName(file);
  const split = useMemo(() => {
    if (!example.data) return null;
    try {
      return { ok: true as const, value: splitExample(example.data.text) };
    } catch (e) {
      return { ok: false as const, error: e as Error };
    }
  }, [example.data]);

  // Load the example once per link (coming back to the view keeps the conversation).
  const autoRun = useRef(false);
  useEffect(() => {
    if (!file || !line || !split?.ok) return;
    const cur = usePlayground.getState().example;
    if (cur?.file === file && cur.line === line) return;
    loadExample({ file, line }, split.value);
    // Runs at once only with models given in the link; otherwise the user picks them and presses Run.
    autoRun.current = usePlayground.getState().models.length > 0;
  }, [file, line, split, loadExample]);
  useEffect(() => {
    if (autoRun.current && catalogue && s.models.length && !s.running) {
      autoRun.current = false;
      send(null, catalogue);
    }
  }, [catalogue, s.models.length, s.running, send]);

  const empty = s.turns.length === 0;
  return (
    <div className="page pg-page">
      <PageHeader
        title="Playground"
        subtitle="Chat with base and fine-tuned models side by side, on this machine."
        actions={
          <button type="button" onClick={clear} disabled={empty && s.context.length === 0}>
            Clear chat
          </button>
        }
      />
      <div className="pg-layout">
        <aside className="pg-side card" aria-label="Models and settings">
          <ModelChooser catalogue={catalogue} loading={list.isLoading} />
          {list.error && <ErrorNotice error={list.error} title="The models could not be listed" onRetry={() => void list.refetch()} />}
          <SettingsPanel />
          <CopyCode />
        </aside>
        <div className="pg-main">
          {file && line && (
            <div className="notice pg-example" data-testid="example-source">
              <div>
                Example at line {line} of{' '}
                <Link to={`/files/${encodeURIComponent(file)}/edit`}>{fileName.data?.filename ?? file}</Link>
                {split?.ok && ': its conversation up to the last assistant answer is sent to each model; the training answer is shown beside theirs.'}
              </div>
              {example.isLoading && <Spinner label="Loading the example" />}
            </div>
          )}
          {example.error && <ErrorNotice error={example.error} title="The example could not be loaded" onRetry={() => void example.refetch()} />}
          {split && !split.ok && <ErrorNotice error={split.error} title="This example cannot be tried here" />}
          {empty && s.context.length === 0 ? (
            <div className="card">
              <EmptyState
                title={s.models.length ? 'Ask something' : 'Pick a model to chat with'}
                actions={
                  <Link className="button" to="/jobs">
                    Fine-tuning jobs
                  </Link>
                }
              >
                <p>
                  The playground sends your message to every model you pick and streams their answers side by side, with the time to the first token and the tokens per second of each.
                  Pick a fine-tuned model together with its base model to see what the training changed.
                </p>
                <p className="muted">
                  Models load on first use (the first answer takes longer) and share the GPUs or the CPU slot with training. You can also open a dataset example here from the editor with “Try this example”.
                </p>
              </EmptyState>
            </div>
          ) : (
            <ChatGrid models={s.models} context={s.context} turns={s.turns} />
          )}
          <Composer catalogue={catalogue ?? []} />
        </div>
      </div>
    </div>
  );
}
