import { GpuInventory } from '../../../shared/schemas/jobs.js';
import { ApiErrorBody } from '../../../shared/schemas/common.js';
import type { CoreContext, RouteModule } from '../types.js';

/** The GPUs in the API's shape, each with the job holding it (shared by /v1/system/gpus and settings). */
export function gpuList(ctx: CoreContext) {
  const inv = ctx.jobs.inventory();
  const holder = (gpu: number) => [...inv.live].find(([, gpus]) => gpus.includes(gpu))?.[0] ?? null;
  return {
    inv,
    mode: inv.gpus.length ? ('gpu' as const) : ('cpu' as const),
    data: inv.gpus.map((g) => ({
      index: g.index,
      uuid: g.uuid,
      name: g.name,
      memory_total_mib: g.memoryTotalMiB,
      memory_used_mib: g.memoryUsedMiB,
      utilization_percent: g.utilizationPercent,
      job_id: holder(g.index),
    })),
  };
}

/** `GET /v1/system/gpus`: the inventory, what runs where, and the queue with its reasons. */
export const systemRoutes: RouteModule = (app, ctx) => {
  app.get('/v1/system/gpus', { schema: { tags: ['system'], summary: 'GPU inventory and queue (Hone extension)', response: { 200: GpuInventory, 401: ApiErrorBody } } }, async () => {
    const { inv, mode, data } = gpuList(ctx);
    const cpuHolder = [...inv.live].find(([, gpus]) => gpus.length === 0)?.[0] ?? null;
    return {
      object: 'list' as const,
      mode,
      data,
      cpu_slot: { job_id: cpuHolder },
      queue: [...inv.waiting].map(([job_id, w]) => ({ job_id, position: w.position, reason: w.reason, gpus: ctx.jobs.store.get(job_id)?.gpus ?? 0 })),
    };
  });
};
