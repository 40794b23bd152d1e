/**
 * The dataset editor: a virtualised list of examples (paged from the server), the selected example
 * as a chat form / raw JSON / label mask, live validation from the shared validator, bulk weight
 * rules, undo/redo, and "Save as new file" (derive) — or, for a new dataset, an upload.
 */
import { lazy, Suspense, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import type { DatasetExample, ExamplePage } from '@shared/schemas/datasets.js';
import type { OpenAIFile } from '@shared/schemas/files.js';
import {
  applyWeightRule,
  blankExample,
  firstUserText,
  parseExample,
  serializeExample,
  trainedTurns,
  type Obj,
  type WeightRule,
} from '@shared/datasets/index.js';
import { ConfirmDialog, ErrorNotice, FieldError, PageHeader, ProgressBar, Spinner, toast } from '@/ui';
import { errorFor } from '@/api';
import { useSession, isDirty } from './model/session';
import { currentText, displayIndexOf, isDeleted, isEdited, parseKey, rowAt, rowCount, buildDeriveBody, buildJsonl, type RowKey } from './model/edits';
import { checkExample } from './model/live-validation';
import { useEditorIssues } from './use-editor-issues';
import { useLeaveGuard, useUndoRedoKeys } from './use-editor-keys';
import { PAGE_SIZE, useDerive, useExamplePage, useFile, useFullExample, useModels, useUploadJsonl, useValidationReport } from './queries';
import { useTokenCounter } from './tokenizer';
import { ExampleList, type ListHandle, type RowInfo } from './ExampleList';
import { ChatForm } from './ChatForm';
import { LabelMaskView } from './LabelMaskView';
import './editor.css';

const RawJson = lazy(() => import('./RawJson'));
type Tab = 'form' | 'raw' | 'tokens';
type Filter = 'all' | 'errors' | 'warnings';
const RULE_TEXT: Record<WeightRule, string> = { last_assistant_only: 'Train only the last assistant turn', all_assistant: 'Train every assistant turn' };
const estimate = (s: string) => Math.ceil(new TextEncoder().encode(s).length / 4);

export function Editor({ fileId }: { fileId: string | null }) {
  const s = useSession();
  const qc = useQueryClient();
  const [params] = useSearchParams();
  const list = useRef<ListHandle>(null);
  const file = useFile(fileId);
  const first = useExamplePage(fileId, 0);
  const report = useValidationReport(fileId);
  const models = useModels();
  const [model, setModel] = useState<string | null>(null);
  const tok = useTokenCounter(model);
  const [tab, setTab] = useState<Tab>('form');
  const [filter, setFilter] = useState<Filter>('all');
  const [search, setSearch] = useState('');
  const [saveOpen, setSaveOpen] = useState(false);
  const [saved, setSaved] = useState<OpenAIFile | null>(null);
  const [showAll, setShowAll] = useState<number | null>(null);

  // A fresh session per file (before paint, so the previous file's edits never show); a new dataset starts with one blank example.
  useLayoutEffect(() => {
    const st = useSession.getState();
    st.open(fileId);
    if (!fileId) st.select(st.insertExample(null, serializeExample(blankExample())));
    if (!fileId) useSession.setState({ undoStack: [], saved: useSession.getState().edits });
  }, [fileId]);

  const page0 = first.data;
  const total = fileId ? (page0?.total ?? page0?.data.length ?? 0) : 0;
  const readOnlyReason = page0?.read_only_reason ?? null;
  const readOnly = readOnlyReason !== null;
  const count = rowCount(total, s.edits);

  // ?example=N (1-based) selects that example once the file is open.
  const wanted = Number(params.get('example'));
  useEffect(() => {
    if (!fileId || !page0) return;
    const st = useSession.getState();
    if (wanted >= 1 && wanted <= total) {
      const key: RowKey = `o:${wanted - 1}`;
      st.select(key);
      setTimeout(() => list.current?.scrollTo(displayIndexOf(key, st.edits)), 0);
    } else if (!st.selected && total > 0) st.select('o:0');
  }, [fileId, page0, wanted, total]);

  const original = useCallback(
    (i: number): DatasetExample | undefined => {
      const p = qc.getQueryData<ExamplePage>(['files', fileId, 'examples', Math.floor(i / PAGE_SIZE)]);
      return p?.data[i - p.offset];
    },
    // Re-read when any page arrives (first.dataUpdatedAt changes with polling; the list re-renders on its own).
    [qc, fileId],
  );

  const { serverIssues, liveChecks, issuesOf, problems } = useEditorIssues(s.edits, report.data);

  const info = (key: RowKey): RowInfo => {
    const k = parseKey(key);
    const orig = 'original' in k ? original(k.original) : undefined;
    const text = currentText(s.edits, key, orig?.text);
    const p = text !== undefined && !(orig?.truncated && !isEdited(s.edits, key)) ? parseExample(text) : null;
    const iss = issuesOf(key);
    return {
      key,
      label: 'original' in k ? `#${k.original + 1}` : 'new',
      line: orig?.line ?? null,
      preview: p?.ok ? firstUserText(p.value).slice(0, 140) : text !== undefined ? text.slice(0, 140) : '',
      loaded: text !== undefined,
      errors: iss.errors.length,
      warnings: iss.warnings.length,
      edited: isEdited(s.edits, key),
      deleted: isDeleted(s.edits, key),
      trained: p?.ok ? trainedTurns(p.value) : null,
    };
  };

  // Filters: errors / warnings from the report and live checks; search over the loaded pages only
  // (never a walk over every row of a huge file).
  const filtered = useMemo((): RowKey[] | null => {
    if (filter === 'all' && search.trim() === '') return null;
    const q = search.trim().toLowerCase();
    const candidates = new Set<RowKey>();
    if (q) {
      for (const [, d] of qc.getQueriesData<ExamplePage>({ queryKey: ['files', fileId, 'examples'] })) for (const x of d?.data ?? []) candidates.add(`o:${x.index}`);
      for (const l of Object.values(s.edits.inserted)) for (const x of l) candidates.add(`n:${x.id}`);
    } else {
      for (const m of filter === 'errors' ? [serverIssues.errors] : [serverIssues.warnings]) for (const ex of m.keys()) candidates.add(`o:${ex - 1}`);
      for (const k of liveChecks.keys()) candidates.add(k);
    }
    const keys: RowKey[] = [];
    for (const key of candidates) {
      const k = parseKey(key);
      if (q) {
        const text = currentText(s.edits, key, 'original' in k ? original(k.original)?.text : undefined);
        if (!(text ?? '').toLowerCase().includes(q)) continue;
      }
      const iss = issuesOf(key);
      if (filter === 'errors' && iss.errors.length === 0) continue;
      if (filter === 'warnings' && iss.warnings.length === 0) continue;
      keys.push(key);
    }
    return keys.sort((a, b) => displayIndexOf(a, s.edits) - displayIndexOf(b, s.edits));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- pages arriving are reflected through first/report data
  }, [filter, search, s.edits, issuesOf, original, serverIssues, liveChecks, qc, fileId, first.dataUpdatedAt]);
  const loadedCount = useMemo(
    () => qc.getQueriesData<ExamplePage>({ queryKey: ['files', fileId, 'examples'] }).reduce((n, [, d]) => n + (d?.data.length ?? 0), 0),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- recount when the filter is used
    [qc, fileId, filtered],
  );

  // The selected example.
  const sel = s.selected;
  const selK = sel ? parseKey(sel) : null;
  const selPage = useExamplePage(fileId, selK && 'original' in selK ? Math.floor(selK.original / PAGE_SIZE) : 0, !!selK && 'original' in selK);
  const selOrig = selK && 'original' in selK ? selPage.data?.data[selK.original - selPage.data.offset] : undefined;
  const full = useFullExample(fileId, showAll !== null && selK && 'original' in selK && selK.original === showAll ? showAll : null);
  const cut = !!selOrig?.truncated && !isEdited(s.edits, sel!) && !full.data;
  const selText = sel ? currentText(s.edits, sel, full.data && selOrig && full.data.index === selOrig.index ? full.data.text : selOrig?.text) : undefined;
  const parsed = useMemo(() => (selText !== undefined && !cut ? parseExample(selText) : null), [selText, cut]);
  const counter = tok.counter;
  const selCheck = useMemo(() => (selText !== undefined && !cut ? checkExample(selText, counter ?? undefined) : null), [selText, cut, counter]);
  const exampleReadOnly = readOnly || cut || (!!sel && isDeleted(s.edits, sel));
  const selIssues = sel ? (isEdited(s.edits, sel) || !fileId ? selCheck : issuesOf(sel)) : null;
  const selErrors = selCheck?.errors ?? [];
  const selWarnings = selCheck?.warnings ?? [];

  const tokens = useCallback((t: string) => (counter ? counter.tokens(t) : estimate(t)), [counter]);
  const change = (next: Obj, coalesce?: string) => sel && s.setExample(sel, serializeExample(next), coalesce ? `${sel}:${coalesce}` : undefined);

  const select = (key: RowKey) => {
    s.select(key);
    setShowAll(null);
  };
  const jumpTo = (key: RowKey) => {
    select(key);
    list.current?.scrollTo(displayIndexOf(key, s.edits));
  };

  useUndoRedoKeys();
  const dirty = isDirty(s);
  const blocker = useLeaveGuard(dirty);

  const bulk = (rule: WeightRule, scope: 'checked' | 'file') => {
    if (scope === 'file') {
      s.setRule(rule);
      toast(`On save, every example: ${RULE_TEXT[rule].toLowerCase()}.`);
      return;
    }
    const texts: [RowKey, string][] = [];
    let skipped = 0;
    for (const key of s.checked) {
      const k = parseKey(key);
      const o = 'original' in k ? original(k.original) : undefined;
      const t = currentText(s.edits, key, o?.truncated ? undefined : o?.text);
      const p = t !== undefined ? parseExample(t) : null;
      if (!p?.ok) {
        skipped++;
        continue;
      }
      const next = applyWeightRule(p.value, rule);
      if (next !== p.value) texts.push([key, serializeExample(next)]);
    }
    s.setExamples(texts);
    toast(`${RULE_TEXT[rule]}: ${texts.length} example(s) changed${skipped ? `, ${skipped} skipped (not loaded or not valid JSON)` : ''}.`);
  };

  const errorExamples = new Set(problems.filter((p) => p.kind === 'error').map((p) => p.key)).size;
  const reportTruncated = report.data ? Object.values(report.data.error_counts).reduce((a, b) => a + b, 0) > report.data.error_details.length : false;

  const derive = useDerive(fileId);
  const upload = useUploadJsonl();
  const [filename, setFilename] = useState('');
  const doSave = async (asJsonlOnly = false) => {
    try {
      const f = fileId
        ? await derive.mutateAsync(asJsonlOnly ? { edits: [] } : buildDeriveBody(s.edits, filename.trim() || undefined))
        : await upload.mutateAsync({ name: filename.trim() || 'new-dataset.jsonl', jsonl: buildJsonl(s.edits) });
      if (!asJsonlOnly) s.markSaved();
      setSaved(f);
      setSaveOpen(false);
      toast(`Saved as ${f.filename}`);
    } catch {
      // Shown in the dialog (FieldError) or below.
    }
  };
  const saveError = fileId ? derive.error : upload.error;
  const modelList = useMemo(() => {
    const order = { builtin: 0, local: 1, hub: 2, 'fine-tuned': 3 } as const;
    return [...(models.data?.data ?? [])].sort((a, b) => order[a.kind] - order[b.kind] || a.id.localeCompare(b.id));
  }, [models.data]);

  if (fileId && first.error && !page0) return <ErrorNotice error={first.error} onRetry={() => void first.refetch()} title="Could not open this file" />;

  const title = fileId ? `Edit ${file.data?.filename ?? fileId}` : 'New dataset';
  const keyAt = (i: number) => (filtered ? filtered[i]! : rowAt(i, s.edits));
  return (
    <div className="page editor-page">
      <PageHeader
        title={title}
        subtitle={
          fileId
            ? 'Review each conversation, choose which assistant replies are trained, fix what validation finds, then save a corrected copy. The original file is never changed.'
            : 'Write examples from scratch; saving uploads them as a new JSON Lines file.'
        }
        actions={
          <>
            <button type="button" onClick={s.undo} disabled={s.undoStack.length === 0} title="Undo (Ctrl+Z)">
              Undo
            </button>
            <button type="button" onClick={s.redo} disabled={s.redoStack.length === 0} title="Redo (Ctrl+Shift+Z)">
              Redo
            </button>
            <button type="button" className="primary" disabled={readOnly || (!dirty && !!fileId)} onClick={() => setSaveOpen(true)}>
              Save as new file…
            </button>
          </>
        }
      />
      {readOnlyReason && (
        <div className="notice warn" role="status">
          <div>
            <strong>Read-only.</strong> {readOnlyReason}
          </div>
        </div>
      )}
      {page0?.container === 'json_array' && !readOnly && (
        <div className="notice warn" role="status">
          <div style={{ flex: 1 }}>
            <strong>OpenAI requires JSON Lines.</strong> This file is a JSON array; saving always writes JSON Lines (one example per line).
          </div>
          <button type="button" onClick={() => void doSave(true)} disabled={derive.isPending}>
            Save as JSONL
          </button>
        </div>
      )}
      {page0 && page0.total === null && (
        <div className="row muted">
          Indexing the file… <ProgressBar value={page0.bytes ? page0.indexed_bytes / page0.bytes : 0} label="Indexing progress" />
        </div>
      )}
      {saved && (
        <div className="notice ok" role="status">
          <div style={{ flex: 1 }}>
            Saved as <strong>{saved.filename}</strong>.{' '}
            <Link to={`/files/${saved.id}/edit`}>Open {saved.filename}</Link> · <Link to={`/files/${saved.id}/validation`}>Validate it</Link>
          </div>
        </div>
      )}
      {saveError && !saveOpen && <ErrorNotice error={saveError} title="Saving failed" />}
      {s.edits.rule && (
        <div className="notice info-notice" role="status">
          <div style={{ flex: 1 }}>
            On save, every example: <strong>{RULE_TEXT[s.edits.rule].toLowerCase()}</strong>.
          </div>
          <button type="button" className="small" onClick={() => s.setRule(null)}>
            Remove rule
          </button>
        </div>
      )}

      <div className="editor-grid">
        <section className="card list-pane" aria-label="Examples">
          <div className="list-tools">
            <label className="inline-field">
              <span>Show</span>
              <select value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
                <option value="all">All examples</option>
                <option value="errors">Only with errors</option>
                <option value="warnings">Only with warnings</option>
              </select>
            </label>
            <label className="inline-field grow">
              <span>Search</span>
              <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Text in examples" />
            </label>
          </div>
          <div className="muted small-print">
            {total.toLocaleString()} example{total === 1 ? '' : 's'}{filtered ? ` · ${filtered.length} shown` : ''}
            {search.trim() && fileId ? ` · search covers the ${loadedCount} loaded examples (scroll to load more)` : ''}
            {filter !== 'all' && reportTruncated ? ' · the report lists the first few problems of each kind' : ''}
          </div>
          <div className="bulk-tools" role="group" aria-label="Bulk weight actions">
            <BulkActions checked={s.checked.size} disabled={readOnly} onApply={bulk} />
          </div>
          {count === 0 && !first.isLoading ? (
            <p className="muted">No examples. {readOnly ? '' : 'Use “Add example” to write one.'}</p>
          ) : (filtered?.length ?? 1) === 0 ? (
            <p className="muted">No example matches.</p>
          ) : (
            <ExampleList
              fileId={fileId}
              count={filtered ? filtered.length : count}
              keyAt={keyAt}
              info={info}
              selected={sel}
              checked={s.checked}
              onSelect={select}
              onToggleCheck={s.toggleChecked}
              handle={list}
            />
          )}
          {first.isLoading && <Spinner label="Loading examples" />}
        </section>

        <section className="card detail-pane" aria-label="Selected example">
          {!sel ? (
            <p className="muted">Select an example in the list to see it here.</p>
          ) : (
            <>
              <div className="detail-head">
                <h2>
                  {selK && 'original' in selK ? `Example ${selK.original + 1}` : 'New example'}
                  {selOrig && <span className="muted"> · line {selOrig.line}</span>}
                </h2>
                {fileId && selOrig && (
                  <Link
                    className="button small"
                    to={`/playground?file=${encodeURIComponent(fileId)}&line=${selOrig.line}`}
                    title={isEdited(s.edits, sel) ? 'Runs the example as saved in the file, without your unsaved edits' : 'Runs the conversation up to its last assistant answer and shows that answer beside the model’s'}
                  >
                    Try this example
                  </Link>
                )}
                <span className="muted">
                  {selCheck?.tokens != null ? `${counter ? '' : '~'}${selCheck.tokens} tokens, ${selCheck.trained} trained` : ''}
                  {!counter && selCheck?.tokens != null ? ' (estimate, ~4 bytes/token)' : ''}
                </span>
                {!readOnly && (
                  <span className="detail-actions">
                    <button type="button" className="small" onClick={() => select(s.insertExample(sel, serializeExample(blankExample())))}>
                      Add example
                    </button>
                    <button type="button" className="small" disabled={selText === undefined || cut} onClick={() => select(s.insertExample(sel, selText!))}>
                      Duplicate
                    </button>
                    {isDeleted(s.edits, sel) ? (
                      <button type="button" className="small" onClick={() => s.restoreExample(sel)}>
                        Restore
                      </button>
                    ) : (
                      <button type="button" className="small danger" onClick={() => s.deleteExample(sel)}>
                        Delete example
                      </button>
                    )}
                  </span>
                )}
              </div>
              {isDeleted(s.edits, sel) && <div className="notice warn">This example will be left out of the saved file. Restore it to keep it.</div>}
              {cut && (
                <div className="notice warn" role="status">
                  <div style={{ flex: 1 }}>
                    This example is {((selOrig?.bytes ?? 0) / 1e6).toFixed(1)} MB; only its start is shown, read-only.
                  </div>
                  <button type="button" onClick={() => setShowAll(selOrig!.index)} disabled={full.isFetching}>
                    Show all
                  </button>
                </div>
              )}
              {full.error && <ErrorNotice error={full.error} />}
              <div className="tabs" role="tablist" aria-label="Example views">
                {(
                  [
                    ['form', 'Conversation'],
                    ['raw', 'Raw JSON'],
                    ['tokens', 'Tokens & labels'],
                  ] as const
                ).map(([t, label]) => (
                  <button key={t} type="button" role="tab" aria-selected={tab === t} aria-controls={`tab-${t}`} id={`tabbtn-${t}`} className={tab === t ? 'tab active' : 'tab'} onClick={() => setTab(t)}>
                    {label}
                  </button>
                ))}
              </div>
              <div role="tabpanel" id={`tab-${tab}`} aria-labelledby={`tabbtn-${tab}`} className="tab-panel">
                {selText === undefined ? (
                  <Spinner label="Loading the example" />
                ) : tab === 'raw' || cut ? (
                  cut ? (
                    <pre className="cut-text" tabIndex={0}>{selText}…</pre>
                  ) : (
                    <Suspense fallback={<Spinner label="Loading the JSON editor" />}>
                      <RawJson key={sel} text={selText} readOnly={exampleReadOnly} onChange={(t) => s.setExample(sel, t, `${sel}:raw`)} />
                    </Suspense>
                  )
                ) : tab === 'tokens' ? (
                  <LabelMaskView counter={counter} value={parsed?.ok ? parsed.value : null} />
                ) : parsed && !parsed.ok && exampleReadOnly ? (
                  <>
                    <div className="notice error">{parsed.error}</div>
                    <pre className="cut-text" tabIndex={0}>{selText}</pre>
                  </>
                ) : parsed && !parsed.ok ? (
                  <div className="notice error" role="alert">
                    <div style={{ flex: 1 }}>
                      {parsed.error.replace(/\.?$/, '.')} Fix it in the Raw JSON tab.
                    </div>
                    <button type="button" onClick={() => setTab('raw')}>
                      Open Raw JSON
                    </button>
                  </div>
                ) : parsed?.ok && parsed.kind === 'other' ? (
                  <div className="notice warn">This example is not a chat or preference example; edit it in the Raw JSON tab.</div>
                ) : parsed?.ok ? (
                  <ChatForm value={parsed.value} kind={parsed.kind} readOnly={exampleReadOnly} errors={selErrors} warnings={selWarnings} tokens={tokens} exact={!!counter} onChange={change} />
                ) : null}
              </div>
              {selIssues && (selErrors.length > 0 || selWarnings.length > 0) && (
                <ul className="example-issues" aria-label="Problems in this example">
                  {selErrors.map((e, i) => (
                    <li key={`e${i}`} className="field-error">
                      {e.path ? `${e.path}: ` : ''}
                      {e.message}
                    </li>
                  ))}
                  {selWarnings.map((w, i) => (
                    <li key={`w${i}`} className="issue-warn">
                      {w.path ? `${w.path}: ` : ''}
                      {w.message}
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
        </section>

        <aside className="card side-pane" aria-label="Model and problems">
          <h2>Tokens</h2>
          <label className="field">
            <span>Model for token counts</span>
            <select value={model ?? ''} onChange={(e) => setModel(e.target.value || null)}>
              <option value="">None (estimate, ~4 bytes/token)</option>
              {modelList.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.id}
                  {m.kind === 'builtin' ? ' (built-in)' : ''}
                </option>
              ))}
            </select>
            <span className="hint">Counts tokens with the model&apos;s own tokenizer and chat template, exactly as training will.</span>
          </label>
          {tok.preparing && (
            <div className="row">
              <Spinner label="Preparing" /> {tok.preparing.message ?? 'Preparing the model…'}
              {tok.preparing.progress !== null && <ProgressBar value={tok.preparing.progress} label="Preparing the model" />}
            </div>
          )}
          <FieldError error={tok.query.error} field="model" />
          {tok.query.error && !errorFor(tok.query.error, 'model') && <ErrorNotice error={tok.query.error} />}
          {tok.error && <ErrorNotice error={tok.error} title="The tokenizer could not be loaded" />}
          {counter && <p className="muted">{counter.info.note}</p>}

          <h2>Problems</h2>
          {report.isLoading && fileId && <Spinner label="Validating the file" />}
          {report.error && <ErrorNotice error={report.error} onRetry={() => void report.refetch()} />}
          {problems.length === 0 ? (
            <p className="muted">{fileId && report.isLoading ? '' : 'No problems found.'}</p>
          ) : (
            <ul className="problems">
              {problems.slice(0, 200).map((p, i) => (
                <li key={i} className={p.kind}>
                  <button type="button" className="linklike" onClick={() => jumpTo(p.key)}>
                    {p.where}
                  </button>
                  <span className={`badge ${p.kind === 'error' ? 'error' : 'warn'}`}>{p.kind}</span>
                  <div>
                    {p.issue.path ? <span className="mono">{p.issue.path}: </span> : null}
                    {p.issue.message}
                  </div>
                </li>
              ))}
            </ul>
          )}
          {reportTruncated && <p className="muted">The last validation lists the first few problems of each kind; fix them and validate the saved file for the rest.</p>}
        </aside>
      </div>

      {saveOpen && (
        <ConfirmDialog
          open={saveOpen}
          title={fileId ? 'Save as a new file' : 'Save the new dataset'}
          confirmLabel={fileId ? 'Save as new file' : 'Upload as JSONL'}
          busy={derive.isPending || upload.isPending}
          onCancel={() => setSaveOpen(false)}
          onConfirm={() => void doSave()}
        >
          <p>{fileId ? 'A corrected copy is written next to the original (always JSON Lines); the original file stays as it is.' : 'The examples are uploaded as a fine-tune file in JSON Lines.'}</p>
          <label className="field">
            <span>File name</span>
            <input
              value={filename}
              onChange={(e) => setFilename(e.target.value)}
              placeholder={fileId ? `${(file.data?.filename ?? 'file').replace(/\.[^.]*$/, '').replace(/\.edited-\d+$/, '')}.edited-N.jsonl (automatic)` : 'new-dataset.jsonl'}
              aria-describedby="save-filename-error"
            />
            <FieldError error={saveError} field="filename" id="save-filename-error" />
          </label>
          <ul className="save-summary">
            <li>
              {Object.keys(s.edits.replaced).length} edited, {Object.keys(s.edits.deleted).length} deleted,{' '}
              {Object.values(s.edits.inserted).reduce((n, l) => n + l.length, 0)} added
            </li>
            {s.edits.rule && <li>Weights: {RULE_TEXT[s.edits.rule].toLowerCase()} in every example</li>}
            <li className={errorExamples ? 'field-error' : ''}>
              {errorExamples === 0
                ? 'No examples with errors are known.'
                : `${reportTruncated ? 'At least ' : ''}${errorExamples} example${errorExamples > 1 ? 's' : ''} with errors: the validator will reject the saved file until ${errorExamples > 1 ? 'they are' : 'it is'} fixed.`}
            </li>
          </ul>
          {saveError && !errorFor(saveError, 'filename') && <ErrorNotice error={saveError} />}
        </ConfirmDialog>
      )}

      {/* Mounted only while shown: ConfirmDialogs share one title id. */}
      {blocker.state === 'blocked' && (
        <ConfirmDialog
          open
          title="Leave without saving?"
          confirmLabel="Leave and discard edits"
          danger
          onCancel={() => blocker.reset?.()}
          onConfirm={() => blocker.proceed?.()}
        >
          <p>Your edits to this dataset are not saved. Save them as a new file first, or leave and lose them.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function BulkActions({ checked, disabled, onApply }: { checked: number; disabled: boolean; onApply: (r: WeightRule, scope: 'checked' | 'file') => void }) {
  const [scope, setScope] = useState<'checked' | 'file'>('file');
  const effective = checked === 0 ? 'file' : scope;
  return (
    <>
      <label className="inline-field">
        <span>Apply to</span>
        <select value={effective} onChange={(e) => setScope(e.target.value as 'checked' | 'file')} disabled={disabled}>
          <option value="file">Whole file (on save)</option>
          <option value="checked" disabled={checked === 0}>
            Checked examples ({checked})
          </option>
        </select>
      </label>
      <button type="button" className="small" disabled={disabled} onClick={() => onApply('last_assistant_only', effective)}>
        Train only the last assistant turn
      </button>
      <button type="button" className="small" disabled={disabled} onClick={() => onApply('all_assistant', effective)}>
        Train every assistant turn
      </button>
    </>
  );
}
