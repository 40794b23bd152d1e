import { readFileSync, readdirSync } from 'node:fs';

/**
 * Process bookkeeping from /proc (Linux). A trainer runs as the leader of its own session (the
 * pty makes it so), so "every process of a job" = every process in that session, even children
 * that moved to another process group (torchrun workers, dataloader workers).
 */
interface Stat {
  pid: number;
  session: number;
  startTime: string;
}

function readStat(pid: number): Stat | null {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may contain spaces/parens: fields start after the last ')'.
    const rest = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    // rest[0] = state (field 3); session = field 6 → rest[3]; starttime = field 22 → rest[19]
    return { pid, session: Number(rest[3]), startTime: rest[19] ?? '' };
  } catch {
    return null;
  }
}

/** Start time of a process (clock ticks since boot), to tell it from a later process with the same pid. */
export function processStartTime(pid: number): string | null {
  return readStat(pid)?.startTime ?? null;
}

/** True if `pid` is alive and is the same process that was recorded (same start time). */
export function isSameProcess(pid: number, startTime: string | null): boolean {
  const st = readStat(pid);
  return st !== null && (startTime === null || st.startTime === startTime);
}

export function sessionMembers(sid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = readStat(Number(name));
    if (st && st.session === sid) out.push(st.pid);
  }
  return out;
}

/** Sends `signal` to every process of the session led by `sid`. Returns how many were signalled. */
export function signalSession(sid: number, signal: NodeJS.Signals): number {
  let n = 0;
  try {
    process.kill(-sid, signal); // the process group first: cheap and atomic
  } catch {
    /* group already gone */
  }
  for (const pid of sessionMembers(sid)) {
    try {
      process.kill(pid, signal);
      n++;
    } catch {
      /* exited meanwhile */
    }
  }
  return n;
}
