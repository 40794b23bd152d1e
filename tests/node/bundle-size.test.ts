/** The first view's JavaScript stays within its budget (npm test builds the renderer before Vitest). */
import { describe, expect, it } from 'vitest';
import { bundleReport, FIRST_VIEW_BUDGET_GZ } from '../../bench/ui/bundle.js';

describe('renderer bundle', () => {
  const report = bundleReport();
  it.skipIf(!report && !process.env.CI)('first view under 300 kB gzip; the editor and CodeMirror are separate chunks', () => {
    expect(report, 'no renderer build: npm test runs `electron-vite build` first').not.toBeNull();
    const r = report!;
    expect(r.firstView.gzip).toBeLessThan(FIRST_VIEW_BUDGET_GZ);
    const first = r.firstView.files.join(' ');
    expect(first).not.toMatch(/codemirror|datasets/i);
  });
});
