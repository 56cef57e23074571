import type { AppContext } from '../app.ts';
import { defaultJobRegistry } from './job-modules.ts';
import { registerJobMetrics } from './job-metrics.ts';
import type { JobRegistry } from './registry.ts';
import { Worker, startScheduler, type WorkerOptions } from './worker.ts';

/**
 * Starts the worker and the scheduler for `serve`. The returned stop takes no new work and
 * resolves when the running job has finished (graceful shutdown).
 */
export const startJobs = (ctx: AppContext, opts: { registry?: JobRegistry; worker?: WorkerOptions; schedulerIntervalMs?: number } = {}) => {
  const registry = opts.registry ?? defaultJobRegistry();
  registerJobMetrics(ctx);
  const scheduler = startScheduler(ctx, registry, { intervalMs: opts.schedulerIntervalMs });
  const worker = new Worker(ctx, registry, opts.worker).start();
  ctx.log.info({ workerId: worker.id, tasks: registry.tasks().map((t) => t.name) }, 'job worker and scheduler started');
  return async () => {
    await scheduler.stop();
    await worker.stop();
  };
};
