/**
 * The general ledger on a real database (SQLite, and PostgreSQL with TEST_DATABASE_URL): postings
 * and their rules, every posting the invoices module makes (issue, credit note, void), the holding
 * step (immediate and held), the chart of accounts, the trial balance and a contact's account.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { inTransaction, toBigInt, toNumber } from '../../db/database.ts';
import { systemActor } from '../audit/index.ts';
import { createContact } from '../contacts/index.ts';
import { createCreditNote, createInvoice, getInvoice, issueInvoice, issueNewInvoices, voidInvoice, type NewLine } from '../invoices/index.ts';
import { updateSetting } from '../settings/index.ts';
import {
  checkInvariants,
  contactAccount,
  createAccount,
  deleteAccount,
  getAccount,
  getEntry,
  importHeld,
  listAccounts,
  listEntries,
  listHolding,
  markExported,
  postEntries,
  postEntry,
  trialBalance,
  updateAccount,
  verifyLedger,
  type NewEntry,
} from './index.ts';

let ctx: TestContext;
const by = { actor: systemActor, requestId: 'req-ledger' };
let alice: string;
let bob: string;

before(async () => {
  ctx = await createTestContext({ start: '2026-03-10T10:00:00Z' });
  alice = (await createContact(ctx, by, { kind: 'person', firstNames: 'Alice', lastName: 'Ødegård', email: 'alice@example.org' })).id;
  bob = (await createContact(ctx, by, { kind: 'person', firstNames: 'Bob', lastName: 'Dahl', email: 'bob@example.org' })).id;
});
after(async () => ctx.close());

const assertBooksBalance = async () => assert.deepEqual(await checkInvariants(ctx.db), []);

const entryOf = async (sourceKey: string) => {
  const row = await ctx.db.selectFrom('ledger_entry').select('id').where('source_key', '=', sourceKey).executeTakeFirst();
  return row ? getEntry(ctx.db, row.id) : null;
};
/** Lines as [account, debit, credit, contact?, invoice?] with amounts in minor units. */
const linesOf = (e: Awaited<ReturnType<typeof getEntry>>) => e.lines.map((l) => [l.account, l.debit.minor, l.credit.minor, l.contactId, l.invoiceId]);

const manual = (lines: { description: string; unitPrice: string; vatRate?: string; glAccount?: string; quantity?: string }[], payerId = alice) => createInvoice(ctx, by, { payerId, lines });
const issued = async (lines: Parameters<typeof manual>[0], payerId = alice) => issueInvoice(ctx, by, (await manual(lines, payerId)).id, { issueDate: '2026-03-10' });

const arOf = async (contactId: string) => (await contactAccount(ctx.db, contactId)).receivable.minor;

test('postEntries: balanced entries post in bulk with a seq, a hash chain and lines; a source key posts once', async () => {
  const entries: NewEntry[] = [
    { date: '2026-03-01', kind: 'manual', description: 'Opening cash', sourceKey: 'test:open', lines: [{ account: '19000-0000', debitMinor: 10000n }, { account: '20500-0000', creditMinor: 10000n }] },
    { date: '2026-03-02', kind: 'manual', description: 'Cash to bank', lines: [{ account: '19200-0000', debitMinor: 4000n }, { account: '19000-0000', creditMinor: 4000n }] },
  ];
  const refs = await inTransaction(ctx.db, (tx) => postEntries(tx, ctx, 'tester', entries));
  assert.equal(refs.length, 2);
  assert.equal(refs[1]!.seq, refs[0]!.seq + 1);
  assert.ok(refs.every((r) => r.created));
  const first = await getEntry(ctx.db, refs[0]!.id);
  assert.equal(first.prevHash, '0'.repeat(64));
  const second = await getEntry(ctx.db, String(refs[1]!.seq));
  assert.equal(second.prevHash, first.hash);
  assert.equal(second.amount.minor, 4000n);
  assert.deepEqual(linesOf(second), [
    ['19200-0000', 4000n, 0n, null, null],
    ['19000-0000', 0n, 4000n, null, null],
  ]);
  // The same source key again (alone, or twice in one call): the first entry comes back, nothing new is written.
  const again = await inTransaction(ctx.db, (tx) => postEntries(tx, ctx, 'tester', [entries[0]!, { ...entries[0]!, description: 'twice in one call' }]));
  assert.deepEqual(again.map((r) => [r.id, r.created]), [[refs[0]!.id, false], [refs[0]!.id, false]]);
  const twiceNew = await inTransaction(ctx.db, (tx) =>
    postEntries(tx, ctx, 'tester', [
      { ...entries[1]!, sourceKey: 'test:dup' },
      { ...entries[1]!, sourceKey: 'test:dup' },
    ]),
  );
  assert.equal(twiceNew[0]!.id, twiceNew[1]!.id);
  assert.deepEqual(twiceNew.map((r) => r.created), [true, false]);
  assert.equal((await verifyLedger(ctx.db)).ok, true);
  await assertBooksBalance();
});

test('postEntries refuses entries that are not a double entry, unknown accounts, and A/R lines without a contact', async () => {
  const post = (e: Partial<NewEntry>) =>
    inTransaction(ctx.db, (tx) => postEntry(tx, ctx, 'tester', { date: '2026-03-03', kind: 'manual', description: 'Bad', lines: [], ...e } as NewEntry));
  const rejects = async (e: Partial<NewEntry>, message: RegExp) => assert.rejects(post(e), (err: Error & { code?: string }) => err.code === 'validation' && message.test(err.message));
  await rejects({ lines: [] }, /at least two lines/);
  await rejects({ lines: [{ account: '19000-0000', debitMinor: 100n }, { account: '20500-0000', creditMinor: 99n }] }, /does not balance: debits 100 and credits 99/);
  await rejects({ lines: [{ account: '19000-0000', debitMinor: 100n, creditMinor: 100n }, { account: '20500-0000', creditMinor: 0n, debitMinor: 0n }] }, /both a debit and a credit/);
  await rejects({ lines: [{ account: '19000-0000', debitMinor: -100n }, { account: '20500-0000', creditMinor: -100n }] }, /never negative/);
  await rejects({ lines: [{ account: '19000-0000', debitMinor: 0n }, { account: '20500-0000', creditMinor: 0n }] }, /moves nothing/);
  await rejects({ date: '3 March', lines: [{ account: '19000-0000', debitMinor: 1n }, { account: '20500-0000', creditMinor: 1n }] }, /YYYY-MM-DD/);
  await rejects({ kind: 'gift' as never, lines: [{ account: '19000-0000', debitMinor: 1n }, { account: '20500-0000', creditMinor: 1n }] }, /kind must be one of/);
  await rejects({ lines: [{ account: '12345-6789', debitMinor: 1n }, { account: '20500-0000', creditMinor: 1n }] }, /12345-6789 is not in the chart of accounts/);
  await rejects({ lines: [{ account: '1234', debitMinor: 1n }, { account: '20500-0000', creditMinor: 1n }] }, /NNNNN-NNNN/);
  await rejects({ lines: [{ account: '15000-0000', debitMinor: 1n }, { account: '30000-0000', creditMinor: 1n }] }, /accounts receivable \(15000-0000\) must name the contact/);
  await rejects({ lines: [{ account: '19000-0000', debitMinor: 1n }, { account: '29000-0000', creditMinor: 1n }] }, /customer credit \(29000-0000\) must name the contact/);
  // Nothing of the refused entries was written.
  assert.equal((await listEntries(ctx.db, { page: 1, pageSize: 50, q: 'Bad' })).total, 0);
  await assertBooksBalance();
});

test('an issued invoice posts A/R (payer, invoice) ↔ each line account net + output VAT, in the issuing transaction', async () => {
  const inv = await issued([
    { description: 'Course', unitPrice: '800.00', vatRate: '25', glAccount: '31000-0000' },
    { description: 'Book', unitPrice: '200.00', vatRate: '0', glAccount: '30000-0000' },
    { description: 'Course day 2', unitPrice: '400.00', vatRate: '25', glAccount: '31000-0000' },
  ]);
  assert.equal(inv.total.minor, 80000n + 20000n + 40000n + 30000n);
  const e = (await entryOf(`invoice:${inv.id}`))!;
  assert.equal(e.kind, 'invoice');
  assert.equal(e.date, '2026-03-10');
  assert.equal(e.description, `Invoice ${inv.number}`);
  assert.equal(e.contactId, alice);
  assert.equal(e.invoiceId, inv.id);
  assert.equal(e.invoiceNumber, inv.number);
  assert.deepEqual(linesOf(e), [
    ['15000-0000', 170000n, 0n, alice, inv.id],
    ['31000-0000', 0n, 120000n, null, null],
    ['30000-0000', 0n, 20000n, null, null],
    ['27000-0000', 0n, 30000n, null, null],
  ]);
  // The holding row says it was imported at once (the default setting).
  const [held] = (await listHolding(ctx.db, { page: 1, pageSize: 10, status: 'imported' })).items.filter((h) => h.invoiceId === inv.id);
  assert.equal(held?.entryId, e.id);
  assert.equal(await arOf(alice), 170000n);
  await assertBooksBalance();
});

test('a credit note posts the mirror, naming the invoice it credits; a void posts a mirror entry and changes nothing', async () => {
  const inv = await issued([
    { description: 'Membership', unitPrice: '500.00', vatRate: '0', glAccount: '31000-0000' },
    { description: 'T-shirt', unitPrice: '100.00', vatRate: '25', glAccount: '30000-0000' },
  ], bob);
  const shirt = inv.lines[1]!;
  const note = await createCreditNote(ctx, by, inv.id, { lines: [{ lineId: shirt.id }], reason: 'Wrong size, returned' });
  const e = (await entryOf(`invoice:${note.id}`))!;
  assert.equal(e.kind, 'credit_note');
  assert.equal(e.invoiceId, note.id);
  assert.deepEqual(linesOf(e), [
    ['15000-0000', 0n, 12500n, bob, inv.id],
    ['30000-0000', 10000n, 0n, null, null],
    ['27000-0000', 2500n, 0n, null, null],
  ]);
  assert.equal(await arOf(bob), 50000n);
  await assertBooksBalance();

  const other = await issued([{ description: 'Mistake', unitPrice: '300.00', vatRate: '25', glAccount: '31000-0000' }], bob);
  const posted = (await entryOf(`invoice:${other.id}`))!;
  assert.equal(await arOf(bob), 50000n + 37500n);
  await voidInvoice(ctx, by, other.id, { reason: 'Issued to the wrong member' });
  const v = (await entryOf(`void:${other.id}`))!;
  assert.equal(v.kind, 'void');
  assert.equal(v.invoiceId, other.id);
  assert.match(v.description, new RegExp(`Invoice ${other.number} voided \\(mirrors entry ${posted.seq}\\)`));
  assert.deepEqual(linesOf(v), [
    ['15000-0000', 0n, 37500n, bob, other.id],
    ['31000-0000', 30000n, 0n, null, null],
    ['27000-0000', 7500n, 0n, null, null],
  ]);
  // The original entry is untouched.
  assert.deepEqual(await getEntry(ctx.db, posted.id), posted);
  assert.equal(await arOf(bob), 50000n);
  await assertBooksBalance();
});

test('discount lines post on the other side; an invoice that moves nothing posts nothing; a new line account joins the chart', async () => {
  const inv = await issued([
    { description: 'Fee', unitPrice: '1000.00', vatRate: '0', glAccount: '31000-0000' },
    { description: 'Volunteer discount', unitPrice: '-250.00', vatRate: '0', glAccount: '38000-0000' },
  ]);
  assert.deepEqual(linesOf((await entryOf(`invoice:${inv.id}`))!), [
    ['15000-0000', 75000n, 0n, alice, inv.id],
    ['31000-0000', 0n, 100000n, null, null],
    ['38000-0000', 25000n, 0n, null, null],
  ]);
  const free = await issued([
    { description: 'Fee', unitPrice: '100.00', vatRate: '0', glAccount: '31000-0000' },
    { description: 'Waived', unitPrice: '-100.00', vatRate: '0', glAccount: '31000-0000' },
  ]);
  assert.equal(free.total.minor, 0n);
  assert.equal(await entryOf(`invoice:${free.id}`), null);
  const row = await ctx.db.selectFrom('ledger_holding').selectAll().where('invoice_id', '=', free.id).executeTakeFirstOrThrow();
  assert.ok(row.imported_at);
  assert.equal(row.entry_id, null);

  // A catalog typo must not stop billing: the account is added (type income) and can be renamed.
  const odd = await issued([{ description: 'Donation', unitPrice: '50.00', vatRate: '0', glAccount: '39999-0001' }]);
  const added = await getAccount(ctx.db, '39999-0001');
  assert.equal(added.type, 'income');
  assert.equal(added.name, `Added from invoice ${odd.number}`);
  assert.equal(added.inUse, true);
  await assertBooksBalance();
});

test('a role account missing from the chart stops the issue with a message saying what to fix; nothing is half-written', async () => {
  await updateSetting(ctx, systemActor, 'ledger.vat_account', '27999-0000');
  try {
    const draft = await manual([{ description: 'Taxed', unitPrice: '100.00', vatRate: '25', glAccount: '31000-0000' }]);
    await assert.rejects(issueInvoice(ctx, by, draft.id, { issueDate: '2026-03-10' }), /27999-0000 is not in the chart of accounts\. Add it to the chart \(Ledger → Accounts\), or correct the setting/);
    assert.equal((await getInvoice(ctx.db, draft.id)).status, 'draft');
  } finally {
    await updateSetting(ctx, systemActor, 'ledger.vat_account', '27000-0000');
  }
  await assertBooksBalance();
});

test('the billing run hook posts a whole batch in bulk from memory, and only once', async () => {
  const line = (key: string, net: bigint): NewLine => ({
    chargeKey: key, source: 'subscription', subscriptionId: null, itemType: 'membership_type', itemId: 'mt_ord', description: 'Ordinary member',
    quantity: '1', unitPriceMinor: net, netMinor: net, vatRate: '0', periodStart: '2026-03-01', periodEnd: '2027-03-01', glAccount: '31000-0000',
  });
  const before = toNumber((await ctx.db.selectFrom('ledger_entry').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const out = await inTransaction(ctx.db, (tx) =>
    issueNewInvoices(tx, ctx, {
      origin: 'run', billingRunId: null, issueDate: '2026-03-09', createdBy: 'billing run',
      invoices: Array.from({ length: 120 }, (_, i) => ({ payerId: i % 2 ? alice : bob, currency: 'NOK', lines: [line(`bulk:${i}`, BigInt(1000 + i))] })),
    }),
  );
  const after = toNumber((await ctx.db.selectFrom('ledger_entry').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  assert.equal(after - before, 120);
  const e = (await entryOf(`invoice:${out[7]!.id}`))!;
  assert.equal(e.date, '2026-03-09');
  assert.equal(e.createdBy, 'billing run');
  assert.deepEqual(linesOf(e), [
    ['15000-0000', 1007n, 0n, alice, out[7]!.id],
    ['31000-0000', 0n, 1007n, null, null],
  ]);
  await assertBooksBalance();
});

test('held posting: invoices wait in the holding step, the books still reconcile, import posts them once; voiding a held invoice posts it first', async () => {
  await updateSetting(ctx, systemActor, 'ledger.invoice_posting', 'held');
  try {
    const a = await issued([{ description: 'Held one', unitPrice: '100.00', vatRate: '0', glAccount: '31000-0000' }], bob);
    const b = await issued([{ description: 'Held two', unitPrice: '200.00', vatRate: '25', glAccount: '31000-0000' }], bob);
    const c = await issued([{ description: 'Held three', unitPrice: '300.00', vatRate: '0', glAccount: '31000-0000' }], bob);
    const note = await createCreditNote(ctx, by, c.id, { reason: 'Cancelled' });
    assert.equal(await entryOf(`invoice:${a.id}`), null);
    const waiting = await listHolding(ctx.db, { page: 1, pageSize: 50 });
    assert.deepEqual(waiting.items.map((h) => h.number), [a.number, b.number, c.number, note.number]);
    assert.equal(waiting.items[3]!.kind, 'credit_note');
    assert.equal(waiting.items[1]!.total.minor, 25000n);
    // The invariants know what waits: ledger A/R plus what is held equals what is open.
    await assertBooksBalance();

    // An external system takes two of them; marking is idempotent and unknown ids are refused.
    assert.deepEqual(await markExported(ctx, by, { invoiceIds: [a.id, b.id] }), { exported: 2, alreadyExported: 0 });
    assert.deepEqual(await markExported(ctx, by, { invoiceIds: [a.id] }), { exported: 0, alreadyExported: 1 });
    await assert.rejects(markExported(ctx, by, { invoiceIds: ['nope'] }), /not in the holding step/);
    assert.equal((await listHolding(ctx.db, { page: 1, pageSize: 50, status: 'exported' })).total, 2);

    // Voiding a held invoice imports it first, then mirrors it.
    await voidInvoice(ctx, by, a.id, { reason: 'Duplicate' });
    assert.ok(await entryOf(`invoice:${a.id}`));
    assert.ok(await entryOf(`void:${a.id}`));
    await assertBooksBalance();

    const result = await importHeld(ctx, by);
    assert.deepEqual(result, { imported: 3, batches: 1 });
    assert.ok(await entryOf(`invoice:${b.id}`));
    assert.deepEqual(linesOf((await entryOf(`invoice:${note.id}`))!)[0], ['15000-0000', 0n, 30000n, bob, c.id]);
    assert.equal((await listHolding(ctx.db, { page: 1, pageSize: 50 })).total, 0);
    assert.deepEqual(await importHeld(ctx, by), { imported: 0, batches: 0 });
    const audit = await ctx.db.selectFrom('audit_log').select(['action']).where('entity_type', '=', 'ledger_holding').execute();
    assert.deepEqual(audit.map((r) => r.action).sort(), ['export', 'import']);
    await assertBooksBalance();
  } finally {
    await updateSetting(ctx, systemActor, 'ledger.invoice_posting', 'immediate');
  }
});

test('trial balance at any date: debit and credit totals equal, A/R equals what is open', async () => {
  const tb = await trialBalance(ctx.db, { at: '2026-12-31' });
  assert.equal(tb.totals.debit.minor, tb.totals.credit.minor);
  assert.equal(tb.totals.debitBalance.minor, tb.totals.creditBalance.minor);
  const ar = tb.accounts.find((a) => a.code === '15000-0000')!;
  const open = await ctx.db.selectFrom('invoice').select(['id', 'total_minor', 'paid_minor', 'kind', 'status']).execute();
  let expected = 0n;
  for (const i of open) if (i.status === 'issued' || i.status === 'paid') expected += toBigInt(i.total_minor) - toBigInt(i.paid_minor);
  assert.equal(ar.balance.minor, expected);
  assert.equal(ar.debitBalance.minor, expected);
  // Before anything was posted: only the opening entries of 1–2 March.
  const early = await trialBalance(ctx.db, { at: '2026-03-01' });
  assert.deepEqual(early.accounts.map((a) => [a.code, a.balance.minor]), [['19000-0000', 10000n], ['20500-0000', -10000n]]);
  assert.equal((await trialBalance(ctx.db, { at: '2025-01-01' })).accounts.length, 0);
  await assert.rejects(trialBalance(ctx.db, { at: 'today' }), /YYYY-MM-DD/);
  // The trial balance reads the day totals; a day total that no longer matches its lines is reported.
  const day = { account_code: '19000-0000', entry_date: '2026-03-01' };
  const kept = await ctx.db.selectFrom('ledger_day_total').selectAll().where('account_code', '=', day.account_code).where('entry_date', '=', day.entry_date).executeTakeFirstOrThrow();
  await ctx.db.updateTable('ledger_day_total').set({ debit_minor: 1 }).where('account_code', '=', day.account_code).where('entry_date', '=', day.entry_date).execute();
  assert.deepEqual(await checkInvariants(ctx.db), [`Account and day 19000-0000 2026-03-01: the day total says debit 1, credit 0, 1 lines, the lines add up to debit ${toBigInt(kept.debit_minor)}, credit 0, 1 lines.`]);
  await ctx.db.updateTable('ledger_day_total').set({ debit_minor: kept.debit_minor }).where('account_code', '=', day.account_code).where('entry_date', '=', day.entry_date).execute();
  await assertBooksBalance();
});

test('a contact account lists A/R and customer-credit lines oldest first with a running balance', async () => {
  const acc = await contactAccount(ctx.db, bob);
  assert.equal(acc.contactName, 'Dahl, Bob');
  assert.ok(acc.lines.length >= 5);
  let running = 0n;
  for (const l of acc.lines) {
    running += l.debit.minor - l.credit.minor;
    assert.equal(l.balance.minor, running);
    assert.equal(l.accountRole, 'receivable');
  }
  assert.equal(acc.balance.minor, running);
  assert.equal(acc.receivable.minor, running);
  assert.equal(acc.customerCredit.minor, 0n);
  const later = await contactAccount(ctx.db, bob, { from: '2026-03-10' });
  assert.equal(later.openingBalance.minor + later.lines.reduce((s, l) => s + l.debit.minor - l.credit.minor, 0n), acc.balance.minor);
  await assert.rejects(contactAccount(ctx.db, 'no-such-contact'), /not found/);
});

test('the chart of accounts: create, rename, archive; accounts in use keep their type and are never deleted', async () => {
  const acc = await createAccount(ctx, by, { code: '51001-1006', name: 'Course materials', type: 'expense', description: 'Books and paper' });
  assert.deepEqual([acc.code, acc.type, acc.inUse, acc.archived, acc.role], ['51001-1006', 'expense', false, false, null]);
  await assert.rejects(createAccount(ctx, by, { code: '51001-1006', name: 'Again', type: 'expense' }), /already has account 51001-1006/);
  await assert.rejects(createAccount(ctx, by, { code: '5100-1006', name: 'Bad', type: 'expense' }), /NNNNN-NNNN/);
  await assert.rejects(createAccount(ctx, by, { code: '51001-1007', name: 'Bad', type: 'cost' }), /type must be one of/);
  assert.equal((await updateAccount(ctx, by, '51001-1006', { type: 'asset', name: 'Materials' })).type, 'asset');

  const used = await getAccount(ctx.db, '31000-0000');
  assert.equal(used.inUse, true);
  await assert.rejects(updateAccount(ctx, by, '31000-0000', { type: 'expense' }), /has postings, so its type stays income/);
  await assert.rejects(deleteAccount(ctx, by, '31000-0000'), /never deleted. Archive it instead/);
  await assert.rejects(updateAccount(ctx, by, '15000-0000', { archived: true }), /setting ledger.ar_account names/);
  assert.equal((await getAccount(ctx.db, '29000-0000')).role, 'ledger.credit_account');
  const archived = await updateAccount(ctx, by, '31000-0000', { archived: true });
  assert.equal(archived.archived, true);
  assert.equal((await listAccounts(ctx.db, { page: 1, pageSize: 100 })).items.some((a) => a.code === '31000-0000'), false);
  assert.equal((await listAccounts(ctx.db, { page: 1, pageSize: 100, archived: true })).items[0]!.code, '31000-0000');
  // Manual entries cannot use an archived account; automated postings (invoices) still can.
  await assert.rejects(
    inTransaction(ctx.db, (tx) => postEntry(tx, ctx, 't', { date: '2026-03-10', kind: 'manual', description: 'x', lines: [{ account: '31000-0000', debitMinor: 1n }, { account: '30000-0000', creditMinor: 1n }] })),
    /31000-0000 is archived/,
  );
  await issued([{ description: 'Still billed', unitPrice: '10.00', vatRate: '0', glAccount: '31000-0000' }]);
  await updateAccount(ctx, by, '31000-0000', { archived: false });

  // A catalog item naming an account protects it; an unused one can go.
  await assert.rejects(deleteAccount(ctx, by, '30000-0000'), /has postings|setting/);
  await deleteAccount(ctx, by, '51001-1006');
  await assert.rejects(getAccount(ctx.db, '51001-1006'), /not found/);
  const q = await listAccounts(ctx.db, { page: 1, pageSize: 10, q: 'receiv' });
  assert.deepEqual(q.items.map((a) => a.code), ['15000-0000']);
  const audit = await ctx.db.selectFrom('audit_log').select(['action', 'entity_id']).where('entity_type', '=', 'gl_account').orderBy('seq').execute();
  assert.deepEqual(audit.map((a) => a.action), ['create', 'update', 'archive', 'unarchive', 'delete']);
  await assertBooksBalance();
});

test('entries list: filters by kind, account, contact, invoice and date, newest first', async () => {
  const inv = (await ctx.db.selectFrom('invoice').select(['id', 'number']).where('kind', '=', 'credit_note').executeTakeFirstOrThrow());
  const byKind = await listEntries(ctx.db, { page: 1, pageSize: 100, kind: 'credit_note' });
  assert.ok(byKind.total >= 1 && byKind.items.every((e) => e.kind === 'credit_note'));
  const all = await listEntries(ctx.db, { page: 1, pageSize: 500 });
  assert.deepEqual(all.items.map((e) => e.seq), [...all.items.map((e) => e.seq)].sort((a, b) => b - a));
  const onInvoice = await listEntries(ctx.db, { page: 1, pageSize: 100, invoiceId: inv.id });
  assert.ok(onInvoice.items.some((e) => e.invoiceId === inv.id));
  const byContact = await listEntries(ctx.db, { page: 1, pageSize: 500, contactId: bob });
  assert.ok(byContact.items.length > 0 && byContact.items.every((e) => e.contactId === bob || e.lines.some((l) => l.contactId === bob)));
  const cash = await listEntries(ctx.db, { page: 1, pageSize: 100, account: '19000-0000', sort: { column: 'date', direction: 'asc' } });
  assert.deepEqual(cash.items.map((e) => e.description), ['Opening cash', 'Cash to bank', 'Cash to bank']);
  assert.equal((await listEntries(ctx.db, { page: 1, pageSize: 100, from: '2026-03-02', to: '2026-03-02' })).items.every((e) => e.date === '2026-03-02'), true);
  const invoice = await getInvoice(ctx.db, inv.id);
  assert.equal(invoice.kind, 'credit_note');
});
