import type { AppContext } from '../app.ts';
import type { ScheduledTaskDef } from './registry.ts';

const DAY_MS = 24 * 60 * 60_000;

/**
 * Deletes rows that have served their purpose: ended sessions, used or expired one-time links,
 * idempotency keys older than a day (retries come within minutes), finished jobs after 30 days
 * (failed ones stay until staff deal with them).
 */
export const runHousekeeping = async (ctx: AppContext) => {
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const idleCutoff = new Date(now.getTime() - ctx.config.sessionIdleMinutes * 60_000).toISOString();
  const sessions = await ctx.db
    .deleteFrom('staff_session')
    .where((eb) => eb.or([eb('expires_at', '<', nowIso), eb('last_seen_at', '<', idleCutoff)]))
    .executeTakeFirst();
  const tokens = await ctx.db
    .deleteFrom('one_time_token')
    .where((eb) => eb.or([eb('used_at', 'is not', null), eb('expires_at', '<', nowIso)]))
    .executeTakeFirst();
  const idempotencyKeys = await ctx.db
    .deleteFrom('idempotency_key')
    .where('created_at', '<', new Date(now.getTime() - DAY_MS).toISOString())
    .executeTakeFirst();
  const jobs = await ctx.db
    .deleteFrom('job')
    .where('status', '=', 'done')
    .where('finished_at', '<', new Date(now.getTime() - 30 * DAY_MS).toISOString())
    .executeTakeFirst();
  const deleted = {
    sessions: Number(sessions.numDeletedRows),
    oneTimeTokens: Number(tokens.numDeletedRows),
    idempotencyKeys: Number(idempotencyKeys.numDeletedRows),
    jobs: Number(jobs.numDeletedRows),
  };
  ctx.log.info({ deleted }, 'housekeeping done');
  return deleted;
};

export const housekeepingTask: ScheduledTaskDef = {
  name: 'housekeeping',
  // Every night at 03:15 in the organization's time zone, away from the busy hours.
  cron: '15 3 * * *',
  handler: async (ctx) => {
    await runHousekeeping(ctx);
  },
};
