import type { Command } from 'commander';
import { defaultJobRegistry, JOB_STATUSES, listJobs, retryJob, runDueJobs, tickScheduler } from '../../jobs/index.ts';
import { validation } from '../../kernel/app-error.ts';
import { cliActor } from '../../modules/audit/index.ts';
import { withApp, type CliIo } from '../cli.ts';

export const registerJobs = (program: Command, io: CliIo) => {
  const jobs = program.command('jobs').description('Background jobs: run what is due (for an external cron), list, retry.');

  jobs
    .command('run-due')
    .description('Enqueue due scheduled tasks and run every due job once, then exit.')
    .action(async () => {
      const result = await withApp(async (ctx) => {
        const registry = defaultJobRegistry();
        const { enqueued } = await tickScheduler(ctx, registry);
        return { scheduled: enqueued, ...(await runDueJobs(ctx, { registry })) };
      });
      if (io.json()) io.out(JSON.stringify(result));
      else {
        io.out(
          `Ran ${result.ran} job(s): ${result.done} done, ${result.retrying} to retry, ${result.failed} failed` +
            ` (${result.scheduled} scheduled task(s) enqueued, ${result.recovered} stuck job(s) recovered).`,
        );
      }
    });

  jobs
    .command('list')
    .description('List jobs, newest first.')
    .option('--status <status>', `only jobs with this status (${JOB_STATUSES.join(', ')})`)
    .option('--type <type>', 'only jobs of this type, e.g. mail.send')
    .option('--limit <n>', 'how many to show', '50')
    .action(async (opts: { status?: string; type?: string; limit: string }) => {
      if (opts.status && !(JOB_STATUSES as readonly string[]).includes(opts.status)) {
        throw validation(`--status must be one of ${JOB_STATUSES.join(', ')}; got "${opts.status}".`);
      }
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw validation(`--limit must be a whole number from 1 to 1000; got "${opts.limit}".`);
      const { items, total } = await withApp((ctx) =>
        listJobs(ctx.db, { status: opts.status, type: opts.type }, { offset: 0, limit, sort: { column: 'created_at', direction: 'desc' } }),
      );
      if (io.json()) return io.out(JSON.stringify({ items, total }));
      if (items.length === 0) return io.out('No jobs.');
      for (const j of items) {
        io.out(`${j.id}  ${j.type}  ${j.status}  attempts ${j.attempts}/${j.maxAttempts}  run at ${j.runAt}${j.lastError ? `  error: ${j.lastError}` : ''}`);
      }
      if (total > items.length) io.out(`(${items.length} of ${total} shown)`);
    });

  jobs
    .command('retry')
    .description('Put a failed job back in the queue to run now.')
    .argument('<id>', 'the job id (see `guildhall jobs list --status failed`)')
    .action(async (id: string) => {
      const job = await withApp((ctx) => retryJob(ctx, cliActor(), id));
      if (io.json()) io.out(JSON.stringify(job));
      else io.out(`Job ${job.id} will run again now (status ${job.status}).`);
    });
};
