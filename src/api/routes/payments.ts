import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../app.ts';
import { money } from '../../kernel/money.ts';
import { orgToday } from '../../modules/catalog/index.ts';
import {
  AGEING_SORTS,
  ALLOCATION_KINDS,
  OPEN_INVOICE_SORTS,
  PAYMENT_KINDS,
  PAYMENT_METHODS,
  PAYMENT_SORTS,
  PAYMENT_STATUSES,
  ageingReport,
  applyCustomerCredit,
  cashReceived,
  contactBalance,
  getPayment,
  listOpenInvoices,
  listPayments,
  loadPaymentSettings,
  recordPayment,
  refundCredit,
  reversePayment,
  writeOffInvoice,
  type AgeingAmounts,
  type CashAmounts,
  type ChangedBy,
  type CreditSettlement,
  type OpenInvoice,
  type Payment,
  type PaymentSummary,
} from '../../modules/payments/index.ts';
import { actorOf, requireAccess } from '../access.ts';
import { listQuery, pagedOf, parseSort } from '../lists.ts';
import type { Api } from '../server.ts';
import { day, moneySchema, moneyOut } from '../schemas.ts';

const changedBy = (request: FastifyRequest): ChangedBy => ({ actor: actorOf(request), requestId: request.id });

const idParams = z.object({ id: z.string().min(1).max(64) });
const amountIn = z.string().max(30).describe('Major units of the organization currency, like "450.00" (a comma works too)');


const paymentSummarySchema = z.object({
  id: z.string(),
  kind: z.enum(PAYMENT_KINDS).describe('receipt: money in; refund: customer credit paid back'),
  number: z.number().nullable().describe('Receipt number (series "receipt") or refund number (series "refund"), gapless'),
  contactId: z.string().describe('The payer'),
  contactName: z.string(),
  receivedOn: z.string().describe('The day the money came in (receipt) or went out (refund)'),
  amount: moneySchema,
  currency: z.string(),
  method: z.enum(PAYMENT_METHODS),
  reference: z.string().nullable(),
  note: z.string().nullable(),
  status: z.enum(PAYMENT_STATUSES),
  reversedOn: z.string().nullable(),
  reversalReason: z.string().nullable(),
  externalId: z.string().nullable().describe('Bank or gateway transaction id: recorded once'),
  allocated: moneySchema.describe('Receipts: the part on invoices (0 once reversed)'),
  toCredit: moneySchema.describe("Receipts: the part that went to the payer's customer credit (0 once reversed)"),
  createdBy: z.string(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const allocationSchema = z.object({
  id: z.string(),
  invoiceId: z.string(),
  invoiceNumber: z.number().nullable(),
  paymentId: z.string().nullable().describe('Null for customer credit taken back from an invoice'),
  kind: z.enum(ALLOCATION_KINDS).describe('payment: put on the invoice; reversal: taken off again (negative); credit: customer credit (negative when taken back)'),
  amount: moneySchema,
  entryId: z.string().nullable().describe('The ledger entry that posted it'),
  createdBy: z.string(),
  createdAt: z.string(),
});

const entrySchema = z.object({
  id: z.string(),
  seq: z.number(),
  date: z.string(),
  kind: z.string().describe('payment | reversal | credit_applied | refund'),
  description: z.string(),
  sourceKey: z.string().nullable(),
  lines: z.array(z.object({ account: z.string(), debit: moneySchema, credit: moneySchema, contactId: z.string().nullable(), invoiceId: z.string().nullable() })),
});

const paymentSchema = paymentSummarySchema.extend({
  allocations: z.array(allocationSchema).describe('Every allocation row of the payment, oldest first'),
  entries: z.array(entrySchema).describe('The ledger entries that posted the payment, its reversal and any credit taken back, in order'),
});

const summaryOut = (p: PaymentSummary) => ({ ...p, amount: moneyOut(p.amount), allocated: moneyOut(p.allocated), toCredit: moneyOut(p.toCredit) });
const paymentOut = (p: Payment) => ({
  ...summaryOut(p),
  allocations: p.allocations.map((a) => ({ ...a, amount: moneyOut(a.amount) })),
  entries: p.entries.map((e) => ({ ...e, lines: e.lines.map((l) => ({ ...l, debit: moneyOut(l.debit), credit: moneyOut(l.credit) })) })),
});

const openInvoiceSchema = z.object({
  invoiceId: z.string(),
  number: z.number().nullable(),
  payerId: z.string(),
  payerName: z.string().describe('As frozen on the invoice'),
  payerMemberNumber: z.number().nullable(),
  issueDate: z.string().nullable(),
  dueDate: z.string().nullable(),
  daysOverdue: z.number().describe('Days past the due date at `at` (0 or less: not overdue)'),
  paymentReference: z.string().nullable().describe('KID or RF reference'),
  total: moneySchema,
  paid: moneySchema,
  credited: moneySchema.describe('Taken off by credit notes'),
  open: moneySchema,
  suggested: moneySchema.describe('The amount to pay to settle it (what is open)'),
  version: z.number().describe('The invoice version, for write-offs'),
});
const openInvoiceOut = (i: OpenInvoice) => ({
  ...i,
  total: moneyOut(i.total),
  paid: moneyOut(i.paid),
  credited: moneyOut(i.credited),
  open: moneyOut(i.open),
  suggested: moneyOut(i.suggested),
});

const bucketsSchema = z.object({
  current: moneySchema.describe('Not yet due'),
  days1to30: moneySchema,
  days31to60: moneySchema,
  days61to90: moneySchema,
  over90: moneySchema,
  total: moneySchema,
});
const bucketsOut = (a: AgeingAmounts, currency: string) => ({
  current: moneyOut(money(a.current, currency)),
  days1to30: moneyOut(money(a.days1to30, currency)),
  days31to60: moneyOut(money(a.days31to60, currency)),
  days61to90: moneyOut(money(a.days61to90, currency)),
  over90: moneyOut(money(a.over90, currency)),
  total: moneyOut(money(a.total, currency)),
});

const cashSchema = z.object({
  received: moneySchema.describe('Receipts dated in the period (including ones reversed later)'),
  receipts: z.number(),
  reversed: moneySchema.describe('Receipts reversed in the period (by reversal date)'),
  reversals: z.number(),
  refunded: moneySchema.describe('Customer credit paid back in the period'),
  refunds: z.number(),
  net: moneySchema.describe('received − reversed − refunded'),
});
const cashOut = (a: CashAmounts, currency: string) => ({
  received: moneyOut(money(a.receivedMinor, currency)),
  receipts: a.receipts,
  reversed: moneyOut(money(a.reversedMinor, currency)),
  reversals: a.reversals,
  refunded: moneyOut(money(a.refundedMinor, currency)),
  refunds: a.refunds,
  net: moneyOut(money(a.netMinor, currency)),
});

const settlementSchema = z.object({
  contactId: z.string(),
  released: z.array(z.object({ invoiceId: z.string(), number: z.number().nullable(), amount: moneySchema })).describe('Overpaid invoices whose excess went back to customer credit'),
  applied: z.array(z.object({ invoiceId: z.string(), number: z.number().nullable(), amount: moneySchema })).describe('Customer credit put on open invoices, oldest first'),
  creditLeft: moneySchema,
});
const settlementOut = (s: CreditSettlement, currency: string) => ({
  contactId: s.contactId,
  released: s.released.map((r) => ({ invoiceId: r.invoiceId, number: r.number, amount: moneyOut(money(r.amountMinor, currency)) })),
  applied: s.applied.map((r) => ({ invoiceId: r.invoiceId, number: r.number, amount: moneyOut(money(r.amountMinor, currency)) })),
  creditLeft: moneyOut(money(s.creditLeftMinor, currency)),
});

const recordBody = z.strictObject({
  contactId: z.string().min(1).max(64).describe('The payer'),
  receivedOn: day.optional().describe('Today (organization time zone) when left out; not in the future'),
  amount: amountIn,
  method: z.enum(PAYMENT_METHODS),
  reference: z.string().max(200).nullable().optional().describe('Cheque number, KID, bank reference…'),
  note: z.string().max(2000).nullable().optional(),
  externalId: z.string().max(200).nullable().optional().describe('Bank or gateway transaction id: sending the same id again answers 200 with the payment already recorded (409 if payer or amount differ)'),
  allocations: z
    .array(z.strictObject({ invoiceId: z.string().min(1).max(64), amount: amountIn }))
    .max(500)
    .optional()
    .describe("Chosen invoices and amounts (each at most what is open on it). Left out: the payer's open invoices, oldest due first. An empty list puts it all on customer credit. What is left becomes customer credit."),
});

const boolQuery = z.enum(['true', 'false']).optional();

/** Payments, refunds, write-offs and the A/R reports (area "payments"). */
export const registerPaymentRoutes = (app: Api, ctx: AppContext) => {
  const read = requireAccess('payments', 'read');
  const update = requireAccess('payments', 'update');
  const ledgerUpdate = requireAccess('ledger', 'update');
  const currency = async () => (await loadPaymentSettings(ctx.db)).currency;

  app.get(
    '/api/v1/payments',
    {
      schema: {
        tags: ['payments'],
        summary: `Receipts and refunds. q: the number, or part of the payer's name, the reference or the external id. sort: ${PAYMENT_SORTS.join(', ')} (prefix - to descend); default -received_on.`,
        querystring: listQuery.extend({
          contactId: z.string().max(64).optional(),
          kind: z.enum(PAYMENT_KINDS).optional(),
          method: z.enum(PAYMENT_METHODS).optional(),
          status: z.enum(PAYMENT_STATUSES).optional(),
          from: day.optional().describe('Received on or after'),
          to: day.optional().describe('Received on or before'),
          invoiceId: z.string().max(64).optional().describe('Payments with an allocation on this invoice'),
        }),
        response: { 200: pagedOf(paymentSummarySchema) },
      },
      preHandler: read,
    },
    async (request) => {
      const q = request.query;
      const page = await listPayments(ctx.db, { ...q, sort: parseSort(q.sort, PAYMENT_SORTS, { column: 'received_on', direction: 'desc' }) });
      return { ...page, items: page.items.map(summaryOut) };
    },
  );
  app.post(
    '/api/v1/payments',
    {
      schema: {
        tags: ['payments'],
        summary:
          "Record a payment: the next receipt number, the money put on the payer's open invoices (oldest due first, or as chosen), the rest to customer credit; bank (cash for cash) ↔ A/R posted; invoices paid in full move their subscriptions on. 201 when recorded; 200 with the existing payment when externalId was recorded before.",
        body: recordBody,
        response: { 200: paymentSchema, 201: paymentSchema },
      },
      preHandler: update,
    },
    async (request, reply) => {
      const { payment, created } = await recordPayment(ctx, changedBy(request), request.body);
      return reply.status(created ? 201 : 200).send(paymentOut(payment));
    },
  );
  app.get(
    '/api/v1/payments/:id',
    { schema: { tags: ['payments'], summary: 'One payment with its allocations and ledger entries', params: idParams, response: { 200: paymentSchema } }, preHandler: read },
    async (request) => paymentOut(await getPayment(ctx.db, request.params.id)),
  );
  app.post(
    '/api/v1/payments/:id/reverse',
    {
      schema: {
        tags: ['payments'],
        summary:
          'Reverse a receipt (NSF, bounced cheque, charge-back) with a reason: the mirror entry is posted, the invoices it paid reopen (and customer credit it gave that was spent since is taken back from the newest invoices), and the returned-payment fee (setting payments.reversal_fee) is queued for the next invoice unless chargeFee is false. 409 when already reversed or a refund.',
        params: idParams,
        body: z.strictObject({
          reason: z.string().max(500),
          reversedOn: day.optional().describe('Today when left out; not before the payment, not in the future'),
          chargeFee: z.boolean().optional().describe('Default true; no fee when the setting is 0'),
          version: z.number().int().optional().describe('The version you read; 409 if it changed'),
        }),
        response: {
          200: paymentSchema.extend({
            feeCharge: z
              .object({ id: z.string(), description: z.string(), amount: moneySchema, chargeDate: z.string() })
              .nullable()
              .describe('The fee queued for the payer’s next invoice (a queued charge), if any'),
          }),
        },
      },
      preHandler: update,
    },
    async (request) => {
      const { payment, feeCharge } = await reversePayment(ctx, changedBy(request), request.params.id, request.body);
      return {
        ...paymentOut(payment),
        feeCharge: feeCharge ? { id: feeCharge.id, description: feeCharge.description, amount: moneyOut(money(feeCharge.unitPriceMinor, feeCharge.currency)), chargeDate: feeCharge.chargeDate } : null,
      };
    },
  );
  app.post(
    '/api/v1/refunds',
    {
      schema: {
        tags: ['payments'],
        summary: "Pay customer credit back to a contact (customer credit ↔ bank, or cash for cash). Overpaid invoices give their excess to credit first. 409 when the contact's credit is less than the amount.",
        body: z.strictObject({
          contactId: z.string().min(1).max(64),
          amount: amountIn,
          method: z.enum(PAYMENT_METHODS).describe('How the money goes back'),
          paidOn: day.optional().describe('Today when left out'),
          reference: z.string().max(200).nullable().optional(),
          note: z.string().max(2000).nullable().optional(),
        }),
        response: { 201: paymentSchema },
      },
      preHandler: update,
    },
    async (request, reply) => reply.status(201).send(paymentOut(await refundCredit(ctx, changedBy(request), request.body))),
  );
  app.post(
    '/api/v1/invoices/:id/write-off',
    {
      schema: {
        tags: ['payments'],
        summary:
          'Write off the open rest of an invoice (up to the setting payments.writeoff_limit): write-off expense ↔ A/R; the invoice becomes paid. Needs update access to payments and to the ledger. 409 when nothing is open or the rest is over the limit.',
        params: idParams,
        body: z.strictObject({
          reason: z.string().max(500),
          date: day.optional().describe('Today when left out'),
          version: z.number().int().optional().describe('The invoice version you read; 409 if it changed'),
        }),
        response: {
          200: z.object({
            invoiceId: z.string(),
            number: z.number().nullable(),
            payerId: z.string(),
            amount: moneySchema.describe('What was written off'),
            status: z.enum(['issued', 'paid']),
            open: moneySchema,
            entryId: z.string(),
            allocationId: z.string(),
          }),
        },
      },
      preHandler: [update, ledgerUpdate],
    },
    async (request) => {
      const w = await writeOffInvoice(ctx, changedBy(request), request.params.id, request.body);
      return { ...w, amount: moneyOut(w.amount), open: moneyOut(w.open) };
    },
  );
  app.get(
    '/api/v1/open-invoices',
    {
      schema: {
        tags: ['payments'],
        summary: `Issued invoices with something open, for recording payments one after another (payer, number, due date, total, paid, open, suggested amount). q: digits match the number, the payment reference or the member number; text matches the payer's name. sort: ${OPEN_INVOICE_SORTS.join(', ')}; default due_date (oldest first).`,
        querystring: listQuery.extend({
          payerId: z.string().max(64).optional(),
          overdue: boolQuery.describe('true: past the due date only; false: not yet due only'),
          at: day.optional().describe('The day overdue is counted at; default today'),
        }),
        response: { 200: pagedOf(openInvoiceSchema).extend({ totalOpen: moneySchema.describe('Σ open over every matching invoice'), at: z.string() }) },
      },
      preHandler: read,
    },
    async (request) => {
      const q = request.query;
      const page = await listOpenInvoices(
        ctx.db,
        {
          ...q,
          sort: parseSort(q.sort, OPEN_INVOICE_SORTS, { column: 'due_date', direction: 'asc' }),
          overdue: q.overdue === undefined ? undefined : q.overdue === 'true',
          at: q.at ?? (await orgToday(ctx.db, ctx.clock)),
        },
        await currency(),
      );
      return { ...page, items: page.items.map(openInvoiceOut), totalOpen: moneyOut(page.totalOpen) };
    },
  );
  app.get(
    '/api/v1/reports/ageing',
    {
      schema: {
        tags: ['payments'],
        summary: `A/R ageing at a day (default today): what each contact had open then, by days past due (current, 1–30, 31–60, 61–90, over 90), with totals over all contacts. q: part of the contact's name. sort: ${AGEING_SORTS.join(', ')}; default -total.`,
        querystring: listQuery.extend({ at: day.optional(), contactId: z.string().max(64).optional() }),
        response: {
          200: z.object({
            at: z.string(),
            currency: z.string(),
            totals: bucketsSchema.extend({ invoices: z.number(), contacts: z.number() }),
            items: z.array(bucketsSchema.extend({ contactId: z.string(), name: z.string(), invoices: z.number(), oldestDueDate: z.string().nullable() })),
            page: z.number(),
            pageSize: z.number(),
            total: z.number().describe('Contacts with something open'),
          }),
        },
      },
      preHandler: read,
    },
    async (request) => {
      const q = request.query;
      const cur = await currency();
      const r = await ageingReport(ctx.db, { ...q, at: q.at ?? (await orgToday(ctx.db, ctx.clock)), sort: parseSort(q.sort, AGEING_SORTS, { column: 'total', direction: 'desc' }) }, cur);
      return {
        at: r.at,
        currency: r.currency,
        totals: { ...bucketsOut(r.totals, cur), invoices: r.totals.invoices, contacts: r.totals.contacts },
        items: r.items.map((i) => ({ ...bucketsOut(i, cur), contactId: i.contactId, name: i.name, invoices: i.invoices, oldestDueDate: i.oldestDueDate })),
        page: r.page,
        pageSize: r.pageSize,
        total: r.total,
      };
    },
  );
  app.get(
    '/api/v1/reports/cash-received',
    {
      schema: {
        tags: ['payments'],
        summary: 'Cash received per day or month by payment method: receipts, reversals, refunds and the net, with totals per method and overall',
        querystring: z.object({
          from: day.describe('First day, inclusive'),
          to: day.describe('Last day, inclusive'),
          by: z.enum(['day', 'month']).default('month'),
        }),
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            by: z.enum(['day', 'month']),
            currency: z.string(),
            rows: z.array(cashSchema.extend({ period: z.string().describe('YYYY-MM-DD or YYYY-MM'), method: z.enum(PAYMENT_METHODS) })),
            byMethod: z.array(cashSchema.extend({ method: z.enum(PAYMENT_METHODS) })),
            totals: cashSchema,
          }),
        },
      },
      preHandler: read,
    },
    async (request) => {
      const cur = await currency();
      const r = await cashReceived(ctx.db, request.query);
      return {
        from: r.from,
        to: r.to,
        by: r.by,
        currency: cur,
        rows: r.rows.map((row) => ({ ...cashOut(row, cur), period: row.period, method: row.method })),
        byMethod: r.byMethod.map((row) => ({ ...cashOut(row, cur), method: row.method })),
        totals: cashOut(r.totals, cur),
      };
    },
  );
  app.get(
    '/api/v1/contacts/:id/balance',
    {
      schema: {
        tags: ['payments'],
        summary:
          "A contact's balance: invoiced, credited, received, reversed, refunded, written off, open, overdue, customer credit and the balance (invoiced − credited − received + reversed + refunded − written off = open − customer credit), with the open invoices",
        params: idParams,
        querystring: z.object({ at: day.optional().describe('The day overdue is counted at; default today') }),
        response: {
          200: z.object({
            contactId: z.string(),
            name: z.string(),
            currency: z.string(),
            invoiced: moneySchema,
            credited: moneySchema,
            received: moneySchema,
            reversed: moneySchema,
            refunded: moneySchema,
            writtenOff: moneySchema,
            open: moneySchema,
            overdue: moneySchema,
            customerCredit: moneySchema,
            balance: moneySchema.describe('What the contact owes all told; negative: the organization owes them'),
            openItems: z.array(openInvoiceSchema),
          }),
        },
      },
      preHandler: read,
    },
    async (request) => {
      const b = await contactBalance(ctx.db, request.params.id, request.query.at ?? (await orgToday(ctx.db, ctx.clock)), await currency());
      return {
        ...b,
        invoiced: moneyOut(b.invoiced),
        credited: moneyOut(b.credited),
        received: moneyOut(b.received),
        reversed: moneyOut(b.reversed),
        refunded: moneyOut(b.refunded),
        writtenOff: moneyOut(b.writtenOff),
        open: moneyOut(b.open),
        overdue: moneyOut(b.overdue),
        customerCredit: moneyOut(b.customerCredit),
        balance: moneyOut(b.balance),
        openItems: b.openItems.map(openInvoiceOut),
      };
    },
  );
  app.post(
    '/api/v1/contacts/:id/apply-credit',
    {
      schema: {
        tags: ['payments'],
        summary:
          "Settle a contact's customer credit now: overpaid invoices (credited after payment) give the excess back to credit, and credit is put on open invoices oldest first. (It happens by itself when invoices are issued.)",
        params: idParams,
        body: z.strictObject({}).nullish().describe('May be left out'),
        response: { 200: settlementSchema },
      },
      preHandler: update,
    },
    async (request) => settlementOut(await applyCustomerCredit(ctx, changedBy(request), request.params.id), await currency()),
  );
};
