import { newId } from '../../src/kernel/ids.ts';
import { compareDates, parseDate } from '../../src/kernel/dates.ts';
import { createContact } from '../../src/modules/contacts/index.ts';
import { runBilling } from '../../src/modules/billing/index.ts';
import { cliActor } from '../../src/modules/audit/index.ts';
import type { TestContext } from './context.ts';

const by = { actor: cliActor('test') };

export const addPerson = async (ctx: TestContext, lastName: string, extra: Record<string, unknown> = {}) =>
  createContact(ctx, by, { kind: 'person', firstNames: 'Test', lastName, ...extra } as never);

/**
 * A subscription row written directly, as the subscriptions module would leave it: the billing-run
 * tests exercise the run, not the sign-up rules.
 */
export const addSubscription = async (
  ctx: TestContext,
  s: {
    contactId: string;
    payerId?: string;
    itemType?: 'membership_type' | 'product' | 'account_type';
    itemId: string;
    start: string;
    anchorDay?: number;
    status?: string;
    endDate?: string | null;
    disconnectDate?: string | null;
    autoRenew?: boolean;
    quantity?: string;
    specialPriceMinor?: bigint | null;
    campaignPriceMinor?: bigint | null;
    trialEndsOn?: string | null;
  },
): Promise<string> => {
  const id = newId(ctx.clock.now().getTime());
  const now = ctx.clock.now().toISOString();
  await ctx.db
    .insertInto('subscription')
    .values({
      id,
      contact_id: s.contactId,
      payer_id: s.payerId ?? s.contactId,
      item_type: s.itemType ?? 'membership_type',
      item_id: s.itemId,
      quantity: s.quantity ?? '1',
      status: s.status ?? 'active',
      start_date: s.start,
      anchor_day: s.anchorDay ?? Number(s.start.slice(8, 10)),
      end_date: s.endDate ?? null,
      disconnect_date: s.disconnectDate ?? null,
      auto_renew: s.autoRenew === false ? 0 : 1,
      special_price_minor: s.specialPriceMinor?.toString() ?? null,
      campaign_code_id: null,
      campaign_price_minor: s.campaignPriceMinor?.toString() ?? null,
      trial_ends_on: s.trialEndsOn ?? null,
      fee_cursor: null,
      usage_cursor: null,
      next_due: s.trialEndsOn && s.status === 'trial' ? s.trialEndsOn : s.start,
      paid_through: null,
      follows_id: null,
      replaces_id: null,
      note: null,
      version: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
};

/** A monthly membership type priced `price` minor units from 2000. */
export const monthlyType = async (ctx: TestContext, code: string, price: number, extra: Record<string, unknown> = {}) => {
  const id = `mt_${code.toLowerCase()}`;
  const now = ctx.clock.now().toISOString();
  await ctx.db
    .insertInto('membership_type')
    .values({ id, code, name: `${code} member`, description: '', frequency: 'month', trial_days: 0, converts_to_id: null, signup_allowed: 1, special_price: 0, invoiced: 1, archived: 0, position: 9, created_at: now, updated_at: now, gl_account: '31000-0000', vat_rate: '0', follows_id: null, ...extra })
    .execute();
  await ctx.db.insertInto('catalog_price').values({ id: newId(ctx.clock.now().getTime()), item_type: 'membership_type', item_id: id, currency: 'NOK', amount_minor: price, effective_from: '2000-01-01', created_at: now }).execute();
  return id;
};

/** Runs billing for one day as the CLI would. */
export const bill = (ctx: TestContext, asOf: string, opts: { dryRun?: boolean; batchSize?: number } = {}) =>
  runBilling(ctx, cliActor('test'), { asOf, ...opts });

/** Runs billing every day from `from` to `to` inclusive (a server that runs daily). */
export const billDaily = async (ctx: TestContext, from: string, to: string) => {
  let d = parseDate(from);
  const end = parseDate(to);
  while (compareDates(d, end) <= 0) {
    await bill(ctx, d.toString());
    d = d.add({ days: 1 });
  }
};

/** Every invoice line billed for a subscription, oldest period first. */
export const linesOf = async (ctx: TestContext, subscriptionId: string) =>
  ctx.db
    .selectFrom('invoice_line')
    .innerJoin('invoice', 'invoice.id', 'invoice_line.invoice_id')
    .select(['invoice_line.charge_key', 'invoice_line.period_start', 'invoice_line.period_end', 'invoice_line.net_minor', 'invoice_line.description', 'invoice_line.quantity', 'invoice.issue_date', 'invoice.number', 'invoice.payer_id'])
    .where('invoice_line.subscription_id', '=', subscriptionId)
    .orderBy('invoice_line.period_start')
    .orderBy('invoice_line.charge_key')
    .execute();

export const subscription = (ctx: TestContext, id: string) => ctx.db.selectFrom('subscription').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
