/**
 * Billing runs as records: start one in the background (a job, so the API answers at once and the
 * page polls progress), the daily scheduled run, and the list/get queries.
 */
import type { Kysely } from 'kysely';
import type { AppContext } from '../../app.ts';
import { toBigInt, toNumber } from '../../db/database.ts';
import type { BillingRunTable, DB } from '../../db/schema.ts';
import { notFound, validation } from '../../kernel/app-error.ts';
import { newId } from '../../kernel/ids.ts';
import { money, toDecimalString } from '../../kernel/money.ts';
import { enqueueJob } from '../../jobs/enqueue.ts';
import type { JobRegistry, ScheduledTaskDef } from '../../jobs/registry.ts';
import { recordAudit, systemActor, type Actor } from '../audit/index.ts';
import { getSetting, orgToday } from '../settings/index.ts';
import { checkAsOf, runBilling, type BillingDeps, type RunTotals } from './run-billing.ts';

export const BILLING_RUN_JOB = 'billing.run';

export interface BillingRun {
  id: string;
  kind: string;
  asOf: string;
  status: string;
  startedBy: string;
  startedAt: string;
  finishedAt: string | null;
  progress: { done: number; total: number };
  invoices: number;
  lines: number;
  total: { minor: string; amount: string; currency: string };
  summary: RunTotals | null;
  error: string | null;
}

const toRun = (r: BillingRunTable, currency: string): BillingRun => {
  let summary: RunTotals | null = null;
  try {
    summary = r.summary ? (JSON.parse(r.summary) as RunTotals) : null;
  } catch {
    summary = null;
  }
  const total = toBigInt(r.total_minor);
  return {
    id: r.id,
    kind: r.kind,
    asOf: r.as_of,
    status: r.status,
    startedBy: r.started_by,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    progress: { done: toNumber(r.progress_done), total: toNumber(r.progress_total) },
    invoices: toNumber(r.invoices),
    lines: toNumber(r.lines),
    total: { minor: total.toString(), amount: toDecimalString(money(total, currency)), currency },
    summary,
    error: r.error,
  };
};


/**
 * Queues a real run for `asOf` (default today) and returns its record at once; the worker runs it.
 * A run already queued or running for the same day is returned instead of a second one.
 */
export const startBillingRun = async (deps: BillingDeps, by: Actor, input: { asOf?: string }): Promise<BillingRun> => {
  const asOf = input.asOf ?? (await orgToday(deps.db, deps.clock));
  checkAsOf(asOf);
  const today = await orgToday(deps.db, deps.clock);
  if (asOf > today) throw validation(`A real run cannot bill a day that has not come (${asOf} is after today, ${today}); use a dry run to look ahead.`, { field: 'asOf' });
  const currency = await getSetting(deps.db, 'organization.currency');
  return deps.db.transaction().execute(async (tx) => {
    const busy = await tx.selectFrom('billing_run').selectAll().where('status', 'in', ['queued', 'running']).where('kind', '=', 'daily').where('as_of', '=', asOf).executeTakeFirst();
    if (busy) return toRun(busy, currency);
    const id = newId(deps.clock.now().getTime());
    const row: BillingRunTable = {
      id,
      kind: 'daily',
      as_of: asOf,
      status: 'queued',
      started_by: by.name ?? by.type,
      started_at: deps.clock.now().toISOString(),
      finished_at: null,
      progress_done: 0,
      progress_total: 0,
      invoices: 0,
      lines: 0,
      total_minor: 0,
      summary: null,
      error: null,
    };
    await tx.insertInto('billing_run').values(row).execute();
    await enqueueJob(tx, deps.clock, { type: BILLING_RUN_JOB, id: `billing-run:${id}`, payload: { runId: id, asOf, by }, maxAttempts: 3 });
    await recordAudit(tx, deps.clock, by, { entityType: 'billing_run', entityId: id, action: 'start', after: { asOf } });
    return toRun(row, currency);
  });
};

const billingRunJob = async (ctx: AppContext, payload: unknown) => {
  const { runId, asOf, by } = (payload ?? {}) as { runId?: string; asOf?: string; by?: Actor };
  if (!runId || !asOf) throw new Error('billing.run job without runId/asOf');
  await runBilling(ctx, by ?? systemActor, { asOf, runId });
};

/** Every morning at 05:00 (organization time) the day's run; a server that was off catches up. */
export const dailyBillingTask: ScheduledTaskDef = {
  name: 'billing.daily',
  cron: '0 5 * * *',
  handler: async (ctx) => {
    const asOf = await orgToday(ctx.db, ctx.clock);
    const result = await runBilling(ctx, systemActor, { asOf });
    ctx.log.info({ asOf, invoices: result.invoices, lines: result.lines, total: result.total.amount }, 'daily billing run done');
  },
};

export const registerBillingJobs = (registry: JobRegistry) => registry.handle(BILLING_RUN_JOB, billingRunJob).schedule(dailyBillingTask);

export const getBillingRun = async (db: Kysely<DB>, id: string): Promise<BillingRun> => {
  const row = await db.selectFrom('billing_run').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`There is no billing run ${id}.`);
  return toRun(row, await getSetting(db, 'organization.currency'));
};

export const listBillingRuns = async (db: Kysely<DB>, q: { page: number; pageSize: number }): Promise<{ items: BillingRun[]; page: number; pageSize: number; total: number }> => {
  const currency = await getSetting(db, 'organization.currency');
  const [rows, count] = await Promise.all([
    db.selectFrom('billing_run').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute(),
    db.selectFrom('billing_run').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst(),
  ]);
  return { items: rows.map((r) => toRun(r, currency)), page: q.page, pageSize: q.pageSize, total: toNumber(count?.n) };
};
