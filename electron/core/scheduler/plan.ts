/**
 * The scheduling decision, as a pure function: which queued jobs start now, on which GPUs, and
 * why every other job still waits. Jobs go in priority order, then first come first served. GPUs
 * that are free while a job ahead waits for more are held for it, so small jobs cannot starve a
 * large one by always taking the GPU that just freed up.
 */
export interface QueuedJob {
  id: string;
  /** GPUs asked for; 0 = CPU. */
  gpus: number;
  priority: number;
  /** Arrival order (smaller = earlier). */
  seq: number;
}

export interface RunningJob {
  id: string;
  gpus: number[];
  /** CPU jobs hold the single CPU slot. */
  cpu: boolean;
}

export interface SlotInventory {
  /** GPU indexes on this machine (empty = CPU mode). */
  gpus: number[];
}

export interface Plan {
  start: Array<{ id: string; gpus: number[]; cpu: boolean }>;
  waiting: Array<{ id: string; position: number; reason: string }>;
  /** Serving slots to unload so the waiting job named in `for` can start (only with `serving`). */
  preempt?: Array<ServingSlot & { for: string }>;
}

/** A slot an inference worker holds (GPU index, or null = the CPU slot): preemptible by training. */
export interface ServingSlot {
  gpu: number | null;
  holder: string;
}

export function planSchedule(inv: SlotInventory, running: RunningJob[], queued: QueuedJob[], serving?: ServingSlot[]): Plan {
  const busy = new Set(running.flatMap((r) => r.gpus));
  // Serving slots are not free: a job that needs one waits while its worker unloads.
  const served = new Map((serving ?? []).filter((s) => s.gpu !== null && !busy.has(s.gpu)).map((s) => [s.gpu as number, s]));
  let free = inv.gpus.filter((g) => !busy.has(g) && !served.has(g));
  const cpuServed = (serving ?? []).find((s) => s.gpu === null || inv.gpus.length === 0);
  // One CPU job at a time: training saturates every core, two would just thrash.
  let cpuFree = !running.some((r) => r.cpu);
  const order = [...queued].sort((a, b) => b.priority - a.priority || a.seq - b.seq);
  const plan: Plan = { start: [], waiting: [], ...(serving ? { preempt: [] } : {}) };
  let reserved = 0; // GPUs held back for blocked jobs ahead in the queue
  let position = 0;
  let cpuWaiting = 0;

  for (const job of order) {
    const wantsCpu = job.gpus === 0 || inv.gpus.length === 0;
    if (wantsCpu) {
      if (cpuFree && cpuWaiting === 0 && cpuServed) {
        plan.preempt!.push({ ...cpuServed, for: job.id });
        cpuWaiting++;
        cpuFree = false;
        plan.waiting.push({ id: job.id, position: ++position, reason: `the CPU is serving ${cpuServed.holder}; unloading it for this job` });
        continue;
      }
      if (cpuFree && cpuWaiting === 0) {
        plan.start.push({ id: job.id, gpus: [], cpu: true });
        cpuFree = false;
        continue;
      }
      cpuWaiting++;
      const holder = running.find((r) => r.cpu)?.id ?? plan.start.find((s) => s.cpu)?.id;
      plan.waiting.push({
        id: job.id,
        position: ++position,
        reason: holder
          ? `waiting for the CPU slot (held by ${holder})${position > 1 ? `; ${position - 1} job(s) ahead` : ''}`
          : `waiting behind ${position - 1} job(s) ahead in the queue`,
      });
      continue;
    }
    if (job.gpus > inv.gpus.length) {
      plan.waiting.push({
        id: job.id,
        position: ++position,
        reason: `needs ${job.gpus} GPU(s) but this machine has ${inv.gpus.length}; it cannot start until GPUs are added or the request is lowered`,
      });
      continue;
    }
    const usable = free.length - reserved;
    if (job.gpus <= usable) {
      const take = free.slice(0, job.gpus);
      free = free.slice(job.gpus);
      plan.start.push({ id: job.id, gpus: take, cpu: false });
      continue;
    }
    // Enough GPUs once serving workers unload: unload them (after their current generation) and wait.
    if (served.size > 0 && job.gpus <= usable + served.size) {
      const take = [...served.values()].slice(0, job.gpus - Math.max(0, usable));
      for (const sv of take) served.delete(sv.gpu as number);
      plan.preempt!.push(...take.map((sv) => ({ ...sv, for: job.id })));
      reserved += Math.max(0, usable);
      plan.waiting.push({
        id: job.id,
        position: ++position,
        reason: take.map((sv) => `GPU ${sv.gpu} is serving ${sv.holder}`).join('; ') + '; unloading it for this job',
      });
      continue;
    }
    reserved += Math.max(0, Math.min(job.gpus, free.length) - reserved);
    const holders = running.filter((r) => r.gpus.length > 0).map((r) => `${r.id} on GPU ${r.gpus.join(',')}`);
    plan.waiting.push({
      id: job.id,
      position: ++position,
      reason:
        `waiting for ${job.gpus} free GPU(s); ${Math.max(0, free.length)} free now` +
        (holders.length ? ` (busy: ${holders.join('; ')})` : '') +
        (position > 1 ? `; ${position - 1} job(s) ahead` : ''),
    });
  }
  return plan;
}
