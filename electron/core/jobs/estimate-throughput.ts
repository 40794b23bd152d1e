import type { Db } from '../db/database.js';

export interface Measured {
  jobId: string;
  /** Median of the job's per-step tokens/s (its progress metrics). */
  tokensPerSecond: number;
  /** Its wall time that tokens/s does not explain: start-up, loading, dataset preparation, saving. */
  overheadSeconds: number;
}

export interface ThroughputQuery {
  model: string;
  /** 'cpu', or the GPU name the job would run on (null: any GPU). */
  device: 'cpu' | { gpu: string | null; count: number };
  method: string;
  fullFinetune: boolean;
  qlora: boolean;
}

interface Candidate {
  id: string;
  trained_tokens: number;
  started_at: number;
  finished_at: number;
  method: string;
  resolved: string | null;
}

/**
 * Throughput measured earlier on this machine for the same model and device kind: the newest
 * succeeded job that ran in one go (resumed jobs' wall time says nothing), preferring one with the
 * same method and adapter kind. Time for a new job = overhead + its tokens ÷ tokens/s.
 */
export function measuredThroughput(db: Db, q: ThroughputQuery): Measured | null {
  const cpu = q.device === 'cpu';
  const rows = db
    .prepare(
      `SELECT id, trained_tokens, started_at, finished_at, method, resolved FROM jobs
       WHERE status = 'succeeded' AND model = ? AND trained_tokens > 0 AND started_at IS NOT NULL AND finished_at IS NOT NULL
         AND ${cpu ? 'gpus = 0' : 'gpus = ?'}
       ORDER BY finished_at DESC, seq DESC LIMIT 20`,
    )
    .all(...(cpu ? [q.model] : [q.model, (q.device as { count: number }).count])) as Candidate[];
  const starts = db.prepare(
    `SELECT json_extract(data, '$.device') AS device FROM job_events
     WHERE job_id = ? AND json_extract(data, '$.device') IS NOT NULL AND json_extract(data, '$.total_steps') IS NOT NULL`,
  );
  const tps = db.prepare(
    `SELECT json_extract(data, '$.tokens_per_second') AS v FROM job_events
     WHERE job_id = ? AND type = 'metrics' AND json_extract(data, '$.tokens_per_second') > 0`,
  );
  let best: { m: Measured; score: number } | null = null;
  for (const r of rows) {
    const started = starts.all(r.id) as Array<{ device: string }>;
    if (started.length !== 1) continue; // resumed (or no started event)
    const device = started[0]!.device;
    if (cpu ? device !== 'cpu' : !device.startsWith('cuda') || !deviceHasGpu(device, q.device as { gpu: string | null })) continue;
    const values = (tps.all(r.id) as Array<{ v: number }>).map((x) => x.v).sort((a, b) => a - b);
    if (values.length === 0) continue;
    const median = values[Math.floor(values.length / 2)]!;
    const resolved = safeJson(r.resolved);
    const method = safeJson(r.method).type ?? 'supervised';
    const score = Number(method === q.method) * 2 + Number(Boolean(resolved.full_finetune) === q.fullFinetune) + Number(Boolean(resolved.qlora) === q.qlora);
    const m = { jobId: r.id, tokensPerSecond: median, overheadSeconds: Math.max(0, r.finished_at - r.started_at - r.trained_tokens / median) };
    if (!best || score > best.score) best = { m, score };
    if (score === 4) break; // rows are newest first: the newest exact match wins
  }
  return best?.m ?? null;
}

function deviceHasGpu(device: string, q: { gpu: string | null }): boolean {
  return q.gpu === null || device.includes(q.gpu);
}

function safeJson(s: string | null): Record<string, unknown> {
  try {
    return (s ? JSON.parse(s) : {}) as Record<string, unknown>;
  } catch {
    return {};
  }
}
