import { z } from 'zod';
import { orgToday } from '../../modules/settings/index.ts';
import type { AppContext } from '../../app.ts';
import { getBillingRun, listBillingRuns, openBillingCycle, runBilling, startBillingRun } from '../../modules/billing/index.ts';
import { actorOf, requireAccess } from '../access.ts';
import { listQuery, pagedOf } from '../lists.ts';
import type { Api } from '../server.ts';
import { day, moneySchema } from '../schemas.ts';

const amount = moneySchema;
const totalsSchema = z.object({
  payers: z.number(),
  invoices: z.number(),
  lines: z.number(),
  total: amount.describe('Net total of all lines'),
  bySource: z.record(z.string(), z.object({ lines: z.number(), amount })).describe('subscription | usage | recurring | charge'),
  byItem: z.array(z.object({ itemType: z.string(), code: z.string(), name: z.string(), lines: z.number(), amount })),
  conversions: z.number().describe('Trials and discounted types converted'),
  endings: z.number().describe('Subscriptions ended on their end or disconnect date'),
});
const previewSchema = z.object({
  payerId: z.string(),
  payerName: z.string(),
  total: amount,
  lines: z.array(
    z.object({
      chargeKey: z.string(),
      description: z.string(),
      quantity: z.string(),
      unitPrice: amount,
      amount,
      periodStart: z.string().nullable(),
      periodEnd: z.string().nullable(),
      source: z.string(),
    }),
  ),
});
const resultSchema = totalsSchema.extend({
  runId: z.string().nullable(),
  asOf: z.string(),
  kind: z.enum(['daily', 'cycle']),
  dryRun: z.boolean(),
  status: z.enum(['done', 'failed']),
  preview: z.array(previewSchema).optional().describe('Dry runs: the first payers in detail'),
});
export const billingRunSchema = z.object({
  id: z.string(),
  kind: z.string().describe('daily | cycle'),
  asOf: z.string(),
  status: z.string().describe('queued | running | done | failed'),
  startedBy: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  progress: z.object({ done: z.number(), total: z.number() }).describe('Payers billed of those due'),
  invoices: z.number(),
  lines: z.number(),
  total: amount,
  summary: totalsSchema.nullable(),
  error: z.string().nullable(),
});

export const registerBillingRoutes = (app: Api, ctx: AppContext) => {
  const read = requireAccess('billing', 'read');
  const update = requireAccess('billing', 'update');

  app.post(
    '/api/v1/billing/preview',
    {
      schema: {
        tags: ['billing'],
        summary: 'Dry run: what the billing run would bill on asOf (default today), per payer, without writing anything',
        body: z.strictObject({ asOf: day.optional(), limit: z.number().int().min(0).max(1000).optional().describe('Payers in detail (default 100)') }),
        response: { 200: resultSchema },
      },
      preHandler: read,
    },
    async (request) => {
      const asOf = request.body.asOf ?? (await orgToday(ctx.db, ctx.clock));
      return runBilling(ctx, actorOf(request), { asOf, dryRun: true, previewLimit: request.body.limit ?? 100 });
    },
  );

  app.post(
    '/api/v1/billing/runs',
    {
      schema: {
        tags: ['billing'],
        summary: 'Start the billing run for asOf (default today) in the background; poll GET /api/v1/billing/runs/{id} for progress',
        body: z.strictObject({ asOf: day.optional() }),
        response: { 202: billingRunSchema },
      },
      preHandler: update,
    },
    async (request, reply) => reply.status(202).send(await startBillingRun(ctx, actorOf(request), request.body)),
  );

  app.get(
    '/api/v1/billing/runs',
    { schema: { tags: ['billing'], summary: 'Billing runs, newest first', querystring: listQuery.pick({ page: true, pageSize: true }), response: { 200: pagedOf(billingRunSchema) } }, preHandler: read },
    async (request) => listBillingRuns(ctx.db, request.query),
  );

  app.get(
    '/api/v1/billing/runs/:id',
    { schema: { tags: ['billing'], summary: 'One billing run with its progress and summary', params: z.object({ id: z.string().min(1).max(64) }), response: { 200: billingRunSchema } }, preHandler: read },
    async (request) => getBillingRun(ctx.db, request.params.id),
  );

  app.post(
    '/api/v1/billing/cycles',
    {
      schema: {
        tags: ['billing'],
        summary:
          'Open the annual cycle starting periodStart (default 1 January next year): invoice every yearly membership and service due before it ends. Refused more than 16 months ahead and for a cycle already opened.',
        body: z.strictObject({ periodStart: day.optional(), dryRun: z.boolean().optional(), limit: z.number().int().min(0).max(1000).optional() }),
        response: { 200: resultSchema.extend({ periodStart: z.string(), periodEnd: z.string() }) },
      },
      preHandler: update,
    },
    async (request) => openBillingCycle(ctx, actorOf(request), { periodStart: request.body.periodStart, dryRun: request.body.dryRun, previewLimit: request.body.limit ?? 100 }),
  );
};
