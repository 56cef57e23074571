/**
 * The billing run and the ledger together (both databases): every invoice a run issues is posted
 * in its batch's transaction (or held), a batch that fails leaves no postings behind, and after
 * every scenario `checkInvariants` is empty and the trial balance agrees with the open invoices.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { addPerson, addSubscription, bill, billDaily } from '../../../test/support/billing.ts';
import { toBigInt, toNumber } from '../../db/database.ts';
import { newId } from '../../kernel/ids.ts';
import { cliActor, systemActor } from '../audit/index.ts';
import { openBillingCycle, runBilling } from '../billing/index.ts';
import { createCreditNote, voidInvoice } from '../invoices/index.ts';
import { updateSetting } from '../settings/index.ts';
import { checkInvariants, importHeld, journalize, listHolding, trialBalance, verifyLedger } from './index.ts';

const by = { actor: systemActor };

const withCtx = (name: string, fn: (ctx: TestContext) => Promise<void>) =>
  test(name, async () => {
    const ctx = await createTestContext({ start: '2026-01-01T08:00:00Z' });
    try {
      await fn(ctx);
    } finally {
      await ctx.close();
    }
  });

const monthlyType = async (ctx: TestContext, code: string, price: number, vat = '0', gl: string | null = '31000-0000') => {
  const id = `mt_${code.toLowerCase()}`;
  const now = ctx.clock.now().toISOString();
  await ctx.db
    .insertInto('membership_type')
    .values({ id, code, name: `${code} member`, description: '', frequency: 'month', trial_days: 0, converts_to_id: null, signup_allowed: 1, special_price: 0, invoiced: 1, archived: 0, position: 9, created_at: now, updated_at: now, gl_account: gl, vat_rate: vat, follows_id: null })
    .execute();
  await ctx.db.insertInto('catalog_price').values({ id: newId(), item_type: 'membership_type', item_id: id, currency: 'NOK', amount_minor: price, effective_from: '2000-01-01', created_at: now }).execute();
  return id;
};

const count = async (ctx: TestContext, table: 'invoice' | 'ledger_entry' | 'ledger_holding') =>
  toNumber((await ctx.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

/** The books after a scenario: no violations, one posting per issued invoice, A/R = Σ open. */
const assertBooks = async (ctx: TestContext) => {
  assert.deepEqual(await checkInvariants(ctx.db), []);
  const invoices = await ctx.db.selectFrom('invoice').select(['status', 'kind', 'total_minor', 'paid_minor', 'credits_invoice_id', 'id']).where('status', '<>', 'draft').execute();
  const credited = new Map<string, bigint>();
  for (const i of invoices) if (i.kind === 'credit_note') credited.set(i.credits_invoice_id!, (credited.get(i.credits_invoice_id!) ?? 0n) + toBigInt(i.total_minor));
  let open = 0n;
  for (const i of invoices) if (i.kind === 'invoice' && (i.status === 'issued' || i.status === 'paid')) open += toBigInt(i.total_minor) - toBigInt(i.paid_minor) + (credited.get(i.id) ?? 0n);
  const tb = await trialBalance(ctx.db, { at: '2099-12-31' });
  assert.equal(tb.totals.debit.minor, tb.totals.credit.minor);
  assert.equal(tb.accounts.find((a) => a.code === '15000-0000')?.balance.minor ?? 0n, open);
};

withCtx('months of daily runs over many payers, in small batches, post every invoice once and keep the books balanced', async (ctx) => {
  const plain = await monthlyType(ctx, 'MON', 10000);
  const taxed = await monthlyType(ctx, 'VAT', 8000, '25', '30000-0000');
  const fallback = await monthlyType(ctx, 'NOGL', 1234, '12', null);
  for (let i = 0; i < 14; i++) {
    const p = await addPerson(ctx, `Payer ${i}`);
    await addSubscription(ctx, { contactId: p.id, itemId: [plain, taxed, fallback][i % 3]!, start: `2026-01-${String(1 + i).padStart(2, '0')}` });
    if (i % 4 === 0) await addSubscription(ctx, { contactId: p.id, itemId: 'mt_ord', start: '2026-02-01' });
  }
  for (let d = 1; d <= 28; d++) await bill(ctx, `2026-02-${String(d).padStart(2, '0')}`, { batchSize: 3 });
  await billDaily(ctx, '2026-03-01', '2026-03-15');
  const invoices = await count(ctx, 'invoice');
  assert.ok(invoices > 30);
  assert.equal(await count(ctx, 'ledger_entry'), invoices);
  assert.equal(await count(ctx, 'ledger_holding'), invoices);
  // The run's invoices are dated the run day, and so are their postings.
  const mismatched = await ctx.db
    .selectFrom('ledger_entry')
    .innerJoin('invoice', 'invoice.id', 'ledger_entry.invoice_id')
    .select('ledger_entry.seq')
    .whereRef('ledger_entry.entry_date', '<>', 'invoice.issue_date')
    .execute();
  assert.deepEqual(mismatched, []);
  await assertBooks(ctx);

  // Credit notes and voids on billed invoices keep them balanced, and a month closes into a journal.
  const some = await ctx.db.selectFrom('invoice').select(['id']).where('kind', '=', 'invoice').orderBy('number').limit(3).execute();
  await createCreditNote(ctx, { actor: cliActor('t') }, some[0]!.id, { reason: 'Goodwill' });
  await voidInvoice(ctx, { actor: cliActor('t') }, some[1]!.id, { reason: 'Left before the term' });
  await assertBooks(ctx);
  ctx.clock.set('2026-03-20T10:00:00Z');
  const j = await journalize(ctx, by, { upTo: '2026-02-28' });
  assert.ok(j.entryCount > 0);
  assert.equal(j.debit.minor, j.credit.minor);
  assert.equal((await verifyLedger(ctx.db)).ok, true);
  await assertBooks(ctx);
});

withCtx('a catch-up run and the annual cycle post their invoices; a batch that fails leaves no postings', async (ctx) => {
  const type = await monthlyType(ctx, 'MON', 10000, '25');
  for (let i = 0; i < 11; i++) {
    const p = await addPerson(ctx, `Cyc ${i}`);
    await addSubscription(ctx, { contactId: p.id, itemId: type, start: '2026-01-10' });
    await addSubscription(ctx, { contactId: p.id, itemId: 'mt_ord', start: '2026-01-01' });
  }
  await bill(ctx, '2026-03-10', { batchSize: 4 });
  await assertBooks(ctx);

  // Kill the next run after its first batch: only the committed batch is in the ledger.
  ctx.clock.set('2026-04-10T08:00:00Z');
  await assert.rejects(
    runBilling(ctx, cliActor('test'), {
      asOf: '2026-04-10',
      batchSize: 4,
      onProgress: () => {
        throw new Error('killed');
      },
    }),
    /killed/,
  );
  assert.equal(await count(ctx, 'ledger_entry'), await count(ctx, 'invoice'));
  await assertBooks(ctx);
  await bill(ctx, '2026-04-10', { batchSize: 4 });
  assert.equal(await count(ctx, 'ledger_entry'), await count(ctx, 'invoice'));
  await assertBooks(ctx);

  ctx.clock.set('2026-11-15T08:00:00Z');
  const cycle = await openBillingCycle(ctx, cliActor('test'), { periodStart: '2027-01-01' });
  assert.ok(cycle.invoices > 0);
  assert.equal(await count(ctx, 'ledger_entry'), await count(ctx, 'invoice'));
  await assertBooks(ctx);
});

withCtx('with ledger.invoice_posting = held the run only fills the holding step; the import posts it all and the books agree throughout', async (ctx) => {
  await updateSetting(ctx, systemActor, 'ledger.invoice_posting', 'held');
  const type = await monthlyType(ctx, 'MON', 10000, '25');
  for (let i = 0; i < 9; i++) {
    const p = await addPerson(ctx, `Held ${i}`);
    await addSubscription(ctx, { contactId: p.id, itemId: type, start: '2026-01-05' });
  }
  await bill(ctx, '2026-02-05', { batchSize: 4 });
  const invoices = await count(ctx, 'invoice');
  assert.equal(await count(ctx, 'ledger_entry'), 0);
  assert.equal((await listHolding(ctx.db, { page: 1, pageSize: 1 })).total, invoices);
  await assertBooksHeld(ctx);
  const first = await importHeld(ctx, by, { limit: 5 });
  assert.equal(first.imported, 5);
  await assertBooksHeld(ctx);
  const rest = await importHeld(ctx, by);
  assert.equal(rest.imported, invoices - 5);
  assert.equal(await count(ctx, 'ledger_entry'), invoices);
  await assertBooks(ctx);
});

/** While invoices wait, the ledger's A/R is short by what waits, and the invariants know it. */
const assertBooksHeld = async (ctx: TestContext) => assert.deepEqual(await checkInvariants(ctx.db), []);

withCtx('backfill: invoices issued before the ledger existed go through the holding step once; void ones net to nothing', async (ctx) => {
  const type = await monthlyType(ctx, 'MON', 10000, '25');
  for (let i = 0; i < 5; i++) {
    const p = await addPerson(ctx, `Old ${i}`);
    await addSubscription(ctx, { contactId: p.id, itemId: type, start: '2026-01-05' });
  }
  await bill(ctx, '2026-02-05');
  const [first, second] = await ctx.db.selectFrom('invoice').select('id').orderBy('number').limit(2).execute();
  await createCreditNote(ctx, by, first!.id, { reason: 'Old correction' });
  await voidInvoice(ctx, by, second!.id, { reason: 'Old mistake' });
  // As a database upgraded from before the ledger: no postings, no holding rows.
  await ctx.db.deleteFrom('ledger_day_total').execute();
  await ctx.db.deleteFrom('ledger_line').execute();
  await ctx.db.deleteFrom('ledger_entry').execute();
  await ctx.db.deleteFrom('ledger_holding').execute();
  const before = await checkInvariants(ctx.db);
  assert.equal(before.filter((v) => /never went to the ledger/.test(v)).length, 6);

  const { backfillHolding } = await import('./index.ts');
  assert.deepEqual(await backfillHolding(ctx, by), { invoices: 5, voided: 1 });
  assert.deepEqual(await backfillHolding(ctx, by), { invoices: 0, voided: 0 });
  assert.equal(await count(ctx, 'ledger_entry'), 7); // 4 live invoices + 1 credit note + the void invoice and its mirror
  await assertBooks(ctx);
});
