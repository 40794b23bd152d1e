/**
 * The renderer's only bridge to native features. Business data never crosses here: the UI talks
 * to the core over the same HTTP API as the SDKs. Sandboxed preloads can require only 'electron'.
 * Main checks every call's sender (frame origin and window) and validates its arguments.
 */
import { contextBridge, ipcRenderer } from 'electron';

const api = {
  /** The API key for this window, handed over without a URL (renderer/src/api/session.ts stores it). */
  session: (): Promise<{ key: string | null }> => ipcRenderer.invoke('hone:session'),
  /** Opens an http(s) URL (e.g. an MLflow run) in the user's browser. */
  openExternal: (url: string): Promise<void> => ipcRenderer.invoke('hone:open-external', String(url)),
  /** Shows a job's folder in the file manager. */
  revealJobFolder: (jobId: string): Promise<void> => ipcRenderer.invoke('hone:reveal-job', String(jobId)),
};

contextBridge.exposeInMainWorld('hone', api);
export type HoneDesktopApi = typeof api;
