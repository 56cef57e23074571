/**
 * What a billing batch reads and plans, apart from writing it: which payers have something due
 * (keyset pages of payers), and each payer's due subscriptions, recurring and queued charges and
 * usage turned into invoices, cursor moves and status events (plan.ts, pure). The run plans a batch
 * here either under its lock or ahead, in a worker thread with a connection of its own (plan-ahead.ts).
 */
import { sql, type Kysely } from 'kysely';
import { toNumber } from '../../db/database.ts';
import type { DB, SubscriptionTable } from '../../db/schema.ts';
import { validation } from '../../kernel/app-error.ts';
import type { NewInvoice, PayerSnapshot } from '../invoices/index.ts';
import { toQueued, toRecurring, toSubscription } from '../subscriptions/index.ts';
import { parseDate } from '../../kernel/dates.ts';
import { newId } from '../../kernel/ids.ts';
import { itemKey, type CatalogSnapshot } from './catalog-snapshot.ts';
import { planQueued, planRecurring, planSubscription, type PlanContext, type PlannedLine, type StatusEvent, type SubscriptionRow, type SubscriptionUpdate } from './plan.ts';

const toSubscriptionRow = (r: SubscriptionTable & { campaign_code?: string | null }): SubscriptionRow => ({ ...toSubscription(r), campaignCode: r.campaign_code ?? null });

/**
 * Where a payer can have something due on `asOf`, as (table, condition) pairs: subscriptions, and
 * (except in the annual cycle, which bills only the given items) recurring and queued charges.
 */
const dueSources = (asOf: string, only: ReadonlySet<string> | undefined) => {
  const items = only ? sql` and (item_type || ':' || item_id) in (${sql.join([...only].map((k) => sql`${k}`))})` : sql``;
  return [
    { table: sql.table('subscription'), flags: '0 as r, 0 as q', where: sql`next_due <= ${asOf}${items}` },
    ...(only
      ? []
      : [
          { table: sql.table('recurring_charge'), flags: '1 as r, 0 as q', where: sql`next_due <= ${asOf} and archived = 0` },
          { table: sql.table('queued_charge'), flags: '0 as r, 1 as q', where: sql`invoice_id is null and cancelled = 0 and charge_date <= ${asOf}` },
        ]),
  ];
};

/** What planning a run's batches needs besides the catalog (the planner thread gets it as it is). */
export interface PlannerSetup {
  asOf: string;
  batchSize: number;
  /** Cycle runs: only subscriptions of these items. */
  onlyItems: string[] | null;
  currency: string;
  miscSalesAccount: string;
  feesOnly: boolean;
}

/** The context the pure planning gets: the catalog, and new ids stamped with the run's clock. */
export const planContext = (setup: PlannerSetup, catalog: CatalogSnapshot, nowMs: () => number): PlanContext => ({
  asOf: parseDate(setup.asOf),
  currency: setup.currency,
  miscSalesAccount: setup.miscSalesAccount,
  item: (t, id) => catalog.get(itemKey(t, id)),
  newId: () => newId(nowMs()),
  feesOnly: setup.feesOnly,
});

/** A batch of payers with something due, and which of them have recurring or queued charges due. */
export interface DuePayers {
  payers: string[];
  recurring: string[];
  queued: string[];
}

/**
 * The next `limit` payers after `after` (keyset) that have anything due on `asOf`, each with the
 * sources it has something due in: most payers have only subscriptions, and a batch then skips
 * looking up 500 payers in the recurring and queued charges for the handful that have any.
 */
export const duePayers = async (db: Kysely<DB>, asOf: string, after: string, limit: number, only: ReadonlySet<string> | undefined): Promise<DuePayers> => {
  // Each source walks its (payer_id, …) index from the cursor and stops at `limit`.
  const branches = dueSources(asOf, only).map(
    ({ table, flags, where }) => sql`select payer_id, ${sql.raw(flags)} from (select distinct payer_id from ${table} where payer_id > ${after} and ${where} order by payer_id limit ${limit}) d`,
  );
  const { rows } = await sql<{ payer_id: string; r: number | string; q: number | string }>`select payer_id, max(r) as r, max(q) as q from (${sql.join(branches, sql` union all `)}) u
    group by payer_id order by payer_id limit ${limit}`.execute(db);
  return {
    payers: rows.map((r) => r.payer_id),
    recurring: rows.filter((r) => toNumber(r.r) > 0).map((r) => r.payer_id),
    queued: rows.filter((r) => toNumber(r.q) > 0).map((r) => r.payer_id),
  };
};

export const countDuePayers = async (db: Kysely<DB>, asOf: string, only: ReadonlySet<string> | undefined): Promise<number> => {
  const branches = dueSources(asOf, only).map(({ table, where }) => sql`select payer_id from ${table} where ${where}`);
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from (${sql.join(branches, sql` union `)}) u`.execute(db);
  return toNumber(rows[0]?.n);
};

export interface BatchPlan {
  invoices: NewInvoice[];
  updates: SubscriptionUpdate[];
  events: StatusEvent[];
  created: SubscriptionRow[];
  recurring: { id: string; cursor: string | null; nextDue: string | null }[];
  queuedByPayer: Map<string, string[]>;
  /**
   * Read with the plan by the planner thread (plan-ahead.ts), in the plan's snapshot: the payers as
   * the invoices freeze them, and which payers may have customer credit to settle. A plan made under
   * the lock has none; writing reads them then.
   */
  ahead?: { payers: Map<string, PayerSnapshot>; creditCandidates: string[] };
  conversions: number;
  endings: number;
}

/** Loads and plans the given payers' due rows. Pure apart from the reads. */
export const planBatch = async (db: Kysely<DB>, due: DuePayers, ctx: PlanContext, only: ReadonlySet<string> | undefined): Promise<BatchPlan> => {
  const asOf = ctx.asOf.toString();
  const { payers } = due;
  const subsQuery = db
    .selectFrom('subscription')
    .leftJoin('campaign_code', 'campaign_code.id', 'subscription.campaign_code_id')
    .selectAll('subscription')
    .select('campaign_code.code as campaign_code')
    .where('subscription.payer_id', 'in', payers)
    .where('subscription.next_due', '<=', asOf);
  const subs = (await subsQuery.orderBy('subscription.payer_id').orderBy('subscription.id').execute())
    .map(toSubscriptionRow)
    .filter((s) => !only || only.has(itemKey(s.itemType, s.itemId)));
  const recurring = only || !due.recurring.length ? [] : await db.selectFrom('recurring_charge').selectAll().where('payer_id', 'in', due.recurring).where('next_due', '<=', asOf).where('archived', '=', 0).execute();
  const queued = only || !due.queued.length
    ? []
    : await db.selectFrom('queued_charge').selectAll().where('payer_id', 'in', due.queued).where('invoice_id', 'is', null).where('cancelled', '=', 0).where('charge_date', '<=', asOf).execute();

  // Usage of the subscriptions whose item has attributes, from the oldest unbilled period on.
  const metered = subs.filter((s) => (ctx.item(s.itemType, s.itemId)?.attributes.length ?? 0) > 0);
  const usageBySub = new Map<string, { attributeCode: string; usedOn: string; quantity: string }[]>();
  if (metered.length) {
    const from = metered.reduce((m, s) => (s.usageCursor ?? s.startDate) < m ? (s.usageCursor ?? s.startDate) : m, '9999-12-31');
    const rows = await db
      .selectFrom('usage_record')
      .select(['subscription_id', 'attribute_code', 'used_on', 'quantity'])
      .where('subscription_id', 'in', metered.map((s) => s.id))
      .where('used_on', '>=', from)
      .where('used_on', '<', asOf)
      .execute();
    for (const r of rows) {
      const list = usageBySub.get(r.subscription_id) ?? [];
      list.push({ attributeCode: r.attribute_code, usedOn: r.used_on, quantity: r.quantity });
      usageBySub.set(r.subscription_id, list);
    }
  }

  const plan: BatchPlan = { invoices: [], updates: [], events: [], created: [], recurring: [], queuedByPayer: new Map(), conversions: 0, endings: 0 };
  const planned: PlannedLine[] = [];
  for (const s of subs) {
    const p = planSubscription(s, usageBySub.get(s.id) ?? [], ctx);
    planned.push(...p.lines);
    plan.updates.push(p.update);
    plan.events.push(...p.events);
    plan.created.push(...p.created);
    plan.conversions += p.conversions;
    plan.endings += p.endings;
  }
  for (const r of recurring) {
    const p = planRecurring(toRecurring(r), ctx);
    planned.push(...p.lines);
    plan.recurring.push({ id: r.id, cursor: p.cursor, nextDue: p.nextDue });
  }
  for (const q of queued) {
    planned.push(planQueued(toQueued(q), ctx));
    const ids = plan.queuedByPayer.get(q.payer_id) ?? [];
    ids.push(q.id);
    plan.queuedByPayer.set(q.payer_id, ids);
  }

  // One invoice per payer, lines in period order (charges.ts groupByPayer's ordering).
  const byPayer = new Map<string, PlannedLine[]>();
  for (const l of planned) {
    const list = byPayer.get(l.payerId) ?? [];
    list.push(l);
    byPayer.set(l.payerId, list);
  }
  for (const payerId of [...byPayer.keys()].sort()) {
    const lines = byPayer.get(payerId)!.sort((a, b) => (a.periodStart ?? '').localeCompare(b.periodStart ?? '') || a.chargeKey.localeCompare(b.chargeKey));
    const currencies = new Set(lines.map((l) => l.currency));
    if (currencies.size > 1) throw validation(`The charges for payer ${payerId} are in several currencies (${[...currencies].join(', ')}); one invoice has one currency.`);
    plan.invoices.push({
      payerId,
      currency: lines[0]!.currency,
      lines: lines.map(({ currency: _c, payerId: _p, ...l }) => l),
    });
  }
  return plan;
};
