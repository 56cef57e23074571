import { Readable } from 'node:stream';
import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../app.ts';
import {
  ACCOUNT_SORTS,
  ACCOUNT_TYPES,
  contactAccount,
  createAccount,
  deleteAccount,
  ENTRY_KINDS,
  ENTRY_SORTS,
  EXPORT_FORMATS,
  exportLedger,
  getAccount,
  getEntry,
  getJournal,
  HOLDING_STATUSES,
  importHeld,
  journalize,
  listAccounts,
  listEntries,
  listHolding,
  listJournals,
  markExported,
  postManualEntry,
  trialBalance,
  updateAccount,
  inspectOffThread,
  getLedgerCheck,
  latestLedgerCheck,
  startLedgerCheck,
  INSPECTION_STEPS,
  parseAnchor,
  type ChangedBy,
  type GlAccount,
  type HoldingItem,
  type Journal,
  type JournalDetail,
  type LedgerEntry,
} from '../../modules/ledger/index.ts';
import { orgToday } from '../../modules/catalog/index.ts';
import { actorOf, requireAccess } from '../access.ts';
import { listQuery, pagedOf, parseSort } from '../lists.ts';
import type { Api } from '../server.ts';
import { day, moneySchema, moneyOut } from '../schemas.ts';

const changedBy = (request: FastifyRequest): ChangedBy => ({ actor: actorOf(request), requestId: request.id });

const accountCode = z.string().regex(/^\d{5}-\d{4}$/, 'A G/L account number is written NNNNN-NNNN, like 51001-1006.');
const noContent = z.null().describe('No content');
const boolQuery = z.enum(['true', 'false']).optional();


const accountSchema = z.object({
  code: z.string().describe('NNNNN-NNNN; the key, never changes'),
  name: z.string(),
  type: z.enum(ACCOUNT_TYPES),
  description: z.string(),
  archived: z.boolean().describe('Kept with its postings but left out of pick lists; manual entries cannot use it'),
  inUse: z.boolean().describe('Has postings: can be archived, not deleted, and its type cannot change'),
  role: z.string().nullable().describe('The ledger.* setting that names it (ledger.ar_account, …), or null'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const accountOut = (a: GlAccount) => a;

const lineSchema = z.object({
  lineNo: z.number(),
  account: z.string(),
  accountName: z.string(),
  contactId: z.string().nullable().describe('Set on accounts receivable and customer-credit lines'),
  invoiceId: z.string().nullable().describe('The invoice an A/R line concerns (a credit note names the invoice it credits)'),
  debit: moneySchema,
  credit: moneySchema,
});
const entrySchema = z.object({
  id: z.string(),
  seq: z.number().describe('Position in the hash chain, gapless from 1'),
  date: z.string(),
  kind: z.string().describe(ENTRY_KINDS.join(' | ')),
  description: z.string(),
  contactId: z.string().nullable(),
  contactName: z.string().nullable(),
  invoiceId: z.string().nullable(),
  invoiceNumber: z.number().nullable(),
  paymentId: z.string().nullable(),
  sourceKey: z.string().nullable().describe('The event it posts, once: invoice:<id>, void:<id>, payment:<id>, …'),
  journalId: z.string().nullable(),
  journalSeq: z.number().nullable().describe('The closed journal that holds it; null until journalized'),
  amount: moneySchema.describe('Σ debit = Σ credit'),
  createdBy: z.string(),
  createdAt: z.string(),
  prevHash: z.string(),
  hash: z.string(),
  lines: z.array(lineSchema),
});
const entryOut = (e: LedgerEntry) => ({ ...e, amount: moneyOut(e.amount), lines: e.lines.map((l) => ({ ...l, debit: moneyOut(l.debit), credit: moneyOut(l.credit) })) });

const journalSchema = z.object({
  id: z.string(),
  seq: z.number(),
  upTo: z.string().describe('The last day it holds'),
  firstSeq: z.number().nullable(),
  lastSeq: z.number().nullable(),
  entryCount: z.number(),
  debit: moneySchema,
  credit: moneySchema,
  prevHash: z.string(),
  hash: z.string().describe('SHA-256 over its fields, its entries’ hashes and the previous journal’s hash'),
  closedBy: z.string(),
  closedAt: z.string(),
});
const journalDetailSchema = journalSchema.extend({
  summary: z.object({
    byKind: z.array(z.object({ kind: z.string(), entries: z.number(), debit: moneySchema, credit: moneySchema })).describe('Transaction type summary'),
    byAccount: z.array(z.object({ account: z.string(), name: z.string(), debit: moneySchema, credit: moneySchema })).describe('G/L summary; the debit and credit columns add up to the same'),
  }),
});
const journalOut = (j: Journal) => ({ ...j, debit: moneyOut(j.debit), credit: moneyOut(j.credit) });
const journalDetailOut = (j: JournalDetail) => ({
  ...journalOut(j),
  summary: {
    byKind: j.summary.byKind.map((k) => ({ ...k, debit: moneyOut(k.debit), credit: moneyOut(k.credit) })),
    byAccount: j.summary.byAccount.map((a) => ({ ...a, debit: moneyOut(a.debit), credit: moneyOut(a.credit) })),
  },
});

const holdingSchema = z.object({
  invoiceId: z.string(),
  kind: z.string().describe('invoice | credit_note'),
  number: z.number().nullable(),
  payerId: z.string(),
  payerName: z.string().nullable(),
  issueDate: z.string().nullable(),
  total: moneySchema,
  queuedAt: z.string(),
  importedAt: z.string().nullable().describe('When the built-in ledger posted it; null while it waits'),
  entryId: z.string().nullable().describe('The entry that posted it (null for an invoice that moves nothing)'),
  exportedAt: z.string().nullable().describe('When an external system said it took it'),
});
const holdingOut = (h: HoldingItem) => ({ ...h, total: moneyOut(h.total) });

const trialRowSchema = z.object({
  code: z.string(),
  name: z.string(),
  type: z.enum(ACCOUNT_TYPES),
  debit: moneySchema,
  credit: moneySchema,
  balance: moneySchema.describe('debit − credit: positive is a debit balance'),
  debitBalance: moneySchema,
  creditBalance: moneySchema,
});

const findingSchema = z.object({
  type: z.enum(['entry', 'journal']),
  seq: z.number(),
  id: z.string().nullable(),
  problem: z.string(),
  message: z.string(),
});

const verificationSchema = z.object({
  ok: z.boolean(),
  entries: z.number(),
  journals: z.number(),
  head: z.object({ seq: z.number(), hash: z.string(), date: z.string() }).nullable(),
  anchored: z.array(z.number()),
  firstBad: findingSchema.optional(),
});

const ledgerCheckSchema = z.object({
  id: z.string(),
  status: z.enum(['running', 'done', 'failed']),
  startedBy: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  progress: z.number().describe('0–1 while running, 1 when done'),
  step: z.enum(INSPECTION_STEPS).nullable().describe('The invariant being checked while running'),
  headSeq: z.number().nullable().describe('The last entry when the check started; later entries are not covered'),
  ok: z.boolean().nullable().describe('Done: chain intact and no violation'),
  verification: verificationSchema.nullable(),
  violations: z.array(z.string()).nullable(),
  error: z.string().nullable().describe('Failed: why the check could not run'),
});

const accountListQuery = listQuery.extend({
  type: z.enum(ACCOUNT_TYPES).optional(),
  archived: z.enum(['true', 'false', 'all']).optional().describe('Default false: accounts in use only'),
});
const accountBody = z.strictObject({
  code: accountCode,
  name: z.string().max(200),
  type: z.enum(ACCOUNT_TYPES),
  description: z.string().max(2000).nullable().optional(),
});
const accountPatch = z.strictObject({
  name: z.string().max(200).optional(),
  type: z.enum(ACCOUNT_TYPES).optional().describe('Refused (409) for an account with postings'),
  description: z.string().max(2000).nullable().optional(),
  archived: z.boolean().optional().describe('Refused (409) for an account a ledger.* setting names'),
});
const entryListQuery = listQuery.extend({
  kind: z.enum(ENTRY_KINDS).optional(),
  from: day.optional(),
  to: day.optional(),
  account: accountCode.optional().describe('Entries with a line on this account'),
  contactId: z.string().max(64).optional(),
  invoiceId: z.string().max(64).optional().describe('Entries of the invoice and those that settle it (credit notes, payments)'),
  paymentId: z.string().max(64).optional(),
  journalId: z.string().max(64).optional().describe('Journal id or seq'),
  journalized: boolQuery,
});
const manualBody = z.strictObject({
  date: day,
  description: z.string().max(500),
  lines: z
    .array(z.strictObject({ account: accountCode, debit: z.string().max(30).nullable().optional(), credit: z.string().max(30).nullable().optional() }))
    .min(2)
    .max(200)
    .describe('Each line a debit or a credit in major units ("450.00"); debits must equal credits'),
});

/** The general ledger (area "ledger"). */
export const registerLedgerRoutes = (app: Api, ctx: AppContext) => {
  const read = requireAccess('ledger', 'read');
  const update = requireAccess('ledger', 'update');
  const tags = ['ledger'];

  // ---- chart of accounts
  app.get(
    '/api/v1/ledger/accounts',
    {
      schema: { tags, summary: `The chart of accounts. q: part of the number or name. sort: ${ACCOUNT_SORTS.join(', ')} (default code).`, querystring: accountListQuery, response: { 200: pagedOf(accountSchema) } },
      preHandler: read,
    },
    async (request) => {
      const q = request.query;
      const page = await listAccounts(ctx.db, {
        ...q,
        sort: parseSort(q.sort, ACCOUNT_SORTS, { column: 'code', direction: 'asc' }),
        archived: q.archived === 'all' ? 'all' : q.archived === 'true',
      });
      return { ...page, items: page.items.map(accountOut) };
    },
  );
  app.post(
    '/api/v1/ledger/accounts',
    { schema: { tags, summary: 'Add an account to the chart (409 when the number exists)', body: accountBody, response: { 201: accountSchema } }, preHandler: update },
    async (request, reply) => reply.status(201).send(accountOut(await createAccount(ctx, changedBy(request), request.body))),
  );
  app.get(
    '/api/v1/ledger/accounts/:code',
    { schema: { tags, summary: 'One account', params: z.object({ code: z.string().max(20) }), response: { 200: accountSchema } }, preHandler: read },
    async (request) => accountOut(await getAccount(ctx.db, request.params.code)),
  );
  app.patch(
    '/api/v1/ledger/accounts/:code',
    {
      schema: { tags, summary: 'Rename, describe, re-type (only without postings) or archive an account', params: z.object({ code: z.string().max(20) }), body: accountPatch, response: { 200: accountSchema } },
      preHandler: update,
    },
    async (request) => accountOut(await updateAccount(ctx, changedBy(request), request.params.code, request.body)),
  );
  app.delete(
    '/api/v1/ledger/accounts/:code',
    {
      schema: { tags, summary: 'Delete an unused account. 409 when it has postings (archive it instead), a setting or a catalog item names it.', params: z.object({ code: z.string().max(20) }), response: { 204: noContent } },
      preHandler: update,
    },
    async (request, reply) => {
      await deleteAccount(ctx, changedBy(request), request.params.code);
      return reply.status(204).send(null);
    },
  );

  // ---- entries
  app.get(
    '/api/v1/ledger/entries',
    {
      schema: { tags, summary: `Ledger entries with their lines. q: part of the description or a seq. sort: ${ENTRY_SORTS.join(', ')} (default -seq).`, querystring: entryListQuery, response: { 200: pagedOf(entrySchema) } },
      preHandler: read,
    },
    async (request) => {
      const q = request.query;
      const page = await listEntries(ctx.db, {
        ...q,
        sort: parseSort(q.sort, ENTRY_SORTS, { column: 'seq', direction: 'desc' }),
        journalized: q.journalized === undefined ? undefined : q.journalized === 'true',
      });
      return { ...page, items: page.items.map(entryOut) };
    },
  );
  app.get(
    '/api/v1/ledger/entries/:id',
    { schema: { tags, summary: 'One entry with its lines (by id or seq)', params: z.object({ id: z.string().min(1).max(64) }), response: { 200: entrySchema } }, preHandler: read },
    async (request) => entryOut(await getEntry(ctx.db, request.params.id)),
  );
  app.post(
    '/api/v1/ledger/entries',
    {
      schema: {
        tags,
        summary: 'Post a manual correction or adjustment (kind manual). Balanced, on accounts in use; accounts receivable and customer credit follow invoices and payments and are refused.',
        body: manualBody,
        response: { 201: entrySchema },
      },
      preHandler: update,
    },
    async (request, reply) => reply.status(201).send(entryOut(await postManualEntry(ctx, changedBy(request), request.body))),
  );

  // ---- journals
  app.get(
    '/api/v1/ledger/journals',
    { schema: { tags, summary: 'Closed journals, newest first', querystring: listQuery.pick({ page: true, pageSize: true }), response: { 200: pagedOf(journalSchema) } }, preHandler: read },
    async (request) => {
      const page = await listJournals(ctx.db, request.query);
      return { ...page, items: page.items.map(journalOut) };
    },
  );
  app.get(
    '/api/v1/ledger/journals/:id',
    {
      schema: { tags, summary: 'One journal (by id or seq) with its summary by transaction type and by G/L account', params: z.object({ id: z.string().min(1).max(64) }), response: { 200: journalDetailSchema } },
      preHandler: read,
    },
    async (request) => journalDetailOut(await getJournal(ctx.db, request.params.id)),
  );
  app.post(
    '/api/v1/ledger/journals',
    {
      schema: {
        tags,
        summary: 'Journalize: close every entry dated on or before upTo that no journal holds into the next journal. 409 when there is nothing to close or upTo is before the last journal’s.',
        body: z.strictObject({ upTo: day.describe('The last day to include, usually the last day of the previous month; not in the future') }),
        response: { 201: journalDetailSchema },
      },
      preHandler: update,
    },
    async (request, reply) => reply.status(201).send(journalDetailOut(await journalize(ctx, changedBy(request), request.body))),
  );

  // ---- reports
  app.get(
    '/api/v1/ledger/trial-balance',
    {
      schema: {
        tags,
        summary: 'The trial balance at the end of a day: every account with postings, its debits, credits and balance; the totals are equal',
        querystring: z.object({ at: day.optional().describe('Default today'), includeEmpty: boolQuery.describe('Also list accounts without postings') }),
        response: { 200: z.object({ at: z.string(), currency: z.string(), accounts: z.array(trialRowSchema), totals: z.object({ debit: moneySchema, credit: moneySchema, debitBalance: moneySchema, creditBalance: moneySchema }) }) },
      },
      preHandler: read,
    },
    async (request) => {
      const at = request.query.at ?? (await orgToday(ctx.db, ctx.clock));
      const tb = await trialBalance(ctx.db, { at, includeEmpty: request.query.includeEmpty === 'true' });
      return {
        ...tb,
        accounts: tb.accounts.map((a) => ({ ...a, debit: moneyOut(a.debit), credit: moneyOut(a.credit), balance: moneyOut(a.balance), debitBalance: moneyOut(a.debitBalance), creditBalance: moneyOut(a.creditBalance) })),
        totals: { debit: moneyOut(tb.totals.debit), credit: moneyOut(tb.totals.credit), debitBalance: moneyOut(tb.totals.debitBalance), creditBalance: moneyOut(tb.totals.creditBalance) },
      };
    },
  );
  app.get(
    '/api/v1/ledger/contacts/:id/account',
    {
      schema: {
        tags,
        summary: 'A contact’s account in the ledger: their accounts receivable and customer-credit lines, oldest first, with a running balance (what they owe, less credit held)',
        params: z.object({ id: z.string().min(1).max(64) }),
        querystring: z.object({ from: day.optional(), to: day.optional() }),
        response: {
          200: z.object({
            contactId: z.string(),
            contactName: z.string(),
            currency: z.string(),
            from: z.string().nullable(),
            to: z.string().nullable(),
            openingBalance: moneySchema,
            lines: z.array(
              z.object({
                entryId: z.string(),
                seq: z.number(),
                date: z.string(),
                kind: z.string(),
                description: z.string(),
                account: z.string(),
                accountRole: z.enum(['receivable', 'credit']),
                invoiceId: z.string().nullable(),
                invoiceNumber: z.number().nullable(),
                paymentId: z.string().nullable(),
                debit: moneySchema,
                credit: moneySchema,
                balance: moneySchema,
              }),
            ),
            receivable: moneySchema,
            customerCredit: moneySchema.describe('Positive: held for the contact'),
            balance: moneySchema.describe('receivable − customer credit'),
          }),
        },
      },
      preHandler: read,
    },
    async (request) => {
      const a = await contactAccount(ctx.db, request.params.id, request.query);
      return {
        ...a,
        openingBalance: moneyOut(a.openingBalance),
        lines: a.lines.map((l) => ({ ...l, debit: moneyOut(l.debit), credit: moneyOut(l.credit), balance: moneyOut(l.balance) })),
        receivable: moneyOut(a.receivable),
        customerCredit: moneyOut(a.customerCredit),
        balance: moneyOut(a.balance),
      };
    },
  );

  // ---- the holding step
  app.get(
    '/api/v1/ledger/holding',
    {
      schema: {
        tags,
        summary: 'Issued invoices and credit notes in the holding step, oldest first. status: waiting (default: not imported into the built-in ledger yet), imported, not_exported, exported, all.',
        querystring: listQuery.pick({ page: true, pageSize: true }).extend({ status: z.enum(HOLDING_STATUSES).optional() }),
        response: { 200: pagedOf(holdingSchema) },
      },
      preHandler: read,
    },
    async (request) => {
      const page = await listHolding(ctx.db, request.query);
      return { ...page, items: page.items.map(holdingOut) };
    },
  );
  app.post(
    '/api/v1/ledger/holding/import',
    {
      schema: { tags, summary: 'Import everything waiting in the holding step into the ledger now (the ledger.import task does it every 10 minutes)', response: { 200: z.object({ imported: z.number(), batches: z.number() }) } },
      preHandler: update,
    },
    async (request) => importHeld(ctx, changedBy(request)),
  );
  app.post(
    '/api/v1/ledger/holding/export',
    {
      schema: {
        tags,
        summary: 'An external accounting system marks the invoices it took from the holding step (idempotent; unknown ids are refused with 400)',
        body: z.strictObject({ invoiceIds: z.array(z.string().min(1).max(64)).min(1).max(10000) }),
        response: { 200: z.object({ exported: z.number(), alreadyExported: z.number() }) },
      },
      preHandler: update,
    },
    async (request) => markExported(ctx, changedBy(request), request.body),
  );

  // ---- export and proofs
  app.get(
    '/api/v1/ledger/export',
    {
      schema: {
        tags,
        summary:
          'The ledger as a file: hledger (a journal with account declarations, one transaction per entry and balance assertions at the end; `hledger -f FILE check` accepts it) or csv (one row per line, UTF-8 with BOM).',
        querystring: z.object({ format: z.enum(EXPORT_FORMATS).default('hledger'), to: day.optional().describe('Entries dated up to this day (default all)') }),
      },
      preHandler: read,
    },
    async (request, reply) => {
      const { format, to } = request.query;
      const name = `ledger${to ? `-${to}` : ''}.${format === 'csv' ? 'csv' : 'journal'}`;
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'text/plain; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(Readable.from(exportLedger(ctx.db, { format, to })));
    },
  );
  app.get(
    '/api/v1/ledger/verify',
    {
      schema: {
        tags,
        summary:
          'Walk the hash chain of entries and the closed journals; names the first entry or journal that was altered. anchor: SEQ:HASH of an entry recorded outside the database earlier (as `head` gives them; repeatable): the chain must still have it, so a rewritten chain or entries cut off the end show.',
        querystring: z.object({ anchor: z.union([z.string(), z.array(z.string())]).optional() }),
        response: { 200: verificationSchema },
      },
      preHandler: read,
    },
    async (request) => {
      const { anchor } = request.query;
      const anchors = (anchor === undefined ? [] : Array.isArray(anchor) ? anchor : [anchor]).map(parseAnchor);
      return (await inspectOffThread(ctx.config.database, { anchors, verifyOnly: true })).verification;
    },
  );
  app.get(
    '/api/v1/ledger/check',
    {
      schema: {
        tags,
        summary: 'Check the books: balanced entries, the chain and journals, A/R per contact and invoice against open invoices, customer credit against receipts. Empty violations: all is well.',
        response: { 200: z.object({ ok: z.boolean(), violations: z.array(z.string()) }) },
      },
      preHandler: read,
    },
    async () => {
      const { violations } = await inspectOffThread(ctx.config.database);
      return { ok: violations.length === 0, violations };
    },
  );
  const checkDeps = { db: ctx.db, clock: ctx.clock, target: ctx.config.database, log: ctx.log };
  app.post(
    '/api/v1/ledger/checks',
    {
      schema: {
        tags,
        summary:
          'Start a stored check of the books (the chain walk and every invariant, as GET /ledger/check, in a worker thread on its own connection); 202 with the check, running. One runs at a time: while one runs, that one is returned. Poll GET /ledger/checks/{id} for its progress and findings.',
        response: { 202: ledgerCheckSchema },
      },
      preHandler: read,
    },
    async (request, reply) => reply.status(202).send((await startLedgerCheck(checkDeps, changedBy(request))).check),
  );
  app.get(
    '/api/v1/ledger/checks/latest',
    {
      schema: {
        tags,
        summary: 'The latest stored check (null if none ran yet; the nightly task ledger.check runs one) and the ledger\'s last entry now: entries after the check\'s headSeq are not covered by it.',
        response: { 200: z.object({ check: ledgerCheckSchema.nullable(), headSeq: z.number() }) },
      },
      preHandler: read,
    },
    async () => latestLedgerCheck(ctx.db),
  );
  app.get(
    '/api/v1/ledger/checks/:id',
    {
      schema: { tags, summary: 'One stored check: its progress while it runs, its findings when done.', params: z.object({ id: z.string().max(64) }), response: { 200: ledgerCheckSchema } },
      preHandler: read,
    },
    async (request) => getLedgerCheck(ctx.db, request.params.id),
  );
};
