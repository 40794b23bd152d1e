import { z } from 'zod';

/**
 * Messages between Electron's main process and the core running in its utilityProcess
 * (`electron/core/utility.ts`), and the shell's own small files. Both sides parse with these.
 */

/** What the tray shows: counts plus the running and queued jobs with their progress (0..1, null unknown). */
export const QueueSummary = z.object({
  running: z.number().int().min(0),
  queued: z.number().int().min(0),
  items: z.array(
    z.object({
      id: z.string(),
      model: z.string(),
      status: z.string(),
      progress: z.number().min(0).max(1).nullable(),
    }),
  ),
});
export type QueueSummary = z.infer<typeof QueueSummary>;

/** A fine-tuning job or a benchmark reached a terminal status (for the desktop notification). */
export const JobEnded = z.object({
  id: z.string(),
  kind: z.enum(['job', 'benchmark']),
  model: z.string(),
  status: z.enum(['succeeded', 'failed', 'cancelled']),
  fine_tuned_model: z.string().nullable(),
});
export type JobEnded = z.infer<typeof JobEnded>;

export const CoreMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), url: z.string().url(), key: z.string().nullable(), dataDir: z.string() }),
  z.object({ type: z.literal('queue'), summary: QueueSummary }),
  z.object({ type: z.literal('job-ended'), job: JobEnded }),
  /** Sent once the core closed after a shutdown request, just before it exits. */
  z.object({ type: z.literal('stopped'), mode: z.enum(['pause', 'detach']) }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type CoreMessage = z.infer<typeof CoreMessage>;

/** pause: checkpoint running trainers, queued again at the next start; detach: leave them running. */
export const ShutdownMode = z.enum(['pause', 'detach']);
export type ShutdownMode = z.infer<typeof ShutdownMode>;

export const MainMessage = z.discriminatedUnion('type', [z.object({ type: z.literal('shutdown'), mode: ShutdownMode })]);
export type MainMessage = z.infer<typeof MainMessage>;

/** The window's bounds and maximized state, kept in userData/window-state.json. */
export const WindowState = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(16384),
  height: z.number().int().min(300).max(16384),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof WindowState>;
