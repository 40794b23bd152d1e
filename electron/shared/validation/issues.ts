/** Counts every problem per category and keeps the first few instances of each. */
import type { DatasetContainer, ValidationIssue } from '../schemas/validation.js';

export class IssueCollector {
  readonly counts = new Map<string, number>();
  private samples: ValidationIssue[] = [];
  private order = 0;
  private seq = new WeakMap<ValidationIssue, number>();

  constructor(private maxPerCategory: number) {}

  add(issue: ValidationIssue): void {
    const n = (this.counts.get(issue.category) ?? 0) + 1;
    this.counts.set(issue.category, n);
    if (n <= this.maxPerCategory) {
      this.seq.set(issue, this.order++);
      this.samples.push(issue);
    }
  }

  get total(): number {
    let t = 0;
    for (const n of this.counts.values()) t += n;
    return t;
  }

  /** Kept instances in file order (file-wide issues last). */
  details(): ValidationIssue[] {
    const key = (i: ValidationIssue) => i.line ?? Number.MAX_SAFE_INTEGER;
    return [...this.samples].sort((a, b) => key(a) - key(b) || this.seq.get(a)! - this.seq.get(b)!);
  }

  countsObject(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** One readable line per kept instance, then one `… more` line per category that overflowed. */
  lines(container: DatasetContainer | null): string[] {
    const out = this.details().map((i) => formatIssue(i, container));
    for (const [category, n] of this.counts) {
      const more = n - Math.min(n, this.maxPerCategory);
      if (more > 0) out.push(`${category}: ${more} more like this not listed (${n} in total)`);
    }
    return out;
  }
}

/** `line 3: invalid JSON (…)`, `example 2 (line 9), messages[1].weight: …`, or `file: …`. */
export function formatIssue(i: ValidationIssue, container: DatasetContainer | null): string {
  let where: string;
  if (i.line === null) where = 'file';
  else if (container === 'json_array' && i.example !== null) where = `example ${i.example} (line ${i.line})`;
  else where = `line ${i.line}`;
  return i.path ? `${where}, ${i.path}: ${i.message}` : `${where}: ${i.message}`;
}
