/**
 * Journals and the proofs (both databases): journalize closes entries up to a date with sums, a
 * summary and a hash; a closed journal never changes; `verifyLedger` (and `guildhall ledger
 * verify`) names the first entry or journal that was tampered with.
 */
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { runCli } from '../../../test/support/cli.ts';
import { inTransaction, toNumber } from '../../db/database.ts';
import { systemActor } from '../audit/index.ts';
import { createContact } from '../contacts/index.ts';
import { createCreditNote, issueNewInvoices, voidInvoice, type NewLine } from '../invoices/index.ts';
import { checkInvariants, entryHash, getJournal, journalize, listEntries, listJournals, postEntry, verifyLedger } from './index.ts';
import { toEntryContent, toLineContent } from './ledger-db.ts';

let ctx: TestContext;
const by = { actor: systemActor, requestId: 'req-j' };
let ids: { a: string; b: string; c: string };

const line = (key: string, net: bigint, vatRate = '0', gl = '31000-0000'): NewLine => ({
  chargeKey: key, source: 'subscription', subscriptionId: null, itemType: 'membership_type', itemId: 'mt_ord', description: 'Member',
  quantity: '1', unitPriceMinor: net, netMinor: net, vatRate, periodStart: null, periodEnd: null, glAccount: gl,
});

const bill = (payerId: string, day: string, key: string, net: bigint, vat = '0') =>
  inTransaction(ctx.db, (tx) => issueNewInvoices(tx, ctx, { origin: 'run', billingRunId: null, issueDate: day, createdBy: 'billing run', invoices: [{ payerId, currency: 'NOK', lines: [line(key, net, vat)] }] }));

beforeEach(async () => {
  ctx = await createTestContext({ start: '2026-04-15T10:00:00Z' });
  const p = await createContact(ctx, by, { kind: 'person', firstNames: 'Pia', lastName: 'Ås' });
  const q = await createContact(ctx, by, { kind: 'person', firstNames: 'Quentin', lastName: 'Ærø' });
  // February: two invoices; March: an invoice, a credit note and a void; April: one invoice.
  const [a] = await bill(p.id, '2026-02-01', 'k1', 45000n);
  await bill(q.id, '2026-02-15', 'k2', 10000n, '25');
  const [b] = await bill(p.id, '2026-03-01', 'k3', 20000n);
  ctx.clock.set('2026-03-05T10:00:00Z');
  await createCreditNote(ctx, by, b!.id, { reason: 'Partly wrong' , lines: undefined });
  const [c] = await bill(q.id, '2026-03-10', 'k4', 5000n);
  ctx.clock.set('2026-03-20T10:00:00Z');
  await voidInvoice(ctx, by, c!.id, { reason: 'Wrong member' });
  ctx.clock.set('2026-04-15T10:00:00Z');
  await bill(q.id, '2026-04-02', 'k5', 7000n);
  ids = { a: a!.id, b: b!.id, c: c!.id };
});
afterEach(async () => ctx.close());

const seqOf = async (sourceKey: string) => toNumber((await ctx.db.selectFrom('ledger_entry').select('seq').where('source_key', '=', sourceKey).executeTakeFirstOrThrow()).seq);

test('journalize closes every entry up to a date, with sums, counts, summaries that balance, and a chained hash', async () => {
  const feb = await journalize(ctx, by, { upTo: '2026-02-28' });
  assert.deepEqual([feb.seq, feb.upTo, feb.entryCount, feb.firstSeq, feb.lastSeq], [1, '2026-02-28', 2, 1, 2]);
  assert.equal(feb.debit.minor, 45000n + 12500n);
  assert.equal(feb.credit.minor, feb.debit.minor);
  assert.equal(feb.prevHash, '0'.repeat(64));
  assert.deepEqual(feb.summary.byKind.map((k) => [k.kind, k.entries, k.debit.minor, k.credit.minor]), [['invoice', 2, 57500n, 57500n]]);
  assert.deepEqual(feb.summary.byAccount.map((a) => [a.account, a.name, a.debit.minor, a.credit.minor]), [
    ['15000-0000', 'Accounts receivable', 57500n, 0n],
    ['27000-0000', 'Output VAT', 0n, 2500n],
    ['31000-0000', 'Membership dues', 0n, 55000n],
  ]);

  const mar = await journalize(ctx, by, { upTo: '2026-03-31' });
  assert.equal(mar.prevHash, feb.hash);
  assert.equal(mar.entryCount, 4);
  assert.deepEqual(mar.summary.byKind.map((k) => [k.kind, k.entries]), [['credit_note', 1], ['invoice', 2], ['void', 1]]);
  const sum = (xs: { debit: { minor: bigint }; credit: { minor: bigint } }[]) => xs.reduce((s, x) => [s[0]! + x.debit.minor, s[1]! + x.credit.minor], [0n, 0n]);
  assert.deepEqual(sum(mar.summary.byAccount), [mar.debit.minor, mar.credit.minor]);
  assert.deepEqual(sum(mar.summary.byKind), [mar.debit.minor, mar.credit.minor]);

  // Nothing left up to March; an earlier date is refused; the future is refused.
  await assert.rejects(journalize(ctx, by, { upTo: '2026-03-31' }), /nothing to journalize up to 2026-03-31/);
  await assert.rejects(journalize(ctx, by, { upTo: '2026-02-28' }), /already closed the days up to 2026-03-31/);
  await assert.rejects(journalize(ctx, by, { upTo: '2026-04-16' }), /after today \(2026-04-15\)/);
  await assert.rejects(journalize(ctx, by, { upTo: 'March' }), /YYYY-MM-DD/);

  // An entry dated in a closed month, posted later, goes into the next journal; the closed one does not change.
  await inTransaction(ctx.db, (tx) =>
    postEntry(tx, ctx, 'tester', { date: '2026-03-15', kind: 'manual', description: 'Late correction', lines: [{ account: '30000-0000', debitMinor: 100n }, { account: '38000-0000', creditMinor: 100n }] }),
  );
  const again = await journalize(ctx, by, { upTo: '2026-03-31' });
  assert.deepEqual([again.seq, again.entryCount], [3, 1]);
  assert.deepEqual(await getJournal(ctx.db, mar.id), mar);
  assert.deepEqual(await getJournal(ctx.db, '2'), mar);
  assert.deepEqual((await listJournals(ctx.db, { page: 1, pageSize: 10 })).items.map((j) => j.seq), [3, 2, 1]);
  assert.equal((await listEntries(ctx.db, { page: 1, pageSize: 50, journalized: false })).total, 1); // April's invoice
  assert.equal((await listEntries(ctx.db, { page: 1, pageSize: 50, journalId: '2' })).total, 4);
  const audit = await ctx.db.selectFrom('audit_log').select(['action', 'entity_type']).where('entity_type', '=', 'journal').execute();
  assert.equal(audit.length, 3);

  const v = await verifyLedger(ctx.db);
  assert.deepEqual([v.ok, v.entries, v.journals], [true, 8, 3]);
  assert.deepEqual(await checkInvariants(ctx.db), []);
});

test('verify names an entry whose amount was changed in the database (journaled or not)', async () => {
  await journalize(ctx, by, { upTo: '2026-02-28' });
  const entry = await ctx.db.selectFrom('ledger_entry').select('id').where('seq', '=', 2).executeTakeFirstOrThrow();
  await ctx.db.updateTable('ledger_line').set({ debit_minor: '99999' }).where('entry_id', '=', entry.id).where('line_no', '=', 1).execute();
  const v = await verifyLedger(ctx.db);
  assert.equal(v.ok, false);
  assert.deepEqual([v.firstBad!.type, v.firstBad!.seq, v.firstBad!.problem], ['entry', 2, 'altered']);
  assert.match(v.firstBad!.message, /Ledger entry 2 \(2026-02-15, invoice: Invoice 10002\) was altered/);
  assert.equal(v.entries, 1);
  const problems = await checkInvariants(ctx.db);
  assert.ok(problems.some((p) => /entry 2 .* was altered/.test(p)));
  assert.ok(problems.some((p) => /does not balance/.test(p)));

  // The CLI says the same and exits 1.
  const r = runCli(ctx, ['ledger', 'verify']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /The ledger is NOT intact \(1 entries and 0 journals verified before the problem\)\.\nLedger entry 2 .*was altered/);
  const j = JSON.parse(runCli(ctx, ['--json', 'ledger', 'verify']).stdout);
  assert.deepEqual([j.ok, j.firstBad.seq, j.firstBad.type], [false, 2, 'entry']);
  assert.equal(runCli(ctx, ['ledger', 'check']).status, 1);
});

test('verify names a changed description, a removed entry, and a rewritten entry (its successor no longer links)', async () => {
  const void3 = await seqOf(`void:${ids.c}`);
  await ctx.db.updateTable('ledger_entry').set({ description: 'Nothing to see' }).where('seq', '=', void3).execute();
  let v = await verifyLedger(ctx.db);
  assert.deepEqual([v.firstBad!.seq, v.firstBad!.problem], [void3, 'altered']);

  // Put it back: intact again.
  await ctx.db.updateTable('ledger_entry').set({ description: `Invoice 10005 voided (mirrors entry ${await seqOf(`invoice:${ids.c}`)})` }).where('seq', '=', void3).execute();
  assert.equal((await verifyLedger(ctx.db)).ok, true);

  // Removing an entry (lines first) leaves a gap.
  const victim = await ctx.db.selectFrom('ledger_entry').select('id').where('seq', '=', 3).executeTakeFirstOrThrow();
  const lines = await ctx.db.selectFrom('ledger_line').selectAll().where('entry_id', '=', victim.id).execute();
  const row = await ctx.db.selectFrom('ledger_entry').selectAll().where('id', '=', victim.id).executeTakeFirstOrThrow();
  await ctx.db.deleteFrom('ledger_line').where('entry_id', '=', victim.id).execute();
  await ctx.db.deleteFrom('ledger_entry').where('id', '=', victim.id).execute();
  v = await verifyLedger(ctx.db);
  assert.deepEqual([v.firstBad!.seq, v.firstBad!.problem], [3, 'missing']);
  assert.match(v.firstBad!.message, /Ledger entry 3 is missing: it was removed \(it came after entry 2\); the chain goes on at entry 4/);

  // Rewriting an entry with a fresh, valid hash breaks the link from the next one.
  await ctx.db.insertInto('ledger_entry').values(row).execute();
  await ctx.db.insertInto('ledger_line').values(lines).execute();
  assert.equal((await verifyLedger(ctx.db)).ok, true);
  const content = { ...toEntryContent(row), description: 'Rewritten' };
  const forged = entryHash(content, lines.map(toLineContent));
  await ctx.db.updateTable('ledger_entry').set({ description: 'Rewritten', hash: forged }).where('id', '=', row.id).execute();
  v = await verifyLedger(ctx.db);
  assert.deepEqual([v.firstBad!.seq, v.firstBad!.problem], [4, 'broken_link']);
  assert.match(v.firstBad!.message, /does not link to entry 3: entry 3 was altered and its hash recomputed/);
});

test('anchors kept outside the database show a chain rewritten with fresh hashes, and entries cut off the end', async () => {
  const before = await verifyLedger(ctx.db);
  const head = before.head!;
  const third = await ctx.db.selectFrom('ledger_entry').select(['seq', 'hash']).where('seq', '=', 3).executeTakeFirstOrThrow();
  const anchors = [{ seq: 3, hash: third.hash }, { seq: head.seq, hash: head.hash }];
  assert.deepEqual((await verifyLedger(ctx.db, { anchors })).anchored, [3, head.seq]);

  // Someone with the database edits entry 2 and recomputes every hash after it: the chain alone still verifies.
  const rows = await ctx.db.selectFrom('ledger_entry').selectAll().where('seq', '>=', 2).orderBy('seq').execute();
  let prev = (await ctx.db.selectFrom('ledger_entry').select('hash').where('seq', '=', 1).executeTakeFirstOrThrow()).hash;
  for (const row of rows) {
    const lines = await ctx.db.selectFrom('ledger_line').selectAll().where('entry_id', '=', row.id).execute();
    const content = { ...toEntryContent(row), prev_hash: prev, ...(toNumber(row.seq) === 2 ? { description: 'Rewritten' } : {}) };
    const hash = entryHash(content, lines.map(toLineContent));
    await ctx.db.updateTable('ledger_entry').set({ description: content.description, prev_hash: prev, hash }).where('id', '=', row.id).execute();
    prev = hash;
  }
  assert.equal((await verifyLedger(ctx.db)).ok, true);
  let v = await verifyLedger(ctx.db, { anchors });
  assert.deepEqual([v.ok, v.firstBad!.seq, v.firstBad!.problem], [false, 3, 'altered']);
  assert.match(v.firstBad!.message, new RegExp(`has the hash [0-9a-f]{64}, not ${third.hash} as recorded: the chain was rewritten at or before this entry`));

  // The last entry cut off: the chain alone still verifies, the anchor on it does not.
  const rewritten = (await verifyLedger(ctx.db)).head!;
  const last = await ctx.db.selectFrom('ledger_entry').select('id').where('seq', '=', rewritten.seq).executeTakeFirstOrThrow();
  await ctx.db.deleteFrom('ledger_line').where('entry_id', '=', last.id).execute();
  await ctx.db.deleteFrom('ledger_entry').where('id', '=', last.id).execute();
  assert.equal((await verifyLedger(ctx.db)).ok, true);
  v = await verifyLedger(ctx.db, { anchors: [{ seq: rewritten.seq, hash: rewritten.hash }] });
  assert.deepEqual([v.firstBad!.seq, v.firstBad!.problem], [rewritten.seq, 'missing']);
  assert.match(v.firstBad!.message, new RegExp(`Ledger entry ${rewritten.seq} is missing: it was recorded with the hash ${rewritten.hash}, but the ledger ends at entry ${rewritten.seq - 1}; entries were removed from the end\\.`));

  // The CLI: the anchor it prints for later, anchors that hold, and one written wrong (exit 2).
  const ok = runCli(ctx, ['ledger', 'verify']);
  assert.equal(ok.status, 0, ok.stderr);
  const printed = /Anchor for later: (\d+:[0-9a-f]{64})$/m.exec(ok.stdout)![1]!;
  const held = runCli(ctx, ['ledger', 'verify', '--anchor', printed, '--anchor', `2:${(await ctx.db.selectFrom('ledger_entry').select('hash').where('seq', '=', 2).executeTakeFirstOrThrow()).hash}`]);
  assert.equal(held.status, 0, held.stderr);
  assert.match(held.stdout, new RegExp(`It still has the recorded entries 2, ${rewritten.seq - 1}\\.`));
  const missing = runCli(ctx, ['ledger', 'verify', '--anchor', `${rewritten.seq}:${rewritten.hash}`]);
  assert.equal(missing.status, 1);
  assert.match(missing.stdout, /entries were removed from the end/);
  const wrong = runCli(ctx, ['ledger', 'verify', '--anchor', '12:not-a-hash']);
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr, /An anchor is an entry's number and hash as `ledger verify` prints the head/);
});

test('a closed journal never changes: edited sums, entries moved in or out, and removed journals are named', async () => {
  const feb = await journalize(ctx, by, { upTo: '2026-02-28' });
  const mar = await journalize(ctx, by, { upTo: '2026-03-31' });

  await ctx.db.updateTable('journal').set({ debit_minor: '1' }).where('id', '=', feb.id).execute();
  let v = await verifyLedger(ctx.db);
  assert.deepEqual([v.firstBad!.type, v.firstBad!.seq, v.firstBad!.problem], ['journal', 1, 'entries_changed']);
  assert.match(v.firstBad!.message, /^Journal 1 \(entries up to 2026-02-28, closed 2026-04-15 by system\) no longer matches its entries/);
  await ctx.db.updateTable('journal').set({ debit_minor: feb.debit.minor.toString() }).where('id', '=', feb.id).execute();
  assert.equal((await verifyLedger(ctx.db)).ok, true);

  // Editing the closed-by field (covered only by the hash).
  await ctx.db.updateTable('journal').set({ closed_by: 'someone else' }).where('id', '=', mar.id).execute();
  v = await verifyLedger(ctx.db);
  assert.deepEqual([v.firstBad!.seq, v.firstBad!.problem], [2, 'altered']);
  assert.match(v.firstBad!.message, /Journal 2 .* was altered: its contents no longer match its hash/);
  await ctx.db.updateTable('journal').set({ closed_by: 'system' }).where('id', '=', mar.id).execute();

  // An entry taken out of a journal (or put into another one).
  await ctx.db.updateTable('ledger_entry').set({ journal_id: null }).where('seq', '=', 4).execute();
  v = await verifyLedger(ctx.db);
  assert.deepEqual([v.firstBad!.seq, v.firstBad!.problem], [2, 'entries_changed']);
  assert.match(v.firstBad!.message, /closed with 4 entries .* now count 3/);
  await ctx.db.updateTable('ledger_entry').set({ journal_id: feb.id }).where('seq', '=', 4).execute();
  v = await verifyLedger(ctx.db);
  assert.equal(v.firstBad!.seq, 1);
  await ctx.db.updateTable('ledger_entry').set({ journal_id: mar.id }).where('seq', '=', 4).execute();
  assert.equal((await verifyLedger(ctx.db)).ok, true);

  // A journal removed: the gap is named, and so would be its entries.
  await ctx.db.deleteFrom('journal').where('id', '=', feb.id).execute();
  v = await verifyLedger(ctx.db);
  assert.deepEqual([v.firstBad!.type, v.firstBad!.seq, v.firstBad!.problem], ['journal', 1, 'missing']);
  const r = runCli(ctx, ['ledger', 'verify']);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /Journal 1 is missing/);
});

test('guildhall ledger journalize, trial-balance, check and import from the command line', () => {
  const j = runCli(ctx, ['ledger', 'journalize', '--up-to', '2026-03-31']);
  assert.equal(j.status, 0, j.stderr);
  assert.match(j.stdout, /^Journal 1 closed: 6 entries up to 2026-03-31 \(seq 1–6\), debit [\d.]+ = credit [\d.]+ NOK; hash [0-9a-f]{64}\./);
  assert.equal(runCli(ctx, ['ledger', 'journalize', '--up-to', '2026-03-31']).status, 1);
  assert.equal(runCli(ctx, ['ledger', 'journalize', '--up-to', '31.03.2026']).status, 2);
  const tb = runCli(ctx, ['ledger', 'trial-balance', '--at', '2026-02-28']);
  assert.equal(tb.status, 0, tb.stderr);
  assert.match(tb.stdout, /15000-0000 Accounts receivable\s+575\.00\s+0\.00\s+575\.00/);
  assert.match(tb.stdout, /total\s+575\.00\s+575\.00/);
  const check = runCli(ctx, ['ledger', 'check']);
  assert.equal(check.status, 0, check.stdout);
  assert.match(check.stdout, /The books balance/);
  const imp = runCli(ctx, ['ledger', 'import']);
  assert.equal(imp.status, 0);
  assert.match(imp.stdout, /Nothing waits in the holding step/);
  const v = runCli(ctx, ['ledger', 'verify']);
  assert.equal(v.status, 0);
  assert.match(v.stdout, /The ledger is intact: 7 entries and 1 closed journal; head entry 7 \(2026-04-02\)/);
});
