/**
 * Pure planning for uploads: which API a file goes through, how it is cut into parts, and the
 * speed/ETA shown next to each progress bar. Kept free of DOM and network so Vitest covers it.
 */
import { MAX_PART_BYTES } from '@shared/constants.js';

/** Above one part's limit the Files API would still work, but the Uploads API can resume parts and run them in parallel. */
export const usesParts = (bytes: number): boolean => bytes > MAX_PART_BYTES;

export interface PartPlan {
  index: number;
  start: number;
  end: number;
}

/** Byte ranges of ≤ partSize each, in order (read later with Blob.slice, never the whole file). */
export function planParts(bytes: number, partSize = MAX_PART_BYTES): PartPlan[] {
  if (!Number.isInteger(partSize) || partSize <= 0) throw new Error('partSize must be a positive integer');
  const parts: PartPlan[] = [];
  for (let start = 0, index = 0; start < bytes; start += partSize, index++) parts.push({ index, start, end: Math.min(bytes, start + partSize) });
  return parts;
}

/**
 * Bytes/s over a sliding window (the last few seconds), so a stall shows as a falling rate
 * instead of an average that hides it; null until there are two samples apart in time.
 */
export class SpeedMeter {
  private samples: { t: number; bytes: number }[] = [];
  constructor(private readonly windowMs = 3000) {}

  add(t: number, bytes: number): void {
    this.samples.push({ t, bytes });
    while (this.samples.length > 2 && t - this.samples[1]!.t >= this.windowMs) this.samples.shift();
  }

  rate(): number | null {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.t - first.t < 200) return null;
    return Math.max(0, ((last.bytes - first.bytes) * 1000) / (last.t - first.t));
  }

  /** Seconds left at the current rate; null while unknown or stalled. */
  eta(total: number): number | null {
    const r = this.rate();
    const last = this.samples.at(-1);
    if (!r || !last) return null;
    return Math.max(0, (total - last.bytes) / r);
  }
}
