/** Human-readable numbers, shared by every view. */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${units[i]}`;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function formatDate(unix: number | null | undefined): string {
  if (!unix) return '—';
  return new Date(unix * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export const formatInt = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : n.toLocaleString('en-US'));

/** GPU memory as nvidia-smi reports it (MiB), shown in GiB from 1 GiB up. */
export function formatMiB(mib: number | null | undefined): string {
  if (mib === null || mib === undefined || !Number.isFinite(mib)) return '—';
  return mib >= 1024 ? `${(mib / 1024).toFixed(mib >= 10 * 1024 ? 0 : 1)} GiB` : `${Math.round(mib)} MiB`;
}

/** Time left until a unix-seconds estimate, e.g. "4 min 10 s left"; "almost done" once it has passed. */
export function formatTimeLeft(finishUnix: number | null | undefined, nowMs = Date.now()): string {
  if (!finishUnix) return '—';
  const s = finishUnix - nowMs / 1000;
  return s <= 1 ? 'almost done' : `${formatDuration(s)} left`;
}

/** "just now", "5 min ago", "3 h ago", then the date. */
export function formatAgo(unix: number | null | undefined, nowMs = Date.now()): string {
  if (!unix) return '—';
  const s = Math.max(0, nowMs / 1000 - unix);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return formatDate(unix);
}
