/**
 * The renderer's only bridge to native features. Business data never crosses here: the UI talks
 * to the core over the same HTTP API as the SDKs. Sandboxed preloads can require only 'electron'.
 */
import { contextBridge, ipcRenderer } from 'electron';

const api = {
  /** Opens an http(s) URL (e.g. an MLflow run) in the user's browser; main validates it. */
  openExternal: (url: string): Promise<void> => ipcRenderer.invoke('hone:open-external', String(url)),
  /** Shows a job's folder in the file manager. */
  revealJobFolder: (jobId: string): Promise<void> => ipcRenderer.invoke('hone:reveal-job', String(jobId)),
};

contextBridge.exposeInMainWorld('hone', api);
export type HoneDesktopApi = typeof api;
