/**
 * Batches planned ahead by the planner thread (plan-ahead.ts) on SQLite: the run writes what a run
 * planned under its lock writes, and a plan made before someone else wrote is made again under the
 * lock. On PostgreSQL every batch is planned under the lock, and the same assertions hold.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { addPerson, addSubscription, monthlyType } from '../../../test/support/billing.ts';
import { openDatabase, type Database } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { cliActor } from '../audit/index.ts';
import { checkInvariants } from '../ledger/index.ts';
import { recordPayment } from '../payments/index.ts';
import { runBilling, type RunOptions } from './index.ts';

const sqlite = !process.env.TEST_DATABASE_URL?.startsWith('postgres');

/**
 * Twelve payers of a monthly membership from January (three terms due on 10 March), with a special
 * price, a second subscription, an end date, a payer paying for someone else and two with customer
 * credit (paid ahead) among them.
 * Returns the payers' ids in the order the run takes them (by id).
 */
const organization = async (ctx: TestContext): Promise<string[]> => {
  const type = await monthlyType(ctx, 'MON', 10000);
  const payers: string[] = [];
  for (let i = 0; i < 12; i++) {
    const p = await addPerson(ctx, `Payer ${String(i).padStart(2, '0')}`);
    payers.push(p.id);
    await addSubscription(ctx, { contactId: p.id, itemId: type, start: '2026-01-10', specialPriceMinor: i === 4 ? 7500n : null, endDate: i === 7 ? '2026-03-01' : null });
    if (i % 5 === 0) await addSubscription(ctx, { contactId: p.id, itemId: type, start: '2026-02-20', quantity: '2' });
  }
  const child = await addPerson(ctx, 'Child of 03');
  await addSubscription(ctx, { contactId: child.id, payerId: payers[3]!, itemId: type, start: '2026-03-01' });
  for (const [i, amount] of [[6, '150'], [9, '500']] as const) await recordPayment(ctx, { actor: cliActor('test') }, { contactId: payers[i]!, amount, method: 'bank_transfer' });
  return payers.sort();
};

const run = (ctx: TestContext, opts: Partial<RunOptions> = {}) => runBilling(ctx, cliActor('test'), { asOf: '2026-03-10', batchSize: 2, ...opts });

/** What each payer was billed, by name: the invoice's total and each line's period and amount. */
const billed = async (db: Kysely<DB>) => {
  const rows = await db
    .selectFrom('invoice')
    .innerJoin('invoice_line', 'invoice_line.invoice_id', 'invoice.id')
    .select(['invoice.payer_name', 'invoice.total_minor', 'invoice_line.period_start', 'invoice_line.net_minor', 'invoice_line.quantity'])
    .orderBy('invoice.payer_name')
    .orderBy('invoice_line.period_start')
    .orderBy('invoice_line.net_minor')
    .execute();
  return rows.map((r) => `${r.payer_name}: ${Number(r.total_minor)} ← ${r.period_start} ${r.quantity} × ${Number(r.net_minor)}`);
};

/** The subscriptions' cursors after the run, by payer name. */
const cursors = async (db: Kysely<DB>) =>
  (
    await db
      .selectFrom('subscription')
      .innerJoin('contact', 'contact.id', 'subscription.payer_id')
      .select(['contact.display_name', 'subscription.status', 'subscription.fee_cursor', 'subscription.next_due', 'subscription.quantity'])
      .orderBy('contact.display_name')
      .orderBy('subscription.quantity')
      .orderBy('subscription.next_due')
      .execute()
  ).map((r) => `${r.display_name} ${r.quantity}: ${r.status} ${r.fee_cursor} → ${r.next_due}`);

test('a run planned ahead by the planner thread writes what a run planned under the lock writes', async () => {
  const ahead = await createTestContext({ start: '2026-01-01T08:00:00Z' });
  const underLock = await createTestContext({ start: '2026-01-01T08:00:00Z' });
  try {
    await organization(ahead);
    await organization(underLock);
    const a = await run(ahead);
    const b = await run(underLock, { planAhead: false });
    // Six batches of two payers: planned by the worker on SQLite, all under the lock otherwise.
    assert.deepEqual(a.planning, sqlite ? { ahead: 6, underLock: 0 } : { ahead: 0, underLock: 6 });
    assert.deepEqual(b.planning, { ahead: 0, underLock: 6 });
    for (const key of ['invoices', 'lines', 'total', 'bySource', 'byItem', 'endings'] as const) assert.deepEqual(a[key], b[key], key);
    assert.equal(a.invoices, 12);
    const lines = await billed(ahead.db);
    assert.deepEqual(lines, await billed(underLock.db));
    assert.ok(lines.includes('Payer 04, Test: 22500 ← 2026-01-10 1 × 7500'), 'the special price is billed');
    // Customer credit pays what it can of the new invoices, the same either way.
    const paid = async (db: Kysely<DB>) =>
      (await db.selectFrom('invoice').select(['payer_name', 'paid_minor', 'status']).where('paid_minor', '>', 0).orderBy('payer_name').execute()).map((r) => `${r.payer_name} ${Number(r.paid_minor)} ${r.status}`);
    assert.deepEqual(await paid(ahead.db), ['Payer 06, Test 15000 issued', 'Payer 09, Test 30000 paid']);
    assert.deepEqual(await paid(underLock.db), await paid(ahead.db));
    assert.deepEqual(await cursors(ahead.db), await cursors(underLock.db));
    // Numbered without gaps, and the books agree with the invoices.
    const numbers = (await ahead.db.selectFrom('invoice').select('number').orderBy('number').execute()).map((r) => Number(r.number));
    assert.deepEqual(numbers, Array.from({ length: 12 }, (_, i) => numbers[0]! + i));
    assert.deepEqual(await checkInvariants(ahead.db), []);
    // A second run that day finds nothing due.
    const again = await run(ahead);
    assert.equal(again.invoices, 0);
  } finally {
    await ahead.close();
    await underLock.close();
  }
});

/**
 * Between the first and the second batch, someone gives the first payer of the second batch a
 * special price. The plans of the next batches were asked for before that, so they are made again
 * under the lock and the new price is billed.
 */
const staleCase = (name: string, writer: (ctx: TestContext) => { db: Database; close: () => Promise<void> }) =>
  test(name, async () => {
    const ctx = await createTestContext({ start: '2026-01-01T08:00:00Z' });
    const other = writer(ctx);
    try {
      const payers = await organization(ctx);
      const changed = payers[2]!;
      const result = await run(ctx, {
        onProgress: async (done) => {
          if (done !== 2) return;
          await other.db.updateTable('subscription').set({ special_price_minor: '5000', version: sql`version + 1` }).where('payer_id', '=', changed).where('contact_id', '=', changed).execute();
        },
      });
      const lines = await ctx.db
        .selectFrom('invoice_line')
        .innerJoin('subscription', 'subscription.id', 'invoice_line.subscription_id')
        .select('invoice_line.net_minor')
        .where('subscription.contact_id', '=', changed)
        .where('subscription.quantity', '=', '1')
        .orderBy('invoice_line.period_start')
        .execute();
      assert.deepEqual(lines.map((l) => Number(l.net_minor)), [5000, 5000, 5000]);
      assert.equal(result.invoices, 12);
      // Batch 1 as planned; batches 2-4 were asked for before the change was seen (the run sees it
      // when it takes the lock for batch 2) and are planned again; 5 and 6 were asked for after.
      assert.deepEqual(result.planning, sqlite ? { ahead: 3, underLock: 3 } : { ahead: 0, underLock: 6 });
      assert.deepEqual(await checkInvariants(ctx.db), []);
    } finally {
      await other.close();
      await ctx.close();
    }
  });

staleCase('a change on the run’s own connection between batches is seen: the batches planned before it are planned again', (ctx) => ({ db: ctx.db, close: async () => {} }));

staleCase('a change by another connection between batches is seen: the batches planned before it are planned again', (ctx) => {
  const opened = openDatabase(ctx.testDb.target, { poolSize: 1 });
  return { db: opened.db, close: () => opened.close() };
});

test('when the planner thread cannot read the database, the run plans every batch under the lock and says why', { skip: !sqlite && 'the planner thread runs on SQLite only' }, async () => {
  const ctx = await createTestContext({ start: '2026-01-01T08:00:00Z' });
  // The thread is pointed at an empty database file: its first query fails.
  const empty = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'guildhall-empty-')), 'empty.sqlite');
  try {
    await organization(ctx);
    const result = await runBilling({ db: ctx.db, clock: ctx.clock, config: { database: { kind: 'sqlite', file: empty } } }, cliActor('test'), { asOf: '2026-03-10', batchSize: 2 });
    assert.equal(result.invoices, 12);
    assert.equal(result.planning!.ahead, 0);
    assert.equal(result.planning!.underLock, 6);
    assert.match(result.planning!.workerError ?? '', /no such table/);
    assert.deepEqual(await checkInvariants(ctx.db), []);
  } finally {
    await ctx.close();
    fs.rmSync(path.dirname(empty), { recursive: true, force: true });
  }
});
