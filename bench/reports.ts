/**
 * The A/R reports at size: an organization of N members billed once by the real billing run (not
 * timed), some payments recorded on it (not timed), then each report called N times at a day 45 days
 * after the run (the run's invoices are overdue by then): the open-invoice list's first page (sorted
 * by due date, 50 rows, with its count and Σ open), the same list searched (a payer's name, an
 * invoice number, a member number, a KID), the trial balance and the A/R ageing (first page by total).
 * Median and p95 of each. Then the checks of the books on the same ledger: the chain walk and the
 * whole check in this thread, and the whole check off-thread as the server runs it.
 */
import { sql } from 'kysely';
import { parseDate } from '../src/kernel/dates.ts';
import { inspectLedger, inspectOffThread, trialBalance, verifyLedger } from '../src/modules/ledger/index.ts';
import { ageingReport, listOpenInvoices, recordPayment } from '../src/modules/payments/index.ts';
import { getSetting } from '../src/modules/settings/index.ts';
import { frozenDayClock } from '../src/kernel/clock.ts';
import { cliActor } from '../src/modules/audit/index.ts';
import { billedOrganization, DUE } from './billing.ts';
import { latencyRows, prng, stallMeter, time, type BenchDatabase, type BenchRow } from './lib.ts';
import { PAID_ON, preparePayments } from './payments.ts';

const AT = parseDate(DUE).add({ days: 45 }).toString();

export const benchReports = async (bdb: BenchDatabase, size: number, opts: { calls?: number; batchSize?: number } = {}): Promise<BenchRow[]> => {
  const { db } = bdb;
  const database = bdb.version;
  const calls = Math.max(1, opts.calls ?? 20);
  const { run } = await billedOrganization(bdb, size, { batchSize: opts.batchSize });
  const plans = await preparePayments(db, run.runId!, Math.min(2000, Math.ceil(size / 5)));
  const deps = { db, clock: frozenDayClock(parseDate(PAID_ON)) };
  for (const p of plans) await recordPayment(deps, { actor: cliActor('bench') }, { contactId: p.payerId, amount: p.amount, method: 'bank_transfer' });
  await sql`analyze`.execute(db);
  const currency = await getSetting(db, 'organization.currency');

  // What people type into the quick-entry search: a payer's name, an invoice number, a member number, a KID.
  // A sample of open invoices, picked by number (numbers are gapless) without reading them all.
  const range = await db.selectFrom('invoice').select((eb) => [eb.fn.min('number').as('lo'), eb.fn.max('number').as('hi')]).where('kind', '=', 'invoice').executeTakeFirstOrThrow();
  const r = prng(777);
  const numbers = Array.from({ length: calls * 3 }, () => r.int(Number(range.lo ?? 1), Number(range.hi ?? 1)));
  const sample = await db
    .selectFrom('invoice')
    .select(['number', 'payer_member_number', 'payment_reference', 'payer_name'])
    .where('kind', '=', 'invoice')
    .where('status', '=', 'issued')
    .where('number', 'in', numbers)
    .execute();
  const searches: string[] = [];
  for (let k = 0; k < calls && sample.length; k++) {
    const inv = sample[r.int(0, sample.length - 1)]!;
    const name = (inv.payer_name ?? '').split(/[\s-]+/).reduce((a, b) => (b.length > a.length ? b : a), '');
    const options = [name, String(inv.number ?? ''), String(inv.payer_member_number ?? ''), inv.payment_reference ?? ''];
    searches.push(options[k % 4] || name);
  }
  const openCount = Number((await db.selectFrom('invoice').select((eb) => eb.fn.countAll().as('n')).where('kind', '=', 'invoice').where('status', '=', 'issued').executeTakeFirstOrThrow()).n);
  const ledgerLines = Number((await db.selectFrom('ledger_line').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  console.error(`  ${plans.length.toLocaleString('en')} payments recorded; ${openCount.toLocaleString('en')} open invoices, ${ledgerLines.toLocaleString('en')} ledger lines; ${calls} calls of each report at ${AT}`);

  const measure = async <T>(fn: (k: number) => Promise<T>) => {
    await fn(0); // warm the caches and the statement cache
    const ms: number[] = [];
    const out: T[] = [];
    for (let k = 0; k < calls; k++) {
      const t = await time(() => fn(k));
      ms.push(t.ms);
      out.push(t.value);
    }
    return { ms, last: out[out.length - 1]!, out };
  };
  const sort = { column: 'due_date' as const, direction: 'asc' as const };
  const firstPage = await measure(() => listOpenInvoices(db, { page: 1, pageSize: 50, sort, at: AT }, currency));
  const search = await measure((k) => listOpenInvoices(db, { page: 1, pageSize: 50, sort, at: AT, q: searches[k % searches.length] }, currency));
  const trial = await measure(() => trialBalance(db, { at: AT }));
  const ageing = await measure(() => ageingReport(db, { at: AT, page: 1, pageSize: 50, sort: { column: 'total', direction: 'desc' } }, currency));
  const hits = search.out.filter((p) => p.total > 0).length;

  // The checks of the books (the ledger pages and the nightly task): the chain walk, and every
  // invariant (which walks the chain too), on this thread; then the whole check as the server runs
  // it, in a worker thread on its own connection, with how long this thread's timers waited meanwhile.
  const entries = Number((await db.selectFrom('ledger_entry').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const walk = await time(() => verifyLedger(db));
  const inThread = await time(() => inspectLedger(db));
  const stalls = stallMeter();
  const offThread = await time(() => inspectOffThread(bdb.target));
  const longestWait = stalls.stop();
  for (const [what, ok] of [['chain walk', walk.value.ok], ['invariants', inThread.value.violations.length === 0], ['off-thread check', offThread.value.verification.ok && offThread.value.violations.length === 0]] as const) {
    if (!ok) throw new Error(`The ${what} found the generated books broken; the benchmark's figures would mean nothing.`);
  }
  const ledgerRow = (figure: string, ms: number, note: string): BenchRow => ({ benchmark: 'ledger check', database, size, figure, value: ms / 1000, unit: 's', note });
  return [
    ledgerRow('chain walk', walk.ms, `every entry's hash recomputed and the chain followed: ${entries.toLocaleString('en')} entries, ${ledgerLines.toLocaleString('en')} lines, in this thread`),
    ledgerRow('whole check', inThread.ms, 'chain walk and every invariant (balance, control accounts, invoices, credit, day totals, references), in this thread'),
    ledgerRow('whole check off-thread', offThread.ms, `as GET /ledger/check and the stored checks run it: a worker thread with its own connection and one read snapshot (includes starting the worker); the server's thread waited at most ${longestWait.toFixed(0)} ms meanwhile`),
    ...latencyRows('open invoices page 1', database, size, firstPage.ms, `${calls} calls; ${firstPage.last.total.toLocaleString('en')} open invoices counted and summed, 50 shown, by due date`),
    ...latencyRows('open invoices search', database, size, search.ms, `${calls} searches (payer name, invoice number, member number, KID), ${hits} with hits`),
    ...latencyRows('trial balance', database, size, trial.ms, `${calls} calls; ${trial.last.accounts.length} accounts over ${ledgerLines.toLocaleString('en')} ledger lines`),
    ...latencyRows('A/R ageing', database, size, ageing.ms, `${calls} calls; ${ageing.last.totals.contacts.toLocaleString('en')} contacts with something open, first page of 50 by total`),
  ];
};
