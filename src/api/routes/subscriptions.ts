import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../app.ts';
import { validation } from '../../kernel/app-error.ts';
import { money, toDecimalString } from '../../kernel/money.ts';
import { orgCurrency } from '../../modules/catalog/index.ts';
import {
  cancelQueuedCharge,
  CHARGE_FREQUENCIES,
  changeSubscriptionStatus,
  contactSubscriptionHistory,
  createRecurringCharge,
  createSubscription,
  getQueuedCharge,
  getRecurringCharge,
  getSubscriptionDetail,
  importUsage,
  listQueuedCharges,
  listRecurringCharges,
  listSubscriptions,
  listUsage,
  QUEUED_STATES,
  queueCharge,
  queuedState,
  recordUsage,
  SUBSCRIPTION_ITEM_TYPES,
  SUBSCRIPTION_SORTS,
  SUBSCRIPTION_STATUSES,
  updateRecurringCharge,
  updateSubscription,
  USAGE_SOURCES,
  type ChangedBy,
  type QueuedCharge,
  type RecurringCharge,
  type SubscriptionEvent,
  type SubscriptionView,
} from '../../modules/subscriptions/index.ts';
import { actorOf, requireAccess } from '../access.ts';
import { listQuery, pagedOf, parseSort } from '../lists.ts';
import type { Api } from '../server.ts';
import { day } from '../schemas.ts';

const changedBy = (request: FastifyRequest): ChangedBy => ({ actor: actorOf(request), requestId: request.id });

const id = z.string().min(1).max(64);
const idParams = z.object({ id });
const amountSchema = z.object({ amount: z.string(), currency: z.string() });
const minorOut = (minor: bigint | null, currency: string) => (minor === null ? null : { amount: toDecimalString(money(minor, currency)), currency });
const status = z.enum(SUBSCRIPTION_STATUSES);

const eventSchema = z.object({ id: z.string(), fromStatus: status.nullable(), toStatus: status, effectiveDate: z.string(), reason: z.string(), createdAt: z.string() });
const eventOut = (e: SubscriptionEvent) => ({ id: e.id, fromStatus: e.fromStatus, toStatus: e.toStatus, effectiveDate: e.effectiveDate, reason: e.reason, createdAt: e.createdAt });

export const subscriptionSchema = z.object({
  id: z.string(),
  contactId: z.string(),
  contactName: z.string(),
  payerId: z.string(),
  payerName: z.string(),
  itemType: z.enum(SUBSCRIPTION_ITEM_TYPES),
  itemId: z.string(),
  itemCode: z.string(),
  itemName: z.string(),
  quantity: z.string(),
  status,
  startDate: z.string(),
  anchorDay: z.number(),
  endDate: z.string().nullable().describe('First day without service'),
  disconnectDate: z.string().nullable().describe('Never billed again; ended on this day'),
  autoRenew: z.boolean(),
  specialPrice: amountSchema.nullable().describe('Price per term set on this subscription'),
  campaignCodeId: z.string().nullable(),
  campaignPrice: amountSchema.nullable().describe('First-term price from the campaign code'),
  trialEndsOn: z.string().nullable(),
  feeCursor: z.string().nullable(),
  usageCursor: z.string().nullable(),
  nextDue: z.string().nullable(),
  paidThrough: z.string().nullable(),
  memberFrom: z.string().nullable().describe('Effective date of the first member status (trial, active, grace, suspended)'),
  memberTo: z.string().nullable().describe('Effective date of the end; null while it runs'),
  followsId: z.string().nullable(),
  replacesId: z.string().nullable(),
  note: z.string().nullable(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const subscriptionDetailSchema = subscriptionSchema.extend({ events: z.array(eventSchema).describe('Every status event, oldest first') });
const subOut = (s: SubscriptionView, currency: string) => {
  const { specialPriceMinor, campaignPriceMinor, ...rest } = s;
  return { ...rest, specialPrice: minorOut(specialPriceMinor, currency), campaignPrice: minorOut(campaignPriceMinor, currency) };
};

const createBody = z.strictObject({
  contactId: id,
  itemType: z.enum(SUBSCRIPTION_ITEM_TYPES),
  itemId: id,
  quantity: z.string().max(30).optional(),
  startDate: day.optional().describe('Default: today'),
  anchorDay: z.number().int().optional().describe('1–31; default: the start day'),
  endDate: day.nullable().optional().describe('Left out: products with auto-renew end one year after the start; null: no end'),
  autoRenew: z.boolean().optional(),
  payerId: id.nullable().optional().describe("Default: the contact's payer, else the contact"),
  specialPrice: z.string().max(30).nullable().optional().describe('Required for special-price membership types, refused otherwise'),
  campaignCode: z.string().max(50).nullable().optional().describe('Redeemed with the subscription (membership types)'),
  pending: z.boolean().optional().describe('Create as pending instead of active (or trial)'),
  note: z.string().max(2000).nullable().optional(),
});
const patchBody = z.strictObject({
  version: z.number().int().optional().describe('The version you read; if it changed since, the answer is 409'),
  startDate: day.optional().describe('Only while nothing is billed'),
  anchorDay: z.number().int().optional(),
  endDate: day.nullable().optional(),
  disconnectDate: day.nullable().optional().describe('Today or later; never billed again, ended on that day'),
  autoRenew: z.boolean().optional(),
  payerId: id.nullable().optional(),
  quantity: z.string().max(30).optional(),
  specialPrice: z.string().max(30).nullable().optional(),
  note: z.string().max(2000).nullable().optional(),
});
const statusBody = z.strictObject({
  status,
  reason: z.string().max(500),
  effectiveDate: day.optional().describe('Default today; not in the future'),
  version: z.number().int().optional(),
});

const usageSchema = z.object({ id: z.string(), subscriptionId: z.string(), attributeCode: z.string(), usedOn: z.string(), quantity: z.string(), source: z.enum(USAGE_SOURCES), externalRef: z.string().nullable(), createdAt: z.string() });
const usageTotalSchema = z.object({ periodStart: z.string(), periodEnd: z.string(), attributeCode: z.string(), unit: z.string(), included: z.string(), quantity: z.string(), records: z.number() });
const usageBody = z.strictObject({
  attributeCode: z.string().min(1).max(50),
  usedOn: day,
  quantity: z.string().max(30).describe('Decimal ≥ 0'),
  externalRef: z.string().max(200).nullable().optional().describe('Your id for the record: sending it again stores nothing and answers 200 with the stored one'),
});
const importReportSchema = z.object({ dryRun: z.boolean(), rows: z.number(), created: z.number(), duplicates: z.number(), errors: z.array(z.object({ line: z.number(), message: z.string() })) });
const importJsonBody = z.strictObject({ csv: z.string().max(5_000_000), dryRun: z.boolean().default(false) });

const recurringSchema = z.object({
  id: z.string(),
  contactId: z.string(),
  payerId: z.string(),
  description: z.string(),
  amount: z.string(),
  currency: z.string(),
  frequency: z.enum(CHARGE_FREQUENCIES),
  startDate: z.string(),
  anchorDay: z.number(),
  endDate: z.string().nullable(),
  glAccount: z.string().nullable(),
  vatRate: z.string(),
  cursor: z.string().nullable(),
  nextDue: z.string().nullable(),
  archived: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const recurringOut = (c: RecurringCharge) => {
  const { amountMinor, ...rest } = c;
  return { ...rest, amount: toDecimalString(money(amountMinor, c.currency)) };
};
const recurringBody = z.strictObject({
  contactId: id,
  payerId: id.nullable().optional(),
  description: z.string().max(500),
  amount: z.string().max(30).describe('Net of VAT, in the organization currency'),
  frequency: z.enum(CHARGE_FREQUENCIES),
  startDate: day.optional(),
  anchorDay: z.number().int().optional(),
  endDate: day.nullable().optional(),
  glAccount: z.string().max(20).nullable().optional(),
  vatRate: z.string().max(20).optional(),
});
const recurringPatch = recurringBody.omit({ contactId: true }).partial().extend({ archived: z.boolean().optional() });

const queuedSchema = z.object({
  id: z.string(),
  contactId: z.string(),
  payerId: z.string(),
  subscriptionId: z.string().nullable(),
  description: z.string(),
  quantity: z.string(),
  unitPrice: z.string(),
  currency: z.string(),
  glAccount: z.string().nullable(),
  vatRate: z.string(),
  chargeDate: z.string(),
  source: z.string(),
  invoiceId: z.string().nullable(),
  cancelled: z.boolean(),
  state: z.enum(QUEUED_STATES),
  createdAt: z.string(),
});
const queuedOut = (c: QueuedCharge) => {
  const { unitPriceMinor, ...rest } = c;
  return { ...rest, unitPrice: toDecimalString(money(unitPriceMinor, c.currency)), state: queuedState(c) };
};
const queuedBody = z.strictObject({
  contactId: id,
  payerId: id.nullable().optional(),
  subscriptionId: id.nullable().optional(),
  description: z.string().max(500),
  quantity: z.string().max(30).optional(),
  unitPrice: z.string().max(30).describe('Net of VAT; negative for a discount'),
  glAccount: z.string().max(20).nullable().optional(),
  vatRate: z.string().max(20).optional(),
  chargeDate: day.optional().describe('Billed by the first run on or after it; default today'),
});

/** Subscriptions, usage, recurring and queued charges (area "billing"). */
export const registerSubscriptionRoutes = (app: Api, ctx: AppContext) => {
  const read = requireAccess('billing', 'read');
  const update = requireAccess('billing', 'update');
  const currency = () => orgCurrency(ctx.db);
  const detail = async (subId: string) => {
    const d = await getSubscriptionDetail(ctx.db, subId);
    return { ...subOut(d, await currency()), events: d.events.map(eventOut) };
  };

  app.get(
    '/api/v1/subscriptions',
    {
      schema: {
        tags: ['billing'],
        summary: 'Subscriptions, filtered by contact, payer, status or item',
        querystring: listQuery.omit({ q: true }).extend({
          contactId: id.optional(),
          payerId: id.optional(),
          status: status.optional(),
          itemType: z.enum(SUBSCRIPTION_ITEM_TYPES).optional(),
          itemId: id.optional(),
        }),
        response: { 200: pagedOf(subscriptionSchema) },
      },
      preHandler: read,
    },
    async (request) => {
      const q = request.query;
      const result = await listSubscriptions(ctx.db, { ...q, sort: parseSort(q.sort, SUBSCRIPTION_SORTS, { column: 'start_date', direction: 'desc' }) });
      const c = await currency();
      return { ...result, items: result.items.map((s) => subOut(s, c)) };
    },
  );
  app.post(
    '/api/v1/subscriptions',
    {
      schema: {
        tags: ['billing'],
        summary: 'Create a subscription: a membership type, product or account type for a contact. Trial types start in trial; a campaign code is redeemed at once.',
        body: createBody,
        response: { 201: subscriptionDetailSchema },
      },
      preHandler: update,
    },
    async (request, reply) => reply.status(201).send(await detail((await createSubscription(ctx, changedBy(request), request.body)).id)),
  );
  app.get(
    '/api/v1/subscriptions/:id',
    { schema: { tags: ['billing'], summary: 'One subscription with its status events', params: idParams, response: { 200: subscriptionDetailSchema } }, preHandler: read },
    async (request) => detail(request.params.id),
  );
  app.patch(
    '/api/v1/subscriptions/:id',
    {
      schema: {
        tags: ['billing'],
        summary: "Change a subscription's dates, payer, quantity, price or note (status: POST …/status). A household primary's dates move its followers.",
        params: idParams,
        body: patchBody,
        response: { 200: subscriptionDetailSchema },
      },
      preHandler: update,
    },
    async (request) => detail((await updateSubscription(ctx, changedBy(request), request.params.id, request.body)).id),
  );
  app.post(
    '/api/v1/subscriptions/:id/status',
    {
      schema: {
        tags: ['billing'],
        summary: 'Change the status through the state machine (pending → trial → active ⇄ grace → suspended → ended; ended is final), with a reason',
        params: idParams,
        body: statusBody,
        response: { 200: subscriptionDetailSchema },
      },
      preHandler: update,
    },
    async (request) => detail((await changeSubscriptionStatus(ctx, changedBy(request), request.params.id, request.body)).id),
  );
  app.get(
    '/api/v1/contacts/:id/subscription-history',
    {
      schema: {
        tags: ['billing'],
        summary: "A contact's membership history: member since/until, each subscription's span, every status event (newest first)",
        params: idParams,
        response: {
          200: z.object({
            memberSince: z.string().nullable(),
            memberUntil: z.string().nullable(),
            spans: z.array(z.object({ subscriptionId: z.string(), itemType: z.string(), itemCode: z.string(), itemName: z.string(), status, memberFrom: z.string().nullable(), memberTo: z.string().nullable() })),
            events: z.array(eventSchema.extend({ subscriptionId: z.string(), itemCode: z.string() })),
          }),
        },
      },
      preHandler: read,
    },
    async (request) => {
      const h = await contactSubscriptionHistory(ctx.db, request.params.id);
      return { ...h, events: h.events.map((e) => ({ ...eventOut(e), subscriptionId: e.subscriptionId, itemCode: e.itemCode })) };
    },
  );

  // ---- usage
  app.get(
    '/api/v1/subscriptions/:id/usage',
    {
      schema: {
        tags: ['billing'],
        summary: 'Usage records, newest first, with totals per attribute per billing period',
        params: idParams,
        querystring: listQuery.omit({ q: true, sort: true }).extend({ from: day.optional(), to: day.optional() }),
        response: { 200: pagedOf(usageSchema).extend({ totals: z.array(usageTotalSchema) }) },
      },
      preHandler: read,
    },
    async (request) => listUsage(ctx.db, request.params.id, request.query),
  );
  app.post(
    '/api/v1/subscriptions/:id/usage',
    {
      schema: {
        tags: ['billing'],
        summary: 'Record usage of an account-type attribute. With externalRef, a repeat answers 200 with the stored record.',
        params: idParams,
        body: usageBody,
        response: { 201: usageSchema, 200: usageSchema },
      },
      preHandler: update,
    },
    async (request, reply) => {
      const { record, created } = await recordUsage(ctx, changedBy(request), request.params.id, request.body, request.auth?.via === 'session' ? 'staff' : 'api');
      return reply.status(created ? 201 : 200).send(record);
    },
  );
  app.post(
    '/api/v1/usage/import',
    {
      schema: {
        tags: ['billing'],
        summary:
          'Import usage from CSV: the file as text/csv (dry run with ?dryRun=true) or JSON {csv, dryRun}. Columns: subscription (or member_number and account_type), attribute, date, quantity, ref. ' +
          'All or nothing: a file with errors stores nothing and answers 400 with details.report listing each line.',
        querystring: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
        response: { 200: importReportSchema },
      },
      preHandler: update,
    },
    async (request) => {
      const body = request.body as unknown;
      if (Buffer.isBuffer(body)) return importUsage(ctx, changedBy(request), { csv: body, dryRun: request.query.dryRun === 'true' });
      const parsed = importJsonBody.safeParse(body);
      if (!parsed.success) throw validation('Send the CSV file as text/csv, or JSON {"csv": "...", "dryRun": true}.', { field: 'csv', issues: parsed.error.issues.map((i) => i.message) });
      return importUsage(ctx, changedBy(request), { csv: parsed.data.csv, dryRun: parsed.data.dryRun || request.query.dryRun === 'true' });
    },
  );

  // ---- recurring charges
  app.get(
    '/api/v1/recurring-charges',
    {
      schema: {
        tags: ['billing'],
        summary: 'Recurring charges',
        querystring: listQuery.omit({ q: true, sort: true }).extend({ contactId: id.optional(), payerId: id.optional(), archived: z.enum(['true', 'false']).optional() }),
        response: { 200: pagedOf(recurringSchema) },
      },
      preHandler: read,
    },
    async (request) => {
      const q = request.query;
      const r = await listRecurringCharges(ctx.db, { ...q, archived: q.archived === undefined ? undefined : q.archived === 'true' });
      return { ...r, items: r.items.map(recurringOut) };
    },
  );
  app.post(
    '/api/v1/recurring-charges',
    { schema: { tags: ['billing'], summary: 'Create a recurring charge (a fixed amount each month, quarter or year)', body: recurringBody, response: { 201: recurringSchema } }, preHandler: update },
    async (request, reply) => reply.status(201).send(recurringOut(await createRecurringCharge(ctx, changedBy(request), request.body))),
  );
  app.get(
    '/api/v1/recurring-charges/:id',
    { schema: { tags: ['billing'], summary: 'One recurring charge', params: idParams, response: { 200: recurringSchema } }, preHandler: read },
    async (request) => recurringOut(await getRecurringCharge(ctx.db, request.params.id)),
  );
  app.patch(
    '/api/v1/recurring-charges/:id',
    { schema: { tags: ['billing'], summary: 'Change a recurring charge; archived: true stops it', params: idParams, body: recurringPatch, response: { 200: recurringSchema } }, preHandler: update },
    async (request) => recurringOut(await updateRecurringCharge(ctx, changedBy(request), request.params.id, request.body)),
  );

  // ---- queued charges
  app.get(
    '/api/v1/queued-charges',
    {
      schema: {
        tags: ['billing'],
        summary: 'One-off charges waiting for (or taken by) an invoice',
        querystring: listQuery.omit({ q: true, sort: true }).extend({ contactId: id.optional(), payerId: id.optional(), state: z.enum(QUEUED_STATES).optional() }),
        response: { 200: pagedOf(queuedSchema) },
      },
      preHandler: read,
    },
    async (request) => {
      const r = await listQueuedCharges(ctx.db, request.query);
      return { ...r, items: r.items.map(queuedOut) };
    },
  );
  app.post(
    '/api/v1/queued-charges',
    { schema: { tags: ['billing'], summary: "Queue a one-off charge for the payer's next invoice", body: queuedBody, response: { 201: queuedSchema } }, preHandler: update },
    async (request, reply) => reply.status(201).send(queuedOut(await queueCharge(ctx, changedBy(request), request.body))),
  );
  app.get(
    '/api/v1/queued-charges/:id',
    { schema: { tags: ['billing'], summary: 'One queued charge', params: idParams, response: { 200: queuedSchema } }, preHandler: read },
    async (request) => queuedOut(await getQueuedCharge(ctx.db, request.params.id)),
  );
  app.post(
    '/api/v1/queued-charges/:id/cancel',
    {
      schema: { tags: ['billing'], summary: 'Cancel a queued charge no invoice has taken yet', params: idParams, body: z.strictObject({ reason: z.string().max(500).optional() }).optional(), response: { 200: queuedSchema } },
      preHandler: update,
    },
    async (request) => queuedOut(await cancelQueuedCharge(ctx, changedBy(request), request.params.id, request.body?.reason)),
  );
};
