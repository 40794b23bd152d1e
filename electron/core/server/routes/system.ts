import { GpuInventory } from '../../../shared/schemas/jobs.js';
import { SystemStatus } from '../../../shared/schemas/system.js';
import { ApiErrorBody } from '../../../shared/schemas/common.js';
import { gpuInventory, gpuList } from '../../system/gpu-status.js';
import { systemMonitor } from '../../system/system-status.js';
import type { RouteModule } from '../types.js';

export { gpuList };

/**
 * `GET /v1/system/gpus` (the inventory, what runs where, the queue with its reasons) and
 * `GET /v1/hone/system` (that plus disk, MLflow and Python health: what the Overview shows).
 */
export const systemRoutes: RouteModule = (app, ctx) => {
  app.get('/v1/system/gpus', { schema: { tags: ['system'], summary: 'GPU inventory and queue (Hone extension)', response: { 200: GpuInventory, 401: ApiErrorBody } } }, async () =>
    gpuInventory(ctx),
  );
  app.get(
    '/v1/hone/system',
    {
      schema: {
        tags: ['hone'],
        summary: 'System status: GPUs, queue, free disk, MLflow and Python health, loaded inference workers (Hone extension)',
        description: 'The same object arrives as `system` events on `GET /v1/hone/live`.',
        response: { 200: SystemStatus, 401: ApiErrorBody },
      },
    },
    async () => ({ ...(await systemMonitor(ctx).status()), serving: ctx.serving.status().data }),
  );
};
