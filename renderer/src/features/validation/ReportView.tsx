/** A finished validation report: verdict, issues by category (linked into the editor), statistics. */
import { Link } from 'react-router';
import type { Distribution, ValDatasetResponse, ValidationIssue } from '@shared/schemas/validation.js';
import { formatBytes, formatDate, formatInt } from '@/lib/format';
import { countingMethod, editorLink, explainAutoEpochs, groupIssues, plural, verdict, type IssueGroup } from './report';
import { HistogramChart, QUANTILE_KEYS, QuantileChart } from './Charts';

export function ReportView({ report, fileId }: { report: ValDatasetResponse; fileId: string }) {
  const errors = groupIssues(report.error_counts, report.error_details);
  const warnings = groupIssues(report.warning_counts, report.warnings);
  const s = report.stats;
  return (
    <div className="validation-report">
      <section className={`notice ${report.valid ? 'ok' : 'error'} verdict`} aria-labelledby="verdict">
        <div>
          <h2 id="verdict">{verdict(report.error_counts, s)}</h2>
          <div>
            {plural(s.examples, 'example')} read, {formatInt(s.valid_examples)} valid · {report.format ?? 'unknown'} format ({report.format_source}),{' '}
            {report.container === 'json_array' ? 'JSON array' : report.container === 'jsonl' ? 'JSONL' : 'unknown layout'} · {formatBytes(report.bytes)} · validated{' '}
            {formatDate(report.validated_at)}
          </div>
          <div>
            Token counting: <strong data-testid="token-method">{countingMethod(s.token_counting)}</strong>
          </div>
        </div>
      </section>

      {errors.length > 0 && <IssueList heading="Errors" kind="error" groups={errors} fileId={fileId} />}
      {warnings.length > 0 && <IssueList heading="Warnings" kind="warn" groups={warnings} fileId={fileId} />}

      <section className="card" aria-labelledby="stats-h">
        <h2 id="stats-h">Statistics</h2>
        <p className="muted">Distributions cover the valid examples only ({formatInt(s.valid_examples)}).</p>
        <dl className="stat-grid">
          <Stat term="Examples" value={formatInt(s.examples)} />
          <Stat term="Valid examples" value={formatInt(s.valid_examples)} />
          <Stat term="Tokens per epoch" value={formatInt(s.tokens_per_epoch)} testId="tokens-per-epoch" />
          <Stat term="Trained tokens per epoch" value={formatInt(s.trained_tokens_per_epoch)} />
          <Stat term="Epochs (auto)" value={s.auto_epochs === null ? '—' : formatInt(s.auto_epochs)} />
          <Stat term="Estimated training tokens" value={formatInt(s.estimated_training_tokens)} testId="estimated-tokens" />
          <Stat term="Context length" value={formatInt(s.token_counting.context_length)} />
          <Stat term="Examples over the context" value={formatInt(s.examples_over_context)} />
        </dl>
        <p>
          {explainAutoEpochs(s.valid_examples, s.auto_epochs)} Estimated training tokens = {formatInt(s.tokens_per_epoch)} tokens per epoch ×{' '}
          {s.auto_epochs ?? 0} epochs = {formatInt(s.estimated_training_tokens)}.
        </p>
        {s.token_counting.note && <p className="muted">{s.token_counting.note}</p>}
        {!s.duplicates_fully_checked && <p className="muted">The file is too large to check every example for duplicates; only part of it was checked.</p>}
        <DistTable s={s} />
        <div className="chart-grid">
          {s.messages_per_example && <QuantileChart dist={s.messages_per_example} title="Messages per example" />}
          {s.tokens_histogram ? (
            <HistogramChart hist={s.tokens_histogram} title="Tokens per example" />
          ) : (
            s.tokens_per_example && <QuantileChart dist={s.tokens_per_example} title="Tokens per example" />
          )}
          {s.trained_tokens_histogram ? (
            <HistogramChart hist={s.trained_tokens_histogram} title="Trained tokens per example" />
          ) : (
            s.trained_tokens_per_example && <QuantileChart dist={s.trained_tokens_per_example} title="Trained tokens per example" />
          )}
        </div>
      </section>
    </div>
  );
}

function Stat({ term, value, testId }: { term: string; value: string; testId?: string }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}

function DistTable({ s }: { s: ValDatasetResponse['stats'] }) {
  const rows: Array<[string, Distribution | null]> = [
    ['Messages per example', s.messages_per_example],
    ['Tokens per example', s.tokens_per_example],
    ['Trained tokens per example', s.trained_tokens_per_example],
  ];
  if (rows.every(([, d]) => d === null)) return <p className="muted">No valid examples, so there are no distributions to show.</p>;
  const fmt = (n: number) => (Number.isInteger(n) ? formatInt(n) : n.toLocaleString('en-US', { maximumFractionDigits: 1 }));
  return (
    <table className="table dist-table">
      <caption className="sr-only">Distributions per example</caption>
      <thead>
        <tr>
          <th scope="col">Per example</th>
          {QUANTILE_KEYS.map((k) => (
            <th scope="col" key={k}>
              {k}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map(([name, d]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            {QUANTILE_KEYS.map((k) => (
              <td key={k}>{d ? fmt(d[k]) : '—'}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function IssueList({ heading, kind, groups, fileId }: { heading: string; kind: 'error' | 'warn'; groups: IssueGroup[]; fileId: string }) {
  const id = `${heading.toLowerCase()}-h`;
  return (
    <section className="card issue-list" aria-labelledby={id}>
      <h2 id={id}>{heading}</h2>
      {groups.map((g) => (
        <div key={g.category} className="issue-group" data-category={g.category}>
          <h3>
            <span className={`badge ${kind}`}>{formatInt(g.count)}</span> {g.title} <span className="muted mono">{g.category}</span>
          </h3>
          <ul>
            {g.issues.map((issue, i) => (
              <IssueItem key={i} issue={issue} fileId={fileId} />
            ))}
          </ul>
          {g.count > g.issues.length && <p className="muted">… and {formatInt(g.count - g.issues.length)} more (the report lists the first few of each kind).</p>}
        </div>
      ))}
    </section>
  );
}

function IssueItem({ issue, fileId }: { issue: ValidationIssue; fileId: string }) {
  const to = editorLink(fileId, issue.example);
  const where = [issue.line !== null ? `line ${issue.line}` : null, issue.example !== null ? `example ${issue.example}` : null].filter(Boolean).join(', ');
  return (
    <li>
      {to ? <Link to={to}>{where || 'Open'}</Link> : <span className="muted">{where || 'whole file'}</span>}
      {issue.path && <code> {issue.path}</code>}: {issue.message}
    </li>
  );
}
