/** Keyboard undo/redo and the guard against leaving with unsaved edits, for the editor. */
import { useEffect } from 'react';
import { useBlocker } from 'react-router';
import { useSession } from './model/session';

/** Ctrl/Cmd+Z and Shift+Ctrl/Cmd+Z (CodeMirror keeps its own history inside the raw editor). */
export function useUndoRedoKeys(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== 'z') return;
      if ((e.target as HTMLElement | null)?.closest?.('.cm-editor')) return;
      e.preventDefault();
      if (e.shiftKey) useSession.getState().redo();
      else useSession.getState().undo();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/** Asks before in-app navigation and before closing/reloading the tab while `dirty`. */
export function useLeaveGuard(dirty: boolean) {
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (!dirty) return;
    const h = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', h);
    return () => window.removeEventListener('beforeunload', h);
  }, [dirty]);
  return blocker;
}
