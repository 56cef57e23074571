import type { AppContext } from '../app.ts';
import type { CliIo } from './cli.ts';
import { startJobs } from '../jobs/index.ts';
import { setupLinkHook } from './commands/admin.ts';

/**
 * Things `serve` starts after the server is built (setup link, job worker, scheduler).
 * Each may return a stop function that graceful shutdown awaits.
 */
export type ServeHook = (ctx: AppContext, io: CliIo) => Promise<(() => Promise<void>) | void>;

/** The job worker and scheduler, unless configured off; stop() waits for the running job. */
const jobsHook: ServeHook = async (ctx) => (ctx.config.worker ? startJobs(ctx, { worker: { concurrency: ctx.config.jobConcurrency } }) : undefined);

export const serveHooks: ServeHook[] = [jobsHook, setupLinkHook];
