import { useEffect, useState } from 'react';

/** The current time, refreshed every `ms` (countdowns, durations of running jobs); null = frozen. */
export function useNow(ms: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (ms === null) return;
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
