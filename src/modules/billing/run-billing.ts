/**
 * The billing run (seed 004 §3.1): finds every payer with something due on `asOf`, plans each
 * subscription, recurring charge and queued charge (pure, plan.ts), and writes one invoice per payer
 * together with the moved cursors, in batches of payers, each batch one transaction.
 *
 * Exactly once: a batch re-reads its rows after taking the run lock, so a second run (another
 * process, or a rerun after a crash) finds the cursors already moved and bills nothing twice; and
 * every line carries a unique charge key as the last line of defence. Catch-up is the schedule's:
 * a payer whose rows were not run for months gets every missed term, in order, on one invoice.
 */
import { type Kysely } from 'kysely';
import { lockResource, toNumber, withoutForeignKeyChecks, type Database, type DatabaseTarget } from '../../db/database.ts';
import { insertRows, updateRows } from '../../db/bulk.ts';
import type { DB } from '../../db/schema.ts';
import { validation } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { addMonthsAnchored, isIsoDate, parseDate } from '../../kernel/dates.ts';
import { newId } from '../../kernel/ids.ts';
import { money, toDecimalString } from '../../kernel/money.ts';
import { recordAudit, type Actor } from '../audit/index.ts';
import { issueNewInvoices } from '../invoices/index.ts';
import { queueFirstSendings } from '../documents/index.ts';
import { applyCustomerCreditInTx } from '../payments/index.ts';
import { getSetting, orgToday } from '../settings/index.ts';
import { recordSubscriptionEvents } from '../subscriptions/index.ts';
import { itemKey, loadCatalogSnapshot, type CatalogSnapshot } from './catalog-snapshot.ts';
import type { PlanContext, SubscriptionUpdate } from './plan.ts';
import { countDuePayers, planBatch, planContext, type BatchPlan, type PlannerSetup } from './plan-batch.ts';
import { batchSource, type PlanningStats } from './plan-ahead.ts';

export interface BillingDeps {
  db: Database;
  clock: Clock;
  /** Where the database is (the app's config): on a SQLite file a worker thread plans batches ahead (plan-ahead.ts). */
  config?: { database: DatabaseTarget };
}

export type RunKind = 'daily' | 'cycle';

export interface RunOptions {
  /** The day billed, YYYY-MM-DD. */
  asOf: string;
  kind?: RunKind;
  dryRun?: boolean;
  /** Payers per transaction. */
  batchSize?: number;
  /** Dry run: how many payers to return in detail (all are counted). */
  previewLimit?: number;
  /** Fill this billing_run row (made by `startBillingRun`); otherwise a new row is made. */
  runId?: string;
  /** Cycle runs: only subscriptions of these items (yearly ones). */
  onlyItems?: ReadonlySet<string>;
  /** Plan batches ahead in a worker thread where that can help (plan-ahead.ts); default true. */
  planAhead?: boolean;
  /** After each batch is committed; a promise returned is waited for before the next batch. */
  onProgress?: (done: number, total: number) => void | Promise<void>;
}

export interface AmountOut {
  minor: string;
  amount: string;
  currency: string;
}

export interface RunTotals {
  payers: number;
  invoices: number;
  lines: number;
  total: AmountOut;
  /** subscription | usage | recurring | charge → lines and net amount. */
  bySource: Record<string, { lines: number; amount: AmountOut }>;
  /** Per catalog item (fees and usage), by code. */
  byItem: { itemType: string; code: string; name: string; lines: number; amount: AmountOut }[];
  conversions: number;
  endings: number;
}

export interface PayerPreview {
  payerId: string;
  payerName: string;
  total: AmountOut;
  lines: { chargeKey: string; description: string; quantity: string; unitPrice: AmountOut; amount: AmountOut; periodStart: string | null; periodEnd: string | null; source: string }[];
}

export interface RunResult extends RunTotals {
  runId: string | null;
  asOf: string;
  kind: RunKind;
  dryRun: boolean;
  status: 'done' | 'failed';
  preview?: PayerPreview[];
  /** How the batches were planned: ahead by the worker thread, or under the lock. */
  planning?: PlanningStats;
}

const actorName = (by: Actor): string => by.name ?? by.type;

const amountOut = (minor: bigint, currency: string): AmountOut => ({ minor: minor.toString(), amount: toDecimalString(money(minor, currency)), currency });

// ---- writing ----

const writeUpdates = (tx: Kysely<DB>, updates: SubscriptionUpdate[], now: string) =>
  updateRows(
    tx,
    'subscription',
    'id',
    ['status', 'fee_cursor', 'usage_cursor', 'end_date', 'start_date', 'anchor_day', 'next_due', 'updated_at'],
    updates.map((u) => [u.id, u.status, u.feeCursor, u.usageCursor, u.endDate, u.startDate, u.anchorDay, u.nextDue, now]),
    { casts: { anchor_day: 'integer' }, extra: 'version = version + 1' },
  );

const SUBSCRIPTION_COLUMNS = [
  'id', 'contact_id', 'payer_id', 'item_type', 'item_id', 'quantity', 'status', 'start_date', 'anchor_day', 'end_date', 'disconnect_date', 'auto_renew',
  'fee_cursor', 'usage_cursor', 'next_due', 'follows_id', 'replaces_id', 'version', 'created_at', 'updated_at',
] as const;

interface BatchWritten {
  invoices: number;
  lines: number;
}

interface WriteContext {
  runId: string;
  kind: RunKind;
  asOf: string;
  /** Setting billing.send_after_run, read once per run. */
  send: boolean;
}

const writeBatch = async (tx: Kysely<DB>, deps: BillingDeps, by: Actor, w: WriteContext, plan: BatchPlan): Promise<BatchWritten> => {
  const { runId, kind, asOf } = w;
  const now = deps.clock.now().toISOString();
  const issued = plan.invoices.length
    ? await issueNewInvoices(tx, { clock: deps.clock }, {
        origin: kind === 'cycle' ? 'cycle' : 'run',
        billingRunId: runId,
        issueDate: asOf,
        createdBy: actorName(by),
        invoices: plan.invoices,
        firstSending: w.send,
        payers: plan.ahead?.payers,
      })
    : [];
  const invoiceOf = new Map(issued.map((i) => [i.payerId, i.id]));
  await writeUpdates(tx, plan.updates, now);
  await insertRows(
    tx,
    'subscription',
    SUBSCRIPTION_COLUMNS,
    plan.created.map((s) => [
      s.id, s.contactId, s.payerId, s.itemType, s.itemId, s.quantity, s.status, s.startDate, s.anchorDay, s.endDate, s.disconnectDate, s.autoRenew ? 1 : 0,
      s.feeCursor, s.usageCursor, s.nextDue, s.followsId, s.replacesId ?? null, 1, now, now,
    ]),
  );
  await recordSubscriptionEvents(tx, deps.clock, plan.events);
  await updateRows(tx, 'recurring_charge', 'id', ['cursor', 'next_due', 'updated_at'], plan.recurring.map((r) => [r.id, r.cursor, r.nextDue, now]));
  await updateRows(
    tx,
    'queued_charge',
    'id',
    ['invoice_id'],
    [...plan.queuedByPayer].flatMap(([payerId, ids]) => (invoiceOf.has(payerId) ? ids.map((id) => [id, invoiceOf.get(payerId)!]) : [])),
  );
  // Customer credit pays what it can of the new invoices (a payer busy in another transaction waits for its next invoice).
  if (issued.length) await applyCustomerCreditInTx(tx, deps, { actor: by }, issued.map((i) => i.payerId), { date: asOf, tryLocks: true, candidates: plan.ahead?.creditCandidates });
  // Each new invoice's first sending, by e-mail or for print as the payer prefers (setting billing.send_after_run).
  if (w.send && issued.length) await queueFirstSendings(tx, deps.clock, actorName(by), issued.map((i) => i.id));
  const lines = plan.invoices.reduce((n, i) => n + i.lines.length, 0);
  if (issued.length || plan.events.length) {
    await recordAudit(tx, deps.clock, by, {
      entityType: 'billing_run',
      entityId: runId,
      action: 'bill',
      after: { asOf, invoices: issued.length, lines, numbers: issued.length ? [toNumber(issued[0]!.number), toNumber(issued[issued.length - 1]!.number)] : [], statusChanges: plan.events.length },
    });
  }
  return { invoices: issued.length, lines };
};

// ---- the run ----

/** Adds a batch to the run's totals: summed as bigints per batch, written out as amounts once per key and batch (not per line). */
const tally = (totals: RunTotals, plan: BatchPlan, ctx: PlanContext, catalog: CatalogSnapshot) => {
  const cur = ctx.currency;
  totals.invoices += plan.invoices.length;
  totals.conversions += plan.conversions;
  totals.endings += plan.endings;
  let sum = 0n;
  const bySource = new Map<string, { lines: number; minor: bigint }>();
  const byItem = new Map<string, { itemType: string; code: string; name: string; lines: number; minor: bigint }>();
  for (const inv of plan.invoices) {
    for (const l of inv.lines) {
      totals.lines++;
      sum += l.netMinor;
      const s = bySource.get(l.source) ?? { lines: 0, minor: 0n };
      s.lines++;
      s.minor += l.netMinor;
      bySource.set(l.source, s);
      if (l.itemType && l.itemId) {
        const item = catalog.get(itemKey(l.itemType, l.itemId));
        const key = `${l.itemType}:${item?.code ?? l.itemId}`;
        const b = byItem.get(key) ?? { itemType: l.itemType, code: item?.code ?? l.itemId, name: item?.name ?? l.itemId, lines: 0, minor: 0n };
        b.lines++;
        b.minor += l.netMinor;
        byItem.set(key, b);
      }
    }
  }
  totals.total = amountOut(BigInt(totals.total.minor) + sum, cur);
  for (const [source, t] of bySource) {
    const s = (totals.bySource[source] ??= { lines: 0, amount: amountOut(0n, cur) });
    s.lines += t.lines;
    s.amount = amountOut(BigInt(s.amount.minor) + t.minor, cur);
  }
  const items = new Map(totals.byItem.map((b) => [`${b.itemType}:${b.code}`, b]));
  for (const [key, t] of byItem) {
    const b = items.get(key) ?? { itemType: t.itemType, code: t.code, name: t.name, lines: 0, amount: amountOut(0n, cur) };
    b.lines += t.lines;
    b.amount = amountOut(BigInt(b.amount.minor) + t.minor, cur);
    items.set(key, b);
  }
  totals.byItem = [...items.values()].sort((a, b) => a.code.localeCompare(b.code));
};

export const checkAsOf = (asOf: string): void => {
  if (!isIsoDate(asOf)) throw validation(`The billing date must be written YYYY-MM-DD, like 2026-03-01, not "${asOf}".`, { field: 'asOf' });
};

/**
 * Runs (or, with `dryRun`, previews) billing for `asOf`. A real run records a billing_run row with
 * progress and a summary; a failure marks it failed and leaves every committed batch in place, so
 * running again continues where it stopped.
 */
export const runBilling = async (deps: BillingDeps, by: Actor, opts: RunOptions): Promise<RunResult> => {
  checkAsOf(opts.asOf);
  const kind = opts.kind ?? 'daily';
  const dryRun = !!opts.dryRun;
  const batchSize = Math.max(1, Math.min(opts.batchSize ?? 500, 5000));
  const previewLimit = opts.previewLimit ?? 200;
  const catalog = await loadCatalogSnapshot(deps.db);
  const currency = await getSetting(deps.db, 'organization.currency');
  const setup: PlannerSetup = {
    asOf: opts.asOf,
    batchSize,
    onlyItems: opts.onlyItems ? [...opts.onlyItems] : null,
    currency,
    miscSalesAccount: await getSetting(deps.db, 'ledger.misc_sales_account'),
    feesOnly: kind === 'cycle',
  };
  const ctx = planContext(setup, catalog, () => deps.clock.now().getTime());
  // Setting billing.send_after_run: each invoice the run issues is written as sent once and its first sending queued.
  const send = await getSetting(deps.db, 'billing.send_after_run');
  const total = await countDuePayers(deps.db, opts.asOf, opts.onlyItems);
  const totals: RunTotals = { payers: 0, invoices: 0, lines: 0, total: amountOut(0n, currency), bySource: {}, byItem: [], conversions: 0, endings: 0 };
  const preview: PayerPreview[] = [];

  let runId: string | null = null;
  if (!dryRun) {
    runId = opts.runId ?? newId(deps.clock.now().getTime());
    const started = { status: 'running', progress_total: total, progress_done: 0, started_at: deps.clock.now().toISOString() };
    if (opts.runId) await deps.db.updateTable('billing_run').set(started).where('id', '=', runId).execute();
    else await deps.db.insertInto('billing_run').values({ id: runId, kind, as_of: opts.asOf, started_by: actorName(by), invoices: 0, lines: 0, total_minor: 0, ...started }).execute();
  }

  const source = await batchSource(deps.db, {
    target: deps.config?.database,
    planAhead: !dryRun && opts.planAhead !== false,
    setup,
    catalog,
    totalPayers: total,
    now: () => deps.clock.now().getTime(),
  });
  let done = 0;
  try {
    for (;;) {
      const batch = await source.next();
      if (!batch) break;
      const { due } = batch;
      const { payers } = due;
      if (dryRun) {
        const plan = await planBatch(deps.db, due, ctx, opts.onlyItems);
        tally(totals, plan, ctx, catalog);
        if (preview.length < previewLimit) await addPreview(deps.db, preview, plan, previewLimit, currency);
      } else {
        // Every reference a batch writes is to a row it has read or written itself under the lock
        // (payers, its invoices and entries, accounts postEntries checks, its subscriptions): SQLite's
        // per-row foreign-key lookups would repeat those checks (withoutForeignKeyChecks).
        await withoutForeignKeyChecks(deps.db, (db) =>
          db.transaction().execute(async (tx) => {
            await lockResource(tx, 'billing-run');
            // A plan made ahead stands if nothing else has written since it was asked for; otherwise
            // re-read under the lock: another run may have billed these payers meanwhile.
            const plan = (await source.planStands(tx, batch)) ?? (await planBatch(tx, due, ctx, opts.onlyItems));
            await writeBatch(tx, deps, by, { runId: runId!, kind, asOf: opts.asOf, send }, plan);
            tally(totals, plan, ctx, catalog);
            await tx
              .updateTable('billing_run')
              .set({ progress_done: done + payers.length, invoices: totals.invoices, lines: totals.lines, total_minor: totals.total.minor })
              .where('id', '=', runId!)
              .execute();
            await source.written(tx);
          }),
        );
      }
      done += payers.length;
      totals.payers = done;
      await opts.onProgress?.(done, Math.max(total, done));
      // SQLite answers synchronously: let timers and requests (progress polls) in between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } catch (err) {
    if (runId) {
      await deps.db
        .updateTable('billing_run')
        .set({ status: 'failed', finished_at: deps.clock.now().toISOString(), error: err instanceof Error ? err.message : String(err), summary: JSON.stringify(totals) })
        .where('id', '=', runId)
        .execute();
    }
    throw err;
  } finally {
    await source.close();
  }
  if (runId) {
    await deps.db
      .updateTable('billing_run')
      .set({ status: 'done', finished_at: deps.clock.now().toISOString(), progress_done: done, progress_total: Math.max(total, done), invoices: totals.invoices, lines: totals.lines, total_minor: totals.total.minor, summary: JSON.stringify(totals) })
      .where('id', '=', runId)
      .execute();
  }
  return { runId, asOf: opts.asOf, kind, dryRun, status: 'done', ...totals, ...(dryRun ? { preview } : { planning: source.stats }) };
};

const addPreview = async (db: Kysely<DB>, preview: PayerPreview[], plan: BatchPlan, limit: number, currency: string) => {
  const take = plan.invoices.slice(0, Math.max(0, limit - preview.length));
  if (!take.length) return;
  const names = new Map(
    (await db.selectFrom('contact').select(['id', 'display_name']).where('id', 'in', take.map((i) => i.payerId)).execute()).map((c) => [c.id, c.display_name]),
  );
  for (const inv of take) {
    preview.push({
      payerId: inv.payerId,
      payerName: names.get(inv.payerId) ?? inv.payerId,
      total: amountOut(inv.lines.reduce((s, l) => s + l.netMinor, 0n), currency),
      lines: inv.lines.map((l) => ({
        chargeKey: l.chargeKey ?? '',
        description: l.description,
        quantity: l.quantity,
        unitPrice: amountOut(l.unitPriceMinor, currency),
        amount: amountOut(l.netMinor, currency),
        periodStart: l.periodStart,
        periodEnd: l.periodEnd,
        source: l.source,
      })),
    });
  }
};

// ---- the annual cycle (seed 002 geninvoices) ----

export interface CycleOptions {
  /** First day of the cycle; default 1 January of next year. */
  periodStart?: string;
  dryRun?: boolean;
  batchSize?: number;
  previewLimit?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Invoices every yearly subscription whose next term starts before the cycle ends ("all active
 * users whose expiry is before the cycle end"): membership by class and each yearly service at its
 * price. A cycle ending more than 16 months from today is refused, and each cycle opens once.
 * The charge keys are the daily run's, so the daily run will not bill those terms again.
 */
export const openBillingCycle = async (deps: BillingDeps, by: Actor, opts: CycleOptions): Promise<RunResult & { periodStart: string; periodEnd: string }> => {
  const today = parseDate(await orgToday(deps.db, deps.clock));
  const periodStart = opts.periodStart ?? today.with({ year: today.year + 1, month: 1, day: 1 }).toString();
  checkAsOf(periodStart);
  const start = parseDate(periodStart);
  const end = addMonthsAnchored(start, 12, start.day);
  const limit = addMonthsAnchored(today, 16, today.day);
  if (end.toString() > limit.toString()) {
    throw validation(
      `The cycle ${periodStart} – ${end.subtract({ days: 1 }).toString()} ends more than 16 months from today (${today.toString()}); it cannot be opened yet. This guard keeps a year from being billed twice.`,
      { field: 'periodStart' },
    );
  }
  const existing = await deps.db.selectFrom('billing_cycle').select(['id', 'created_at']).where('period_start', '=', periodStart).executeTakeFirst();
  if (existing && !opts.dryRun) throw validation(`The cycle starting ${periodStart} was opened on ${existing.created_at.slice(0, 10)}; it cannot be opened twice.`, { field: 'periodStart' });
  const catalog = await loadCatalogSnapshot(deps.db);
  const yearly = new Set([...catalog.values()].filter((i) => i.frequency === 'year').map((i) => itemKey(i.itemType, i.id)));
  const asOf = end.subtract({ days: 1 }).toString();
  let runId: string | undefined;
  if (!opts.dryRun) {
    runId = newId(deps.clock.now().getTime());
    const now = deps.clock.now().toISOString();
    try {
      await deps.db.transaction().execute(async (tx) => {
        await tx.insertInto('billing_cycle').values({ id: newId(deps.clock.now().getTime()), period_start: periodStart, period_end: end.toString(), run_id: runId!, opened_by: actorName(by), created_at: now }).execute();
        await tx.insertInto('billing_run').values({ id: runId!, kind: 'cycle', as_of: asOf, status: 'running', started_by: actorName(by), started_at: now, progress_total: 0, progress_done: 0, invoices: 0, lines: 0, total_minor: 0 }).execute();
        await recordAudit(tx, deps.clock, by, { entityType: 'billing_run', entityId: runId!, action: 'open_cycle', after: { periodStart, periodEnd: end.toString() } });
      });
    } catch (err) {
      // Two volunteers at once: the unique period_start lets one through.
      const again = await deps.db.selectFrom('billing_cycle').select('id').where('period_start', '=', periodStart).executeTakeFirst();
      if (again) throw validation(`The cycle starting ${periodStart} has just been opened by someone else.`, { field: 'periodStart' });
      throw err;
    }
  }
  const result = await runBilling(deps, by, {
    asOf,
    kind: 'cycle',
    dryRun: opts.dryRun,
    runId,
    onlyItems: yearly,
    batchSize: opts.batchSize,
    previewLimit: opts.previewLimit,
    onProgress: opts.onProgress,
  });
  return { ...result, periodStart, periodEnd: end.toString() };
};
