/**
 * The IPC handlers for native features only (business data goes over HTTP). Every handler checks
 * its sender first — the frame's origin is the core's AND the webContents belongs to one of our
 * windows — then validates its arguments with zod; anything else is refused with an error.
 */
import { z } from 'zod';
import { isExternalUrl } from './window-security.js';

export const IPC = {
  session: 'hone:session',
  openExternal: 'hone:open-external',
  revealJob: 'hone:reveal-job',
} as const;

export interface InvokeEventLike {
  sender: unknown;
  senderFrame: { url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, fn: (e: InvokeEventLike, ...args: unknown[]) => unknown): void;
}

export interface IpcDeps {
  /** The core's origin (http://127.0.0.1:PORT), null while it is not up. */
  appOrigin(): string | null;
  isOurWindow(sender: unknown): boolean;
  /** The API key for the window (null: authentication off). */
  apiKey(): string | null;
  openInBrowser(url: string): Promise<void>;
  revealJob(id: string): void;
}

const Args = {
  [IPC.session]: z.tuple([]),
  [IPC.openExternal]: z.tuple([z.string().max(8192).refine(isExternalUrl, 'only http(s) URLs open outside the app')]),
  [IPC.revealJob]: z.tuple([z.string().regex(/^(ftjob|bench)-[A-Za-z0-9]{1,64}$/, 'not a job id')]),
};

export class IpcRefused extends Error {}

export function senderAllowed(e: InvokeEventLike, deps: Pick<IpcDeps, 'appOrigin' | 'isOurWindow'>): boolean {
  const origin = deps.appOrigin();
  if (!origin || !e.senderFrame || !deps.isOurWindow(e.sender)) return false;
  try {
    return new URL(e.senderFrame.url).origin === new URL(origin).origin;
  } catch {
    return false;
  }
}

export function registerIpc(ipcMain: IpcMainLike, deps: IpcDeps): void {
  const handle = <C extends keyof typeof Args>(channel: C, fn: (args: z.infer<(typeof Args)[C]>) => unknown) =>
    ipcMain.handle(channel, (e, ...raw) => {
      if (!senderAllowed(e, deps)) throw new IpcRefused(`${channel}: refused (not a Hone window)`);
      const args = Args[channel].safeParse(raw);
      if (!args.success) throw new IpcRefused(`${channel}: invalid arguments: ${args.error.issues.map((i) => i.message).join('; ')}`);
      return fn(args.data as z.infer<(typeof Args)[C]>);
    });
  handle(IPC.session, () => ({ key: deps.apiKey() }));
  handle(IPC.openExternal, ([url]) => deps.openInBrowser(url));
  handle(IPC.revealJob, ([id]) => deps.revealJob(id));
}
