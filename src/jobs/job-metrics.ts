import type { AppContext } from '../app.ts';
import { jobCountsByStatus } from './job-store.ts';

const registered = new WeakSet<object>();

/**
 * Queue depth by status, read from the database at each scrape. Runs, failures and scheduled
 * task durations are counted where they happen (run-jobs.ts, scheduler.ts).
 */
export const registerJobMetrics = (ctx: Pick<AppContext, 'db' | 'metrics'>): void => {
  if (registered.has(ctx.metrics)) return;
  registered.add(ctx.metrics);
  ctx.metrics.addCollector(async () => {
    const counts = await jobCountsByStatus(ctx.db);
    for (const [status, n] of Object.entries(counts)) {
      ctx.metrics.set('guildhall_jobs', 'Jobs in the queue by status.', { status }, n);
    }
  });
};
