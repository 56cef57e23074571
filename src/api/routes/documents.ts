import fs from 'node:fs';
import { PassThrough } from 'node:stream';
import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app.ts';
import {
  createPrintBatch,
  DELIVERY_CHANNELS,
  DOCUMENT_KINDS,
  getDocumentTemplate,
  getInvoiceDeliveries,
  getMailTemplate,
  getPrintBatch,
  getStatement,
  invoicesSentReport,
  listDocumentTemplates,
  listMailTemplates,
  listPrintBatches,
  listWaitingPrint,
  loadOrganization,
  MAIL_LANGUAGES,
  MAIL_TEMPLATE_KEYS,
  previewDocumentTemplate,
  previewMailTemplate,
  printBatchFile,
  renderInvoicePdf,
  renderStatementPdf,
  resetDocumentTemplate,
  resetMailTemplate,
  sendInvoice,
  sendInvoices,
  sendStatement,
  sendStatements,
  SENT_REPORT_SORTS,
  STATEMENT_ENTRY_KINDS,
  TEMPLATE_LANGUAGES,
  updateDocumentTemplate,
  updateMailTemplate,
  writeStatementsZip,
  type Statement,
} from '../../modules/documents/index.ts';
import { actorOf, requireAccess } from '../access.ts';
import { listQuery, pagedOf, parseSort } from '../lists.ts';
import type { Api } from '../server.ts';
import { day, moneySchema, moneyOut } from '../schemas.ts';

const changedBy = (request: FastifyRequest) => ({ actor: actorOf(request), requestId: request.id });

const idParams = z.object({ id: z.string().min(1).max(64) });

const binary = (type: string, description: string) => ({ description, content: { [type]: { schema: z.string().meta({ format: 'binary' }) } } });
const pdfResponse = binary('application/pdf', 'The PDF file');

const sendPdf = (reply: FastifyReply, bytes: Buffer, filename: string, download: boolean) =>
  reply
    .type('application/pdf')
    .header('content-disposition', `${download ? 'attachment' : 'inline'}; filename="${filename}"`)
    .header('cache-control', 'no-store')
    .send(bytes);

const downloadQuery = z.enum(['true', 'false']).optional().describe('true: served as an attachment (a download) instead of inline');

// ---- schemas

const variableSchema = z.object({ name: z.string(), description: z.string(), example: z.string() });

const templateContent = z.strictObject({
  title: z.string().max(1000).describe('Printed large at the top; empty = "Invoice"/"Faktura" … in the document language. May use {{variables}}'),
  introText: z.string().max(10_000).describe('Text above the lines; may use {{variables}}'),
  paymentTerms: z.string().max(10_000).describe('Under the payment details (invoices), the totals (credit notes) or the balance (statements)'),
  footer: z.string().max(10_000).describe('At the bottom of every page, beside the page number'),
  accentColor: z.string().max(50).describe('#RRGGBB: title, table headings, rules'),
  showLogo: z.boolean().describe('Print the logo (setting organization.logo) at the top left'),
  logoWidth: z.number().describe('Points (1/72 inch), 40–250'),
  language: z.enum(TEMPLATE_LANGUAGES).describe('organization: the language of setting organization.locale (nb-NO → Norwegian)'),
});

const documentTemplateSchema = z.object({
  kind: z.enum(DOCUMENT_KINDS),
  content: templateContent,
  customized: z.boolean().describe('false while the built-in template is used'),
  version: z.number().describe('0 for the built-in template; send it back with a change'),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
  variables: z.array(variableSchema).describe('The {{variables}} its texts may use'),
  effectiveLanguage: z.enum(MAIL_LANGUAGES),
});

const mailTemplateSchema = z.object({
  key: z.enum(MAIL_TEMPLATE_KEYS),
  language: z.enum(MAIL_LANGUAGES),
  subject: z.string(),
  body: z.string().describe('Plain text'),
  customized: z.boolean(),
  version: z.number(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
  variables: z.array(variableSchema).describe('The {{variables}} subject and body may use; any other is refused on save'),
});

const sendResultSchema = z.object({
  invoiceId: z.string(),
  sending: z.number().describe('1 = first sending, 2 = first re-send, …'),
  sentCount: z.number(),
  channel: z.enum(DELIVERY_CHANNELS),
  recipients: z.array(z.string()).describe('E-mail addresses (empty for print)'),
  jobId: z.string().describe('The delivery job (GET /api/v1/jobs/{id})'),
  note: z.string().nullable(),
});

const deliveriesSchema = z.object({
  invoiceId: z.string(),
  sentCount: z.number().describe('First sending and every re-send'),
  lastSentAt: z.string().nullable(),
  delivery: z.string().describe('The payer’s preference frozen at issue: email | print'),
  items: z.array(
    z.object({
      id: z.string(),
      sending: z.number(),
      channel: z.string().describe('email | print'),
      recipient: z.string().nullable(),
      status: z.string().describe('email: queued | sent | stored (no SMTP) | failed, as its outbox message stands; print: waiting_print | printed; failed when the sending could not be made'),
      error: z.string().nullable(),
      mailMessageId: z.string().nullable().describe('The outbox message (GET /api/v1/mail/{id})'),
      printBatchId: z.string().nullable(),
      createdBy: z.string(),
      createdAt: z.string(),
      deliveredAt: z.string().nullable(),
    }),
  ),
});

const selectionSchema = z.strictObject({
  invoiceIds: z.array(z.string().min(1).max(64)).max(10_000).optional().describe('Exactly these; the other conditions still apply'),
  kind: z.enum(['invoice', 'credit_note']).optional(),
  status: z.enum(['issued', 'paid']).optional().describe('Default: issued and paid'),
  payerId: z.string().max(64).optional(),
  billingRunId: z.string().max(64).optional(),
  issueDateFrom: day.optional(),
  issueDateTo: day.optional(),
  open: z.boolean().optional().describe('true: only invoices with something still to pay'),
  overdue: z.boolean().optional().describe('true: open and past the due date'),
  timesSent: z.number().int().min(0).max(1000).optional().describe('Sent exactly this many times so far (0: never)'),
  delivery: z.enum(DELIVERY_CHANNELS).optional().describe('The preference frozen on the invoice'),
});

const printBatchSchema = z.object({
  id: z.string(),
  file: z.string().describe('Path under the data directory'),
  documentCount: z.number(),
  pageCount: z.number().describe('Pages of the documents; the cover sheet is not counted'),
  createdBy: z.string(),
  createdAt: z.string(),
});
const printBatchDetailSchema = printBatchSchema.extend({
  items: z.array(
    z.object({
      invoiceId: z.string(),
      kind: z.string(),
      number: z.number().nullable(),
      payerName: z.string(),
      address: z.array(z.string()),
      firstPage: z.number().nullable().describe('In the file, 1-based (the cover sheet comes first)'),
      lastPage: z.number().nullable(),
    }),
  ),
});

const statementSchema = z.object({
  contact: z.object({
    id: z.string(),
    name: z.string(),
    address: z.array(z.string()),
    email: z.string().nullable(),
    memberNumber: z.number().nullable(),
    language: z.string().nullable(),
    delivery: z.string(),
  }),
  asOf: z.string(),
  currency: z.string(),
  entries: z
    .array(
      z.object({
        date: z.string(),
        kind: z.enum(STATEMENT_ENTRY_KINDS),
        sourceId: z.string().describe('The invoice (invoice, credit_note, writeoff) or payment (payment, reversal, refund)'),
        number: z.number().nullable().describe('Invoice, credit note or receipt number'),
        detail: z.string().nullable().describe('KID of an invoice; the invoice a credit note or write-off concerns; a payment’s reference; a reversal’s reason'),
        method: z.string().nullable().describe('Payments, reversals and refunds: cash | cheque | in_kind | visa | mastercard | bank_transfer | paypal | card_gateway | other'),
        dueDate: z.string().nullable(),
        charge: moneySchema.describe('What it adds to the balance'),
        credit: moneySchema.describe('What it takes off'),
        balance: moneySchema.describe('The running balance after it'),
      }),
    )
    .describe('Oldest first'),
  totalCharged: moneySchema,
  totalCredited: moneySchema,
  balance: moneySchema.describe('What the contact owes; negative: in their favour'),
  amountDue: moneySchema,
  openInvoices: z.array(
    z.object({
      id: z.string(),
      number: z.number().nullable(),
      issueDate: z.string().nullable(),
      dueDate: z.string().nullable(),
      paymentReference: z.string().nullable(),
      total: moneySchema,
      open: moneySchema,
      overdue: z.boolean(),
    }),
  ),
});

const statementOut = (s: Statement) => ({
  ...s,
  entries: s.entries.map((e) => ({ ...e, charge: moneyOut(e.charge), credit: moneyOut(e.credit), balance: moneyOut(e.balance) })),
  totalCharged: moneyOut(s.totalCharged),
  totalCredited: moneyOut(s.totalCredited),
  balance: moneyOut(s.balance),
  amountDue: moneyOut(s.amountDue),
  openInvoices: s.openInvoices.map((o) => ({ ...o, total: moneyOut(o.total), open: moneyOut(o.open) })),
});

const statementSelection = {
  contactIds: z.array(z.string().min(1).max(64)).max(50_000).optional().describe('Exactly these contacts; left out: every active contact with invoices or payments'),
  onlyWithBalance: z.boolean().optional().describe('Only contacts who owe something'),
  asOf: day.optional().describe('The statement date; today when left out'),
};

const mailKeyParams = z.object({ key: z.enum(MAIL_TEMPLATE_KEYS), language: z.enum(MAIL_LANGUAGES) });
const kindParams = z.object({ kind: z.enum(DOCUMENT_KINDS) });

/**
 * Invoice documents and delivery (issue 5): PDFs, sending and re-sending, the delivery log, print
 * batches, statements, document templates (area "billing") and e-mail templates (area "communications").
 */
export const registerDocumentRoutes = (app: Api, ctx: AppContext) => {
  const read = requireAccess('billing', 'read');
  const update = requireAccess('billing', 'update');

  // ---- invoices

  app.get(
    '/api/v1/invoices/:id/pdf',
    {
      schema: {
        tags: ['documents'],
        summary: 'The invoice or credit note as PDF (drafts and void invoices are marked across the page)',
        params: idParams,
        querystring: z.object({ download: downloadQuery }),
        response: { 200: pdfResponse },
      },
      preHandler: read,
    },
    async (request, reply) => {
      const pdf = await renderInvoicePdf(ctx, request.params.id);
      return sendPdf(reply, pdf.bytes, pdf.filename, request.query.download === 'true');
    },
  );

  app.post(
    '/api/v1/invoices/:id/send',
    {
      schema: {
        tags: ['documents'],
        summary:
          'Send or re-send an issued invoice or credit note: counted at once (sentCount), delivered by a job — e-mail with the PDF to the payer (and an organization’s administrative and confirmed technical contacts), or the print queue — as the payer prefers, unless `channel` or `to` says otherwise. 409 for drafts and void invoices; 400 when e-mail is asked for and there is no address.',
        params: idParams,
        body: z
          .strictObject({
            channel: z.enum(DELIVERY_CHANNELS).optional().describe('Override the payer’s preference'),
            to: z.array(z.string().max(254)).max(20).optional().describe('E-mail these addresses instead'),
          })
          .nullish()
          .describe('May be left out'),
        response: { 202: sendResultSchema },
      },
      preHandler: update,
    },
    async (request, reply) => reply.status(202).send(await sendInvoice(ctx, changedBy(request), request.params.id, request.body ?? {})),
  );

  app.get(
    '/api/v1/invoices/:id/deliveries',
    {
      schema: { tags: ['documents'], summary: 'How many times the invoice was sent, and every sending per recipient with its state', params: idParams, response: { 200: deliveriesSchema } },
      preHandler: read,
    },
    async (request) => getInvoiceDeliveries(ctx.db, request.params.id),
  );

  app.post(
    '/api/v1/invoices/send',
    {
      schema: {
        tags: ['documents'],
        summary:
          'Mass send or re-send: every issued or paid invoice the selection takes gets one more sending (each by its own delivery job). dryRun: true only counts. At most 50,000 at once.',
        body: z.strictObject({
          selection: selectionSchema,
          channel: z.enum(DELIVERY_CHANNELS).optional().describe('Override every payer’s preference'),
          dryRun: z.boolean().optional(),
        }),
        response: {
          200: z.object({ count: z.number(), dryRun: z.boolean(), invoiceIds: z.array(z.string()).describe('The first 100') }),
          202: z.object({ count: z.number(), dryRun: z.boolean(), invoiceIds: z.array(z.string()).describe('The first 100') }),
        },
      },
      preHandler: update,
    },
    async (request, reply) => {
      const r = await sendInvoices(ctx, changedBy(request), request.body);
      return reply.status(r.dryRun ? 200 : 202).send(r);
    },
  );

  app.get(
    '/api/v1/reports/invoices-sent',
    {
      schema: {
        tags: ['documents'],
        summary: `Contacts with unpaid invoices sent once, twice, or three or more times (count=3). A contact counts by the most times any of its open invoices was sent. sort: ${SENT_REPORT_SORTS.join(', ')} (default name).`,
        querystring: listQuery.extend({ count: z.enum(['1', '2', '3']).describe('3 means three or more') }),
        response: {
          200: pagedOf(
            z.object({
              contactId: z.string(),
              name: z.string(),
              email: z.string().nullable(),
              delivery: z.string(),
              openInvoices: z.number(),
              open: moneySchema,
              timesSent: z.number(),
              oldestDueDate: z.string().nullable(),
              lastSentAt: z.string().nullable(),
            }),
          ),
        },
      },
      preHandler: read,
    },
    async (request) => {
      const q = request.query;
      const org = await loadOrganization(ctx.db);
      const page = await invoicesSentReport(
        ctx.db,
        { count: Number(q.count) as 1 | 2 | 3, page: q.page, pageSize: q.pageSize, q: q.q, sort: parseSort(q.sort, SENT_REPORT_SORTS, { column: 'name', direction: 'asc' }) },
        org.currency,
      );
      return { ...page, items: page.items.map((i) => ({ ...i, open: moneyOut(i.open) })) };
    },
  );

  // ---- print batches

  app.get(
    '/api/v1/print-batches/waiting',
    {
      schema: {
        tags: ['documents'],
        summary: 'Sendings waiting for the next print batch, oldest first (at most 500 listed; total counts all)',
        response: {
          200: z.object({
            items: z.array(z.object({ deliveryId: z.string(), invoiceId: z.string(), kind: z.string(), number: z.number().nullable(), payerName: z.string(), sending: z.number(), queuedAt: z.string() })),
            total: z.number(),
          }),
        },
      },
      preHandler: read,
    },
    async () => listWaitingPrint(ctx.db),
  );
  app.post(
    '/api/v1/print-batches',
    {
      schema: {
        tags: ['documents'],
        summary: 'Gather everything waiting for print (oldest first, up to `limit` documents) into ONE PDF under the data directory, cover sheet first; the sendings become printed. 400 when nothing waits.',
        body: z.strictObject({ limit: z.number().int().min(1).max(5000).optional().describe('Default 1000') }).nullish(),
        response: { 201: printBatchDetailSchema },
      },
      preHandler: update,
    },
    async (request, reply) => reply.status(201).send(await createPrintBatch(ctx, changedBy(request), { limit: request.body?.limit })),
  );
  app.get(
    '/api/v1/print-batches',
    { schema: { tags: ['documents'], summary: 'Print batches, newest first', querystring: listQuery.pick({ page: true, pageSize: true }), response: { 200: pagedOf(printBatchSchema) } }, preHandler: read },
    async (request) => listPrintBatches(ctx.db, request.query),
  );
  app.get(
    '/api/v1/print-batches/:id',
    { schema: { tags: ['documents'], summary: 'One print batch with the list of what it holds, in file order', params: idParams, response: { 200: printBatchDetailSchema } }, preHandler: read },
    async (request) => getPrintBatch(ctx, request.params.id),
  );
  app.get(
    '/api/v1/print-batches/:id/pdf',
    { schema: { tags: ['documents'], summary: 'The print batch file (one PDF)', params: idParams, querystring: z.object({ download: downloadQuery }), response: { 200: pdfResponse } }, preHandler: read },
    async (request, reply) => {
      const f = await printBatchFile(ctx, request.params.id);
      return reply
        .type('application/pdf')
        .header('content-length', f.size)
        .header('content-disposition', `${request.query.download === 'true' ? 'attachment' : 'inline'}; filename="${f.filename}"`)
        .send(fs.createReadStream(f.path) as never);
    },
  );

  // ---- statements

  app.get(
    '/api/v1/contacts/:id/statement',
    {
      schema: {
        tags: ['documents'],
        summary: 'A contact’s statement: every invoice, credit note, payment, reversal, refund and write-off, oldest first, with the running balance and the amount due. format=pdf for the document.',
        params: idParams,
        querystring: z.object({ format: z.enum(['json', 'pdf']).default('json'), asOf: day.optional().describe('Statement date; today when left out'), download: downloadQuery }),
        response: { 200: { description: 'The statement', content: { 'application/json': { schema: statementSchema }, 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } } } },
      },
      preHandler: read,
    },
    async (request, reply) => {
      if (request.query.format === 'pdf') {
        const pdf = await renderStatementPdf(ctx, request.params.id, { asOf: request.query.asOf });
        return sendPdf(reply, pdf.bytes, pdf.filename, request.query.download === 'true');
      }
      return reply.type('application/json').send(statementOut(await getStatement(ctx, request.params.id, { asOf: request.query.asOf })));
    },
  );
  app.post(
    '/api/v1/contacts/:id/statement/send',
    {
      schema: {
        tags: ['documents'],
        summary: 'E-mail the contact’s statement (PDF attached) to the contact — for an organization also its administrative and confirmed technical contacts — or to `to`. 400 when there is no address.',
        params: idParams,
        body: z.strictObject({ asOf: day.optional(), to: z.array(z.string().max(254)).max(20).optional() }).nullish(),
        response: { 202: z.object({ contactId: z.string(), asOf: z.string(), recipients: z.array(z.string()), messageIds: z.array(z.string()) }) },
      },
      preHandler: update,
    },
    async (request, reply) => reply.status(202).send(await sendStatement(ctx, changedBy(request), request.params.id, request.body ?? {})),
  );
  app.post(
    '/api/v1/statements/send',
    {
      schema: {
        tags: ['documents'],
        summary: 'Statements by e-mail for every active contact with invoices or payments (or the ones given): one job per contact with an address; the others are counted and listed (get them with GET /api/v1/statements/zip). dryRun only counts.',
        body: z.strictObject({ ...statementSelection, dryRun: z.boolean().optional() }),
        response: {
          200: z.object({ batchId: z.string().nullable(), asOf: z.string(), dryRun: z.boolean(), count: z.number(), withoutEmail: z.number(), withoutEmailIds: z.array(z.string()) }),
          202: z.object({ batchId: z.string().nullable(), asOf: z.string(), dryRun: z.boolean(), count: z.number(), withoutEmail: z.number(), withoutEmailIds: z.array(z.string()) }),
        },
      },
      preHandler: update,
    },
    async (request, reply) => {
      const r = await sendStatements(ctx, changedBy(request), request.body);
      return reply.status(r.dryRun || !r.batchId ? 200 : 202).send(r);
    },
  );
  app.get(
    '/api/v1/statements/zip',
    {
      schema: {
        tags: ['documents'],
        summary: 'A zip of statement PDFs, one per contact: every active contact with invoices or payments, or the ones given (comma-separated ids). Streamed as it is made.',
        querystring: z.object({
          contactIds: z.string().max(20_000).optional().describe('Comma-separated contact ids'),
          onlyWithBalance: z.enum(['true', 'false']).optional(),
          asOf: day.optional(),
        }),
        response: { 200: binary('application/zip', 'The zip file') },
      },
      preHandler: read,
    },
    async (request, reply) => {
      const q = request.query;
      const org = await loadOrganization(ctx.db);
      const asOf = q.asOf ?? ctx.clock.today(org.timeZone).toString();
      const stream = new PassThrough();
      const sel = { contactIds: q.contactIds ? q.contactIds.split(',').map((s) => s.trim()).filter(Boolean) : undefined, onlyWithBalance: q.onlyWithBalance === 'true', asOf };
      writeStatementsZip(ctx, sel, stream).catch((e: unknown) => stream.destroy(e as Error));
      return reply.type('application/zip').header('content-disposition', `attachment; filename="statements-${asOf}.zip"`).send(stream as never);
    },
  );

  // ---- document templates (billing)

  app.get(
    '/api/v1/document-templates',
    { schema: { tags: ['documents'], summary: 'The invoice, credit note and statement templates', response: { 200: z.object({ items: z.array(documentTemplateSchema) }) } }, preHandler: read },
    async () => ({ items: await listDocumentTemplates(ctx.db) }),
  );
  app.get(
    '/api/v1/document-templates/:kind',
    { schema: { tags: ['documents'], summary: 'One document template, with the variables its texts may use', params: kindParams, response: { 200: documentTemplateSchema } }, preHandler: read },
    async (request) => getDocumentTemplate(ctx.db, request.params.kind),
  );
  app.put(
    '/api/v1/document-templates/:kind',
    {
      schema: {
        tags: ['documents'],
        summary: 'Save a document template. A {{variable}} the kind does not have, a bad colour or width is refused (400, every problem in details.problems); a stale version is 409.',
        params: kindParams,
        body: z.strictObject({ content: templateContent, version: z.number().int().optional().describe('The version you read') }),
        response: { 200: documentTemplateSchema },
      },
      preHandler: update,
    },
    async (request) => updateDocumentTemplate(ctx, changedBy(request), request.params.kind, request.body),
  );
  app.delete(
    '/api/v1/document-templates/:kind',
    { schema: { tags: ['documents'], summary: 'Go back to the built-in template', params: kindParams, response: { 200: documentTemplateSchema } }, preHandler: update },
    async (request) => resetDocumentTemplate(ctx, changedBy(request), request.params.kind),
  );
  app.post(
    '/api/v1/document-templates/:kind/preview',
    {
      schema: {
        tags: ['documents'],
        summary:
          'Render an unsaved template as PDF on real data: the invoice or contact given, else the newest one; examples on an empty database. Checked like a save (400). The x-preview-source header says what was used (invoice:<id>, contact:<id> or sample).',
        params: kindParams,
        body: z.strictObject({ content: templateContent, invoiceId: z.string().max(64).optional(), contactId: z.string().max(64).optional(), asOf: day.optional() }),
        response: { 200: pdfResponse },
      },
      preHandler: read,
    },
    async (request, reply) => {
      const pdf = await previewDocumentTemplate(ctx, request.params.kind, request.body);
      reply.header('x-preview-source', pdf.sourceId ? `${pdf.source}:${pdf.sourceId}` : pdf.source);
      return sendPdf(reply, pdf.bytes, pdf.filename, false);
    },
  );

  // ---- e-mail templates (communications)

  const mailRead = requireAccess('communications', 'read');
  const mailUpdate = requireAccess('communications', 'update');
  app.get(
    '/api/v1/mail-templates',
    { schema: { tags: ['documents'], summary: 'Every e-mail template (invoice, credit_note, receipt, statement, welcome) in English and Norwegian', response: { 200: z.object({ items: z.array(mailTemplateSchema) }) } }, preHandler: mailRead },
    async () => ({ items: await listMailTemplates(ctx.db) }),
  );
  app.get(
    '/api/v1/mail-templates/:key/:language',
    { schema: { tags: ['documents'], summary: 'One e-mail template with its documented variables', params: mailKeyParams, response: { 200: mailTemplateSchema } }, preHandler: mailRead },
    async (request) => getMailTemplate(ctx.db, request.params.key, request.params.language),
  );
  app.put(
    '/api/v1/mail-templates/:key/:language',
    {
      schema: {
        tags: ['documents'],
        summary: 'Save an e-mail template. A {{variable}} the template does not have is refused (400 naming it and the ones allowed); a stale version is 409.',
        params: mailKeyParams,
        body: z.strictObject({ subject: z.string().max(1000), body: z.string().max(20_000), version: z.number().int().optional() }),
        response: { 200: mailTemplateSchema },
      },
      preHandler: mailUpdate,
    },
    async (request) => updateMailTemplate(ctx, changedBy(request), request.params.key, request.params.language, request.body),
  );
  app.delete(
    '/api/v1/mail-templates/:key/:language',
    { schema: { tags: ['documents'], summary: 'Go back to the built-in text', params: mailKeyParams, response: { 200: mailTemplateSchema } }, preHandler: mailUpdate },
    async (request) => resetMailTemplate(ctx, changedBy(request), request.params.key, request.params.language),
  );
  app.post(
    '/api/v1/mail-templates/:key/:language/preview',
    {
      schema: {
        tags: ['documents'],
        summary: 'Fill an unsaved e-mail template with real data (the record given, else the newest of its kind) or with examples. Checked like a save (400).',
        params: mailKeyParams,
        body: z.strictObject({
          subject: z.string().max(1000),
          body: z.string().max(20_000),
          invoiceId: z.string().max(64).optional().describe('invoice, credit_note'),
          contactId: z.string().max(64).optional().describe('statement, welcome'),
          paymentId: z.string().max(64).optional().describe('receipt'),
        }),
        response: { 200: z.object({ subject: z.string(), body: z.string(), source: z.enum(['invoice', 'contact', 'payment', 'sample']), sourceId: z.string().nullable() }) },
      },
      preHandler: mailRead,
    },
    async (request) => previewMailTemplate(ctx, request.params.key, request.params.language, request.body),
  );
};
