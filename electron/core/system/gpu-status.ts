import type { GpuInventory } from '../../shared/schemas/jobs.js';
import type { CoreContext } from '../server/types.js';

/** The GPUs in the API's shape, each with the job holding it (shared by /v1/system/gpus, settings and the system status). */
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
      temperature_c: g.temperatureC ?? null,
      job_id: holder(g.index),
    })),
  };
}

/** `GET /v1/system/gpus`: the inventory, what runs where, and the queue with its reasons. */
export function gpuInventory(ctx: CoreContext): GpuInventory {
  const { inv, mode, data } = gpuList(ctx);
  const cpuHolder = [...inv.live].find(([, gpus]) => gpus.length === 0)?.[0] ?? null;
  return {
    object: 'list',
    mode,
    data,
    cpu_slot: { job_id: cpuHolder },
    queue: [...inv.waiting]
      .map(([job_id, w]) => ({ job_id, position: w.position, reason: w.reason, gpus: ctx.jobs.store.get(job_id)?.gpus ?? 0 }))
      .sort((a, b) => a.position - b.position),
  };
}
