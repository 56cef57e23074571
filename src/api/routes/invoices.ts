import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../app.ts';
import {
  createCreditNote,
  createInvoice,
  deleteInvoice,
  getInvoice,
  INVOICE_KINDS,
  INVOICE_ORIGINS,
  INVOICE_SORTS,
  INVOICE_STATUSES,
  issueInvoice,
  listInvoices,
  updateInvoice,
  voidInvoice,
  type ChangedBy,
  type Invoice,
  type InvoiceLine,
  type InvoiceSummary,
} from '../../modules/invoices/index.ts';
import { actorOf, requireAccess } from '../access.ts';
import { listQuery, pagedOf, parseSort } from '../lists.ts';
import type { Api } from '../server.ts';
import { day, moneySchema, moneyOut } from '../schemas.ts';

const changedBy = (request: FastifyRequest): ChangedBy => ({ actor: actorOf(request), requestId: request.id });

const idParams = z.object({ id: z.string().min(1).max(64) });
const noContent = z.null().describe('No content');


export const invoiceSummarySchema = z.object({
  id: z.string(),
  kind: z.enum(INVOICE_KINDS),
  status: z.enum(INVOICE_STATUSES),
  number: z.number().nullable().describe('Gapless, shared by invoices and credit notes; null on a draft'),
  payerId: z.string(),
  payerName: z.string().describe('As frozen at issue; a draft shows the payer’s current name'),
  currency: z.string(),
  issueDate: z.string().nullable(),
  dueDate: z.string().nullable().describe('Null on drafts and credit notes'),
  net: moneySchema,
  vat: moneySchema,
  total: moneySchema,
  paid: moneySchema,
  credited: moneySchema.describe('What issued credit notes have taken off this invoice (positive)'),
  open: moneySchema.describe('What is still owed: total − paid − credited for an issued or paid invoice; 0 for drafts, void invoices and credit notes'),
  paymentReference: z.string().nullable().describe('KID or RF reference (setting billing.payment_reference); null on drafts and credit notes'),
  creditsInvoiceId: z.string().nullable().describe('On a credit note: the invoice it corrects'),
  billingRunId: z.string().nullable(),
  origin: z.enum(INVOICE_ORIGINS),
  note: z.string().nullable().describe('On a credit note: the reason'),
  voidReason: z.string().nullable(),
  createdBy: z.string(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  issuedAt: z.string().nullable(),
  voidedAt: z.string().nullable(),
});

const lineSchema = z.object({
  id: z.string(),
  position: z.number(),
  chargeKey: z.string().nullable(),
  source: z.string().describe('subscription | usage | recurring | charge | manual | credit'),
  subscriptionId: z.string().nullable(),
  itemType: z.string().nullable(),
  itemId: z.string().nullable(),
  description: z.string(),
  quantity: z.string().describe('Decimal; negative on credit notes'),
  unitPrice: moneySchema,
  net: moneySchema,
  vatRate: z.string().describe('Decimal percent, like "25"'),
  vat: moneySchema,
  total: moneySchema,
  periodStart: z.string().nullable(),
  periodEnd: z.string().nullable(),
  glAccount: z.string(),
  creditsLineId: z.string().nullable().describe('On a credit note: the invoice line it reverses'),
  creditedQuantity: z.string().describe('On an invoice: how much of the quantity credit notes have reversed (positive)'),
});

export const invoiceSchema = invoiceSummarySchema.extend({
  payerAddress: z.array(z.string()).describe('Address lines frozen at issue (empty on a draft)'),
  payerEmail: z.string().nullable(),
  payerMemberNumber: z.number().nullable(),
  delivery: z.string().describe('email | print'),
  lines: z.array(lineSchema),
  vatByRate: z.array(z.object({ rate: z.string(), net: moneySchema, vat: moneySchema })).describe('Highest rate first'),
  creditNotes: z.array(z.object({ id: z.string(), number: z.number().nullable(), issueDate: z.string().nullable(), total: moneySchema, note: z.string().nullable() })),
});

const summaryOut = (i: InvoiceSummary) => ({
  ...i,
  net: moneyOut(i.net),
  vat: moneyOut(i.vat),
  total: moneyOut(i.total),
  paid: moneyOut(i.paid),
  credited: moneyOut(i.credited),
  open: moneyOut(i.open),
});
const lineOut = (l: InvoiceLine) => ({ ...l, unitPrice: moneyOut(l.unitPrice), net: moneyOut(l.net), vat: moneyOut(l.vat), total: moneyOut(l.total) });
const invoiceOut = (i: Invoice) => ({
  ...summaryOut(i),
  payerAddress: i.payerAddress,
  payerEmail: i.payerEmail,
  payerMemberNumber: i.payerMemberNumber,
  delivery: i.delivery,
  lines: i.lines.map(lineOut),
  vatByRate: i.vatByRate.map((v) => ({ rate: v.rate, net: moneyOut(v.net), vat: moneyOut(v.vat) })),
  creditNotes: i.creditNotes.map((c) => ({ ...c, total: moneyOut(c.total) })),
});

const manualLine = z.strictObject({
  description: z.string().max(1000),
  quantity: z.string().max(30).optional().describe('Decimal, default "1"; negative for a discount line'),
  unitPrice: z.string().max(30).describe('Major units of the organization currency, like "450.00"; negative for a discount'),
  vatRate: z.string().max(20).optional().describe('Decimal percent; default the setting general.vat_rate'),
  glAccount: z.string().max(20).nullable().optional().describe('NNNNN-NNNN; default the setting ledger.misc_sales_account'),
  periodStart: day.nullable().optional(),
  periodEnd: day.nullable().optional(),
});
const createBody = z.strictObject({
  payerId: z.string().min(1).max(64).describe('The contact who pays'),
  lines: z.array(manualLine).max(500),
  note: z.string().max(4000).nullable().optional(),
});
const patchBody = z.strictObject({
  payerId: createBody.shape.payerId.optional(),
  lines: createBody.shape.lines.optional().describe('Replaces every line'),
  note: createBody.shape.note,
  version: z.number().int().optional().describe('The version you read; if the draft changed since, the answer is 409.'),
});
const boolQuery = z.enum(['true', 'false']).optional();
const invoiceListQuery = listQuery.extend({
  status: z.enum(INVOICE_STATUSES).optional(),
  kind: z.enum(INVOICE_KINDS).optional(),
  payerId: z.string().max(64).optional(),
  billingRunId: z.string().max(64).optional(),
  subscriptionId: z.string().max(64).optional().describe('Invoices with a line for this subscription'),
  creditsInvoiceId: z.string().max(64).optional().describe('Credit notes of this invoice'),
  issueDateFrom: day.optional(),
  issueDateTo: day.optional(),
  open: boolQuery.describe('true: unpaid invoices only (issued, kind invoice, open > 0); false: everything else'),
});

/** Invoices and credit notes (area "billing"). */
export const registerInvoiceRoutes = (app: Api, ctx: AppContext) => {
  const read = requireAccess('billing', 'read');
  const update = requireAccess('billing', 'update');

  app.get(
    '/api/v1/invoices',
    {
      schema: {
        tags: ['billing'],
        summary: `Invoices and credit notes. q: the number, or part of the payer's name. sort: ${INVOICE_SORTS.join(', ')} (prefix - to descend; empty values last); default -created_at.`,
        querystring: invoiceListQuery,
        response: { 200: pagedOf(invoiceSummarySchema) },
      },
      preHandler: read,
    },
    async (request) => {
      const q = request.query;
      const page = await listInvoices(ctx.db, {
        ...q,
        sort: parseSort(q.sort, INVOICE_SORTS, { column: 'created_at', direction: 'desc' }),
        open: q.open === undefined ? undefined : q.open === 'true',
      });
      return { ...page, items: page.items.map(summaryOut) };
    },
  );
  app.post(
    '/api/v1/invoices',
    {
      schema: {
        tags: ['billing'],
        summary: 'Create a manual draft invoice for a payer. It gets its number, payment reference and frozen payer details when issued.',
        body: createBody,
        response: { 201: invoiceSchema },
      },
      preHandler: update,
    },
    async (request, reply) => reply.status(201).send(invoiceOut(await createInvoice(ctx, changedBy(request), request.body))),
  );
  app.get(
    '/api/v1/invoices/:id',
    { schema: { tags: ['billing'], summary: 'One invoice or credit note with its lines, VAT by rate and credit notes', params: idParams, response: { 200: invoiceSchema } }, preHandler: read },
    async (request) => invoiceOut(await getInvoice(ctx.db, request.params.id)),
  );
  app.patch(
    '/api/v1/invoices/:id',
    {
      schema: {
        tags: ['billing'],
        summary: 'Change a draft: payer, note, or all its lines. Issued invoices never change (409): credit or void them.',
        params: idParams,
        body: patchBody,
        response: { 200: invoiceSchema },
      },
      preHandler: update,
    },
    async (request) => invoiceOut(await updateInvoice(ctx, changedBy(request), request.params.id, request.body)),
  );
  app.delete(
    '/api/v1/invoices/:id',
    {
      schema: {
        tags: ['billing'],
        summary: 'Delete a draft. Issued invoices are never deleted (409).',
        params: idParams,
        querystring: z.object({ version: z.coerce.number().int().optional() }),
        response: { 204: noContent },
      },
      preHandler: update,
    },
    async (request, reply) => {
      await deleteInvoice(ctx, changedBy(request), request.params.id, request.query.version);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/v1/invoices/:id/issue',
    {
      schema: {
        tags: ['billing'],
        summary: 'Issue a draft: the next number of the series, the payer frozen, the due date (setting general.invoice_due_days) and the payment reference',
        params: idParams,
        body: z.strictObject({ issueDate: day.optional().describe('Today (organization time zone) when left out'), version: z.number().int().optional() }).nullish().describe('May be left out'),
        response: { 200: invoiceSchema },
      },
      preHandler: update,
    },
    async (request) => invoiceOut(await issueInvoice(ctx, changedBy(request), request.params.id, request.body ?? {})),
  );
  app.post(
    '/api/v1/invoices/:id/void',
    {
      schema: {
        tags: ['billing'],
        summary: 'Void an issued invoice with a reason. Refused (409) when anything is paid on it or it has credit notes: credit it instead.',
        params: idParams,
        body: z.strictObject({ reason: z.string().max(1000), version: z.number().int().optional() }),
        response: { 200: invoiceSchema },
      },
      preHandler: update,
    },
    async (request) => invoiceOut(await voidInvoice(ctx, changedBy(request), request.params.id, request.body)),
  );
  app.post(
    '/api/v1/invoices/:id/credit-notes',
    {
      schema: {
        tags: ['billing'],
        summary: 'Issue a credit note for an issued invoice: every line not yet credited, or the chosen lines and quantities. Answers with the credit note.',
        params: idParams,
        body: z.strictObject({
          lines: z
            .array(z.strictObject({ lineId: z.string().min(1).max(64), quantity: z.string().max(30).optional().describe('Positive decimal; default what is left of the line') }))
            .max(500)
            .optional()
            .describe('Left out: credit everything that is left'),
          reason: z.string().max(1000),
        }),
        response: { 201: invoiceSchema },
      },
      preHandler: update,
    },
    async (request, reply) => reply.status(201).send(invoiceOut(await createCreditNote(ctx, changedBy(request), request.params.id, request.body))),
  );
  app.get(
    '/api/v1/invoices/:id/credit-notes',
    {
      schema: { tags: ['billing'], summary: 'The issued credit notes of an invoice, oldest first', params: idParams, response: { 200: z.object({ items: z.array(invoiceSummarySchema) }) } },
      preHandler: read,
    },
    async (request) => {
      await getInvoice(ctx.db, request.params.id); // 404 for an unknown invoice
      const page = await listInvoices(ctx.db, { page: 1, pageSize: 500, sort: { column: 'number', direction: 'asc' }, creditsInvoiceId: request.params.id, kind: 'credit_note' });
      return { items: page.items.map(summaryOut) };
    },
  );
};
