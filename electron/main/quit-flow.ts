/**
 * Quitting while jobs run, as a pure state machine: the shell feeds it events (quit asked for,
 * the last window closing, the user's choice, the core stopped) and performs the effects it
 * returns. "Keep training in the background" closes the windows and leaves the core and the tray;
 * "Pause and quit" has the core checkpoint its trainers (queued again at the next start).
 */
export type QuitChoice = 'keep' | 'pause' | 'cancel';

export type QuitState =
  | { name: 'open' } // window(s) shown
  | { name: 'background' } // windows closed, core and tray running
  | { name: 'asking'; from: 'open' | 'background'; trigger: 'quit' | 'close-window' }
  | { name: 'stopping' } // core asked to pause and exit
  | { name: 'done' };

export type QuitEvent =
  | { type: 'quit-requested'; running: number }
  | { type: 'last-window-closing'; running: number }
  | { type: 'window-opened' }
  | { type: 'choice'; choice: QuitChoice }
  | { type: 'core-stopped' };

export type QuitEffect =
  | { type: 'ask'; running: number }
  | { type: 'close-windows' }
  /** Let the window's close go ahead (it was held while asking). */
  | { type: 'allow-close' }
  | { type: 'stop-core'; mode: 'pause' }
  | { type: 'exit' };

export interface QuitStep {
  state: QuitState;
  effects: QuitEffect[];
  /** For a window 'close' or app 'before-quit' event: whether to preventDefault it. */
  prevent: boolean;
}

export const initialQuitState: QuitState = { name: 'open' };

const stop = (): QuitStep => ({ state: { name: 'stopping' }, effects: [{ type: 'stop-core', mode: 'pause' }], prevent: true });

export function quitStep(state: QuitState, event: QuitEvent): QuitStep {
  const stay = (prevent = false): QuitStep => ({ state, effects: [], prevent });
  switch (state.name) {
    case 'open':
    case 'background':
      if (event.type === 'window-opened') return { state: { name: 'open' }, effects: [], prevent: false };
      if (event.type === 'quit-requested' || event.type === 'last-window-closing') {
        // Nothing running: a last window closing is an ordinary quit (the tray is no reason to stay).
        if (event.running === 0) return stop();
        const trigger = event.type === 'quit-requested' ? 'quit' : 'close-window';
        return { state: { name: 'asking', from: state.name, trigger }, effects: [{ type: 'ask', running: event.running }], prevent: true };
      }
      return stay();
    case 'asking':
      if (event.type === 'choice') {
        if (event.choice === 'pause') return stop();
        if (event.choice === 'keep') {
          const effects: QuitEffect[] = state.trigger === 'close-window' ? [{ type: 'allow-close' }] : [{ type: 'close-windows' }];
          return { state: { name: 'background' }, effects, prevent: true };
        }
        return { state: { name: state.from }, effects: [], prevent: true };
      }
      // A second quit or close while the dialog is up waits for the answer.
      return stay(event.type !== 'core-stopped' && event.type !== 'window-opened');
    case 'stopping':
      if (event.type === 'core-stopped') return { state: { name: 'done' }, effects: [{ type: 'exit' }], prevent: false };
      return stay(true);
    case 'done':
      return stay(false);
  }
}

/** The question, as the dialog shows it. */
export function quitDialog(running: number): { message: string; detail: string; buttons: string[]; choices: QuitChoice[]; defaultId: number; cancelId: number } {
  return {
    message: running === 1 ? '1 job is training' : `${running} jobs are training`,
    detail:
      'Keep training in the background: Hone closes its window and keeps the jobs running (the tray icon shows them; open Hone again to return). ' +
      'Pause and quit: each job saves a checkpoint and is queued again the next time Hone starts.',
    buttons: ['Keep training in the background', 'Pause and quit', 'Cancel'],
    choices: ['keep', 'pause', 'cancel'],
    defaultId: 0,
    cancelId: 2,
  };
}
