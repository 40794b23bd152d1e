import { describe, expect, it } from 'vitest';
import { MAX_TRAY_JOBS, queueLine, trayModel } from './tray-model.js';

describe('tray model', () => {
  it('says what runs and what waits', () => {
    expect(queueLine({ running: 2, queued: 3, items: [] })).toBe('2 running · 3 queued');
    expect(queueLine({ running: 0, queued: 1, items: [] })).toBe('1 queued');
    expect(queueLine({ running: 0, queued: 0, items: [] })).toBe('No jobs running');
  });

  it('lists running jobs first with their progress, then queued ones, then Quit', () => {
    const m = trayModel({
      running: 1,
      queued: 1,
      items: [
        { id: 'ftjob-b', model: 'smollm2', status: 'queued', progress: null },
        { id: 'ftjob-a', model: 'hone-tiny-llama', status: 'running', progress: 0.426 },
      ],
    });
    expect(m.tooltip).toBe('Hone — 1 running · 1 queued');
    expect(m.items.map((i) => (i.type === 'separator' ? '—' : i.label))).toEqual(['Open Hone', '—', '1 running · 1 queued', 'hone-tiny-llama — 42%', 'smollm2 — queued', '—', 'Quit Hone']);
    expect(m.items[3]).toMatchObject({ action: { kind: 'open-job', id: 'ftjob-a' } });
    expect(m.items.at(-1)).toMatchObject({ action: { kind: 'quit' } });
    expect(m.items[2]).toMatchObject({ enabled: false });
  });

  it('caps the list and shows the core starting before the first summary', () => {
    const items = Array.from({ length: 12 }, (_, i) => ({ id: `j${i}`, model: 'm', status: 'queued', progress: null }));
    const m = trayModel({ running: 0, queued: 12, items });
    expect(m.items.filter((i) => i.type === 'normal' && i.action?.kind === 'open-job')).toHaveLength(MAX_TRAY_JOBS);
    expect(m.items.some((i) => i.type === 'normal' && i.label === 'and 4 more…')).toBe(true);
    expect(trayModel(null).tooltip).toBe('Hone — Starting…');
  });
});
