import { describe, expect, it } from 'vitest';
import { initialQuitState, quitDialog, quitStep, type QuitEvent, type QuitState } from './quit-flow.js';

function run(events: QuitEvent[], from: QuitState = initialQuitState) {
  let state = from;
  const effects: string[] = [];
  const prevents: boolean[] = [];
  for (const e of events) {
    const s = quitStep(state, e);
    state = s.state;
    prevents.push(s.prevent);
    effects.push(...s.effects.map((x) => x.type));
  }
  return { state: state.name, effects, prevents };
}

describe('quit flow', () => {
  it('quits at once (with a clean core stop) when nothing trains', () => {
    expect(run([{ type: 'quit-requested', running: 0 }, { type: 'core-stopped' }])).toEqual({ state: 'done', effects: ['stop-core', 'exit'], prevents: [true, false] });
  });

  it('asks while jobs train; pause and quit stops the core with checkpoints, then exits', () => {
    const r = run([{ type: 'quit-requested', running: 2 }, { type: 'choice', choice: 'pause' }, { type: 'core-stopped' }]);
    expect(r).toEqual({ state: 'done', effects: ['ask', 'stop-core', 'exit'], prevents: [true, true, false] });
    expect(quitStep(initialQuitState, { type: 'quit-requested', running: 2 }).effects[0]).toEqual({ type: 'ask', running: 2 });
  });

  it('keep training closes the windows and leaves the core; the next launch reopens; a later quit asks again', () => {
    const r = run([{ type: 'quit-requested', running: 1 }, { type: 'choice', choice: 'keep' }]);
    expect(r.state).toBe('background');
    expect(r.effects).toEqual(['ask', 'close-windows']);
    expect(run([{ type: 'window-opened' }], { name: 'background' }).state).toBe('open');
    expect(run([{ type: 'quit-requested', running: 1 }], { name: 'background' }).effects).toEqual(['ask']);
  });

  it('closing the last window asks the same; keep lets that close go ahead; cancel keeps the window', () => {
    expect(run([{ type: 'last-window-closing', running: 3 }, { type: 'choice', choice: 'keep' }])).toMatchObject({ state: 'background', effects: ['ask', 'allow-close'] });
    expect(run([{ type: 'last-window-closing', running: 3 }, { type: 'choice', choice: 'cancel' }])).toEqual({ state: 'open', effects: ['ask'], prevents: [true, true] });
    expect(run([{ type: 'last-window-closing', running: 0 }]).effects).toEqual(['stop-core']);
  });

  it('holds further quits while asking or stopping (no second dialog, no early exit)', () => {
    const r = run([{ type: 'quit-requested', running: 1 }, { type: 'quit-requested', running: 1 }, { type: 'choice', choice: 'pause' }, { type: 'quit-requested', running: 1 }]);
    expect(r).toEqual({ state: 'stopping', effects: ['ask', 'stop-core'], prevents: [true, true, true, true] });
    expect(run([{ type: 'choice', choice: 'cancel' }], { name: 'background' }).state).toBe('background');
  });

  it('words the question with the number of jobs', () => {
    expect(quitDialog(1).message).toBe('1 job is training');
    const d = quitDialog(2);
    expect(d.message).toBe('2 jobs are training');
    expect(d.buttons).toEqual(['Keep training in the background', 'Pause and quit', 'Cancel']);
    expect(d.choices[d.cancelId]).toBe('cancel');
  });
});
