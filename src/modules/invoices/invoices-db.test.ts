import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { openSecondContext } from '../../../test/support/second-context.ts';
import { inTransaction, toNumber } from '../../db/database.ts';
import { systemActor } from '../audit/index.ts';
import { createContact } from '../contacts/index.ts';
import { updateSetting } from '../settings/index.ts';
import {
  createCreditNote,
  createInvoice,
  deleteInvoice,
  getInvoice,
  isValidKidMod10,
  isValidReference,
  issueInvoice,
  issueNewInvoices,
  listInvoices,
  updateInvoice,
  voidInvoice,
  type NewInvoice,
  type NewLine,
} from './index.ts';

let ctx: TestContext;
const by = { actor: systemActor, requestId: 'req-1' };
let alice: string;
let bob: string;
before(async () => {
  ctx = await createTestContext();
  alice = (await createContact(ctx, by, { kind: 'person', firstNames: 'Alice', lastName: 'Berg', email: 'alice@example.org', addressLines: ['Storgata 1'], postcode: '0155', place: 'Oslo' })).id;
  bob = (await createContact(ctx, by, { kind: 'person', firstNames: 'Bob', lastName: 'Dahl', email: 'bob.1002@members.example.org', invoiceDelivery: 'email' })).id;
  // An address an import made up: invoices must not go there.
  await ctx.db.updateTable('contact').set({ pseudo_email: 1 }).where('id', '=', bob).execute();
});
after(async () => ctx.close());

const list = (extra: Partial<Parameters<typeof listInvoices>[1]> = {}) =>
  listInvoices(ctx.db, { page: 1, pageSize: 100, sort: { column: 'number', direction: 'asc' }, ...extra });

const feeLine = (key: string | null, netMinor: bigint, vatRate = '0'): NewLine => ({
  chargeKey: key,
  source: 'subscription',
  subscriptionId: null,
  itemType: 'membership_type',
  itemId: 'mt_ord',
  description: 'Ordinary member 2026',
  quantity: '1',
  unitPriceMinor: netMinor,
  netMinor,
  vatRate,
  periodStart: '2026-01-01',
  periodEnd: '2026-12-31',
  glAccount: '30000-0000',
});

const isUnpaid = async (id: string, number: number | null) => (await list({ open: true, q: String(number) })).items.some((i) => i.id === id);

const counts = async () => ({
  invoices: toNumber((await ctx.db.selectFrom('invoice').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
  lines: toNumber((await ctx.db.selectFrom('invoice_line').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
});

test('issueNewInvoices numbers a batch in one block from billing.first_invoice_number, freezes payers, computes VAT, due date and KID', async () => {
  const invoices: NewInvoice[] = [
    { payerId: alice, currency: 'NOK', lines: [feeLine('s1:2026-01-01', 45000n), { ...feeLine('s1:2026-01-01:usage:DISK', 999n, '12.5'), source: 'usage', quantity: '3.5' }] },
    { payerId: bob, currency: 'NOK', lines: [feeLine('s2:2026-01-01', 10000n, '25')] },
    { payerId: alice, currency: 'NOK', lines: [feeLine('recurring:r1:2026-01-01', 5000n)] },
  ];
  const out = await inTransaction(ctx.db, (tx) => issueNewInvoices(tx, ctx, { origin: 'run', billingRunId: 'run-1', issueDate: '2026-01-15', createdBy: 'billing run', invoices }));
  assert.deepEqual(out.map((o) => [o.number, o.payerId, o.total]), [
    [10001, alice, 45000n + 999n + 125n],
    [10002, bob, 12500n],
    [10003, alice, 5000n],
  ]);
  const first = await getInvoice(ctx.db, out[0]!.id);
  assert.equal(first.status, 'issued');
  assert.equal(first.kind, 'invoice');
  assert.equal(first.origin, 'run');
  assert.equal(first.billingRunId, 'run-1');
  assert.equal(first.payerName, 'Berg, Alice');
  assert.deepEqual(first.payerAddress, ['Storgata 1', '0155 Oslo']);
  assert.equal(first.payerEmail, 'alice@example.org');
  assert.equal(first.delivery, 'email');
  assert.equal(typeof first.payerMemberNumber, 'number');
  assert.equal(first.issueDate, '2026-01-15');
  assert.equal(first.dueDate, '2026-01-29'); // general.invoice_due_days = 14
  assert.equal(first.paymentReference, '0000100016');
  assert.ok(isValidKidMod10(first.paymentReference!));
  assert.deepEqual(first.lines.map((l) => [l.position, l.chargeKey, l.quantity, l.net.minor, l.vat.minor]), [
    [0, 's1:2026-01-01', '1', 45000n, 0n],
    [1, 's1:2026-01-01:usage:DISK', '3.5', 999n, 125n],
  ]);
  assert.deepEqual(first.vatByRate.map((v) => [v.rate, v.net.minor, v.vat.minor]), [['12.5', 999n, 125n], ['0', 45000n, 0n]]);
  assert.equal(first.open.minor, first.total.minor);
  // Bob wants e-mail but has only a made-up address: the invoice is printed.
  const second = await getInvoice(ctx.db, out[1]!.id);
  assert.equal(second.payerEmail, null);
  assert.equal(second.delivery, 'print');
});

test('a charge key already billed (or twice in a batch) fails the whole batch with a conflict, and a rollback gives the numbers back', async () => {
  const before = await counts();
  await assert.rejects(
    inTransaction(ctx.db, (tx) =>
      issueNewInvoices(tx, ctx, { origin: 'run', billingRunId: null, issueDate: '2026-01-15', createdBy: 'run', invoices: [{ payerId: bob, currency: 'NOK', lines: [feeLine('new-key', 100n)] }, { payerId: alice, currency: 'NOK', lines: [feeLine('s1:2026-01-01', 45000n)] }] }),
    ),
    (e: Error & { code?: string }) => e.code === 'conflict' && /already on an invoice/.test(e.message),
  );
  await assert.rejects(
    inTransaction(ctx.db, (tx) =>
      issueNewInvoices(tx, ctx, { origin: 'run', billingRunId: null, issueDate: '2026-01-15', createdBy: 'run', invoices: [{ payerId: bob, currency: 'NOK', lines: [feeLine('twice', 100n), feeLine('twice', 100n)] }] }),
    ),
    (e: Error & { code?: string }) => e.code === 'conflict',
  );
  await assert.rejects(
    inTransaction(ctx.db, (tx) => issueNewInvoices(tx, ctx, { origin: 'run', billingRunId: null, issueDate: '2026-01-15', createdBy: 'run', invoices: [{ payerId: 'nobody', currency: 'NOK', lines: [feeLine('k', 1n)] }] })),
    /No contact has the id nobody/,
  );
  assert.deepEqual(await counts(), before);
  const [next] = await inTransaction(ctx.db, (tx) => issueNewInvoices(tx, ctx, { origin: 'manual', billingRunId: null, issueDate: '2026-01-15', createdBy: 'run', invoices: [{ payerId: bob, currency: 'NOK', lines: [feeLine('new-key', 100n)] }] }));
  assert.equal(next!.number, 10004);
});

test('a batch larger than one INSERT chunk is written whole, numbered without gaps, with references of the chosen kind', async () => {
  await updateSetting(ctx, systemActor, 'billing.payment_reference', 'kid_mod11');
  await updateSetting(ctx, systemActor, 'billing.kid_length', 8);
  const n = 1234;
  const invoices: NewInvoice[] = Array.from({ length: n }, (_, i) => ({
    payerId: i % 2 ? alice : bob,
    currency: 'NOK',
    lines: [feeLine(`bulk:${i}:fee`, 45000n), feeLine(`bulk:${i}:extra`, 1001n, '25')],
  }));
  const before = await counts();
  const out = await inTransaction(ctx.db, (tx) => issueNewInvoices(tx, ctx, { origin: 'cycle', billingRunId: 'run-2', issueDate: '2026-02-01', createdBy: 'run', invoices }));
  assert.equal(out.length, n);
  assert.deepEqual(out.map((o) => o.number), Array.from({ length: n }, (_, i) => 10005 + i));
  assert.deepEqual(await counts(), { invoices: before.invoices + n, lines: before.lines + 2 * n });
  const page = await list({ billingRunId: 'run-2', pageSize: 500 });
  assert.equal(page.total, n);
  for (const inv of page.items) {
    assert.ok(isValidReference('kid_mod11', inv.paymentReference!), inv.paymentReference!);
    assert.equal(inv.paymentReference!.length, 8);
    assert.equal(inv.total.minor, 45000n + 1001n + 250n);
  }
  await updateSetting(ctx, systemActor, 'billing.payment_reference', 'kid_mod10');
  await updateSetting(ctx, systemActor, 'billing.kid_length', 10);
});

test('manual draft: create, edit, issue; bad lines get one 400 naming the fields; only drafts change or are deleted', async () => {
  await assert.rejects(createInvoice(ctx, by, { payerId: alice, lines: [] }), /at least one line/);
  await assert.rejects(
    createInvoice(ctx, by, { payerId: alice, lines: [{ description: '', unitPrice: 'abc' }, { description: 'ok', unitPrice: '1', vatRate: '200', glAccount: '123' }] }),
    (e: Error & { details?: { problems: { field: string }[] } }) =>
      JSON.stringify(e.details!.problems.map((p) => p.field)) === JSON.stringify(['lines.0.description', 'lines.0.unitPrice', 'lines.1.vatRate', 'lines.1.glAccount']),
  );
  await assert.rejects(createInvoice(ctx, by, { payerId: alice, lines: [{ description: 'Refund', unitPrice: '-10' }] }), /credit note/);
  await assert.rejects(createInvoice(ctx, by, { payerId: 'nope', lines: [{ description: 'x', unitPrice: '1' }] }), /No contact has the id nope/);

  const draft = await createInvoice(ctx, by, { payerId: alice, note: 'Course', lines: [{ description: 'Course day', quantity: '2', unitPrice: '350.50' }, { description: 'Book', unitPrice: '100', vatRate: '0', glAccount: '31000-0000' }] });
  assert.equal(draft.status, 'draft');
  assert.equal(draft.number, null);
  assert.equal(draft.paymentReference, null);
  assert.equal(draft.payerName, 'Berg, Alice');
  assert.deepEqual(draft.lines.map((l) => [l.net.minor, l.vatRate, l.vat.minor, l.glAccount]), [
    [70100n, '25', 17525n, '30000-0000'], // defaults: general.vat_rate and ledger.misc_sales_account
    [10000n, '0', 0n, '31000-0000'],
  ]);
  assert.equal(draft.total.minor, 97625n);
  assert.equal(draft.open.minor, 0n, 'a draft owes nothing yet');

  await assert.rejects(updateInvoice(ctx, by, draft.id, { note: 'x', version: 99 }), /Someone else changed/);
  const edited = await updateInvoice(ctx, by, draft.id, { lines: [{ description: 'Course day', quantity: '1', unitPrice: '400' }], payerId: bob, version: draft.version });
  assert.equal(edited.total.minor, 50000n);
  assert.equal(edited.payerId, bob);
  assert.equal(edited.lines.length, 1);
  const back = await updateInvoice(ctx, by, draft.id, { payerId: alice });

  const issued = await issueInvoice(ctx, by, draft.id, { version: back.version });
  assert.equal(issued.status, 'issued');
  assert.equal(issued.number, 10005 + 1234);
  assert.equal(issued.issueDate, '2026-01-15');
  assert.equal(issued.dueDate, '2026-01-29');
  assert.ok(isValidKidMod10(issued.paymentReference!));
  assert.equal(issued.payerName, 'Berg, Alice');
  assert.equal(issued.open.minor, 50000n);
  await assert.rejects(updateInvoice(ctx, by, draft.id, { note: 'late' }), /Only a draft can be changed/);
  await assert.rejects(deleteInvoice(ctx, by, draft.id), /Only a draft can be deleted/);
  await assert.rejects(issueInvoice(ctx, by, draft.id), /Only a draft can be issued/);

  const gone = await createInvoice(ctx, by, { payerId: bob, lines: [{ description: 'Oops', unitPrice: '1' }] });
  await deleteInvoice(ctx, by, gone.id);
  await assert.rejects(getInvoice(ctx.db, gone.id), /not found/);
  const audit = await ctx.db.selectFrom('audit_log').select(['action']).where('entity_type', '=', 'invoice').where('entity_id', '=', draft.id).orderBy('seq').execute();
  assert.deepEqual(audit.map((a) => a.action), ['create', 'update', 'update', 'issue']);
});

test('void: only issued, unpaid, uncredited invoices, with a reason; a void invoice keeps its number and leaves the unpaid list', async () => {
  const d = await createInvoice(ctx, by, { payerId: bob, lines: [{ description: 'Fee', unitPrice: '200', vatRate: '0' }] });
  await assert.rejects(voidInvoice(ctx, by, d.id, { reason: 'x' }), /Delete the draft instead/);
  const inv = await issueInvoice(ctx, by, d.id);
  assert.ok(await isUnpaid(inv.id, inv.number));
  await assert.rejects(voidInvoice(ctx, by, inv.id, { reason: '  ' }), /Give a reason/);
  await ctx.db.updateTable('invoice').set({ paid_minor: '100' }).where('id', '=', inv.id).execute();
  await assert.rejects(voidInvoice(ctx, by, inv.id, { reason: 'Wrong' }), /Credit it instead/);
  await ctx.db.updateTable('invoice').set({ paid_minor: '0' }).where('id', '=', inv.id).execute();
  const voided = await voidInvoice(ctx, by, inv.id, { reason: 'Sent to the wrong member' });
  assert.equal(voided.status, 'void');
  assert.equal(voided.number, inv.number);
  assert.equal(voided.voidReason, 'Sent to the wrong member');
  assert.equal(voided.open.minor, 0n);
  assert.ok(!(await isUnpaid(inv.id, inv.number)));
  assert.deepEqual((await list({ status: 'void' })).items.map((i) => i.id), [inv.id]);
  await assert.rejects(voidInvoice(ctx, by, inv.id, { reason: 'again' }), /already void/);
  await assert.rejects(createCreditNote(ctx, by, inv.id, { reason: 'x' }), /void/);
});

test('credit notes: chosen lines and quantities, then the rest; numbered in the same series; open shrinks to zero; never over-credited', async () => {
  const d = await createInvoice(ctx, by, {
    payerId: alice,
    lines: [
      { description: 'Course day', quantity: '3', unitPrice: '100', vatRate: '25' }, // 300 + 75
      { description: 'Book', unitPrice: '99.99', vatRate: '12.5' }, // 99.99 + 12.50
    ],
  });
  const inv = await issueInvoice(ctx, by, d.id);
  const [course] = inv.lines;
  assert.equal(inv.total.minor, 30000n + 7500n + 9999n + 1250n);
  await assert.rejects(createCreditNote(ctx, by, inv.id, { reason: 'x', lines: [{ lineId: course!.id, quantity: '4' }] }), /Only 3 of line .* is left to credit/);
  await assert.rejects(createCreditNote(ctx, by, inv.id, { reason: 'x', lines: [{ lineId: 'nope' }] }), /there is no line nope/);
  await assert.rejects(createCreditNote(ctx, by, inv.id, { reason: '' }), /Give a reason/);

  const c1 = await createCreditNote(ctx, by, inv.id, { reason: 'Missed one day', lines: [{ lineId: course!.id, quantity: '1' }] });
  assert.equal(c1.kind, 'credit_note');
  assert.equal(c1.status, 'issued');
  assert.equal(c1.origin, 'credit');
  assert.equal(c1.number, inv.number! + 1);
  assert.equal(c1.creditsInvoiceId, inv.id);
  assert.equal(c1.note, 'Missed one day');
  assert.equal(c1.paymentReference, null);
  assert.equal(c1.dueDate, null);
  assert.deepEqual(c1.lines.map((l) => [l.quantity, l.net.minor, l.vat.minor, l.creditsLineId, l.source]), [['-1', -10000n, -2500n, course!.id, 'credit']]);
  assert.equal(c1.total.minor, -12500n);

  let after = await getInvoice(ctx.db, inv.id);
  assert.equal(after.total.minor, inv.total.minor, 'the invoice itself is never changed');
  assert.equal(after.credited.minor, 12500n);
  assert.equal(after.open.minor, inv.total.minor - 12500n);
  assert.equal(after.lines[0]!.creditedQuantity, '1');
  assert.deepEqual(after.creditNotes.map((c) => c.id), [c1.id]);

  // The rest of everything: course 2 left, book whole.
  const c2 = await createCreditNote(ctx, by, inv.id, { reason: 'Cancelled' });
  assert.deepEqual(c2.lines.map((l) => [l.quantity, l.net.minor, l.vat.minor]), [['-2', -20000n, -5000n], ['-1', -9999n, -1250n]]);
  after = await getInvoice(ctx.db, inv.id);
  assert.equal(after.credited.minor, inv.total.minor);
  assert.equal(after.open.minor, 0n);
  assert.equal(after.status, 'issued');
  assert.ok(!(await isUnpaid(inv.id, inv.number)));
  await assert.rejects(createCreditNote(ctx, by, inv.id, { reason: 'More' }), /already been credited/);
  await assert.rejects(createCreditNote(ctx, by, c1.id, { reason: 'x' }), /cannot itself be credited/);
  await assert.rejects(voidInvoice(ctx, by, inv.id, { reason: 'x' }), /has credit notes/);
  assert.deepEqual((await list({ creditsInvoiceId: inv.id })).items.map((i) => i.id), [c1.id, c2.id]);
  assert.deepEqual((await list({ kind: 'credit_note' })).items.map((i) => i.id), [c1.id, c2.id]);
});

test('partial credits of a line add up exactly to the line, whatever the rounding', async () => {
  const d = await createInvoice(ctx, by, { payerId: bob, lines: [{ description: 'Thirds', quantity: '3', unitPrice: '0.33', vatRate: '25' }] }); // 0.99 + 0.25
  const inv = await issueInvoice(ctx, by, d.id);
  const line = inv.lines[0]!;
  let net = 0n;
  let vat = 0n;
  for (const q of ['0.5', '1.25', '1.25']) {
    const c = await createCreditNote(ctx, by, inv.id, { reason: 'part', lines: [{ lineId: line.id, quantity: q }] });
    net += c.lines[0]!.net.minor;
    vat += c.lines[0]!.vat.minor;
  }
  assert.equal(net, -line.net.minor);
  assert.equal(vat, -line.vat.minor);
  assert.equal((await getInvoice(ctx.db, inv.id)).open.minor, 0n);
});

test('lists filter by status, kind, payer, run, subscription, dates and text, sort with empty values last, and page', async () => {
  const all = await list({ pageSize: 10 });
  assert.equal(all.items.length, 10);
  assert.ok(all.total > 1234);
  const byNumber = await list({ q: '10002' });
  assert.deepEqual(byNumber.items.map((i) => i.number), [10002]);
  const byName = await list({ q: 'dahl', pageSize: 500 });
  assert.ok(byName.items.length > 0 && byName.items.every((i) => i.payerId === bob));
  const drafts = await createInvoice(ctx, by, { payerId: alice, lines: [{ description: 'Draft', unitPrice: '1' }] });
  const desc = await list({ sort: { column: 'number', direction: 'desc' }, pageSize: 1 });
  assert.notEqual(desc.items[0]!.number, null, 'drafts (no number) sort last, descending too');
  assert.deepEqual((await list({ status: 'draft' })).items.map((i) => i.id), [drafts.id]);
  assert.equal((await list({ payerId: bob, billingRunId: 'run-2', pageSize: 1 })).total, 617);
  assert.equal((await list({ issueDateFrom: '2026-02-01', issueDateTo: '2026-02-01', pageSize: 1 })).total, 1234);
  assert.equal((await list({ issueDateTo: '2026-01-14', pageSize: 1 })).total, 0);
  const byTotal = await list({ sort: { column: 'total', direction: 'desc' }, pageSize: 3, status: 'issued', kind: 'invoice' });
  assert.ok(byTotal.items[0]!.total.minor >= byTotal.items[1]!.total.minor);
  const p2 = await list({ page: 2, pageSize: 10 });
  assert.equal(p2.items[0]!.number, all.items[0]!.number! + 10);
});

// SQLite has one writer (one connection in a process): the race exists on PostgreSQL only.
const onPostgres = process.env.TEST_DATABASE_URL?.startsWith('postgres') ?? false;
test('two processes issuing drafts at the same time never share or skip a number', { skip: !onPostgres && 'PostgreSQL only' }, async () => {
  const other = openSecondContext(ctx);
  try {
    const drafts = [];
    for (let i = 0; i < 12; i++) drafts.push(await createInvoice(ctx, by, { payerId: i % 2 ? alice : bob, lines: [{ description: `Draft ${i}`, unitPrice: '10' }] }));
    const start = Number((await ctx.db.selectFrom('number_sequence').select('next_value').where('name', '=', 'invoice').executeTakeFirstOrThrow()).next_value);
    const issued = await Promise.all([
      ...drafts.map((d, i) => issueInvoice(i % 2 ? ctx : other, by, d.id)),
      // And a bulk batch in the middle of it.
      inTransaction(other.db, (tx) => issueNewInvoices(tx, other, { origin: 'run', billingRunId: 'run-3', issueDate: '2026-01-15', createdBy: 'run', invoices: [0, 1, 2].map((i) => ({ payerId: alice, currency: 'NOK', lines: [feeLine(`conc:${i}`, 100n)] })) })),
    ]);
    const numbers = issued.flatMap((r) => (Array.isArray(r) ? r.map((x) => x.number) : [r.number!])).sort((a, b) => a - b);
    assert.deepEqual(numbers, Array.from({ length: 15 }, (_, i) => start + i));
  } finally {
    await other.close();
  }
});
