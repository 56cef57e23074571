/**
 * Payment recording at size: an organization of N members billed once by the real billing run (not
 * timed; see `billedOrganization`), some payers given one or two older open invoices, then
 * `recordPayment` called one payment after another for a sample of payers, oldest-first allocation:
 * a payer paying everything open (invoices paid in full move their subscriptions on), exactly the
 * oldest invoice, part of it, or more than is open (the rest becomes customer credit). Each call is
 * one transaction: payer lock, open amounts read again, allocations, a receipt number, the payment,
 * its balanced ledger entry (hash-chained), subscription moves, the audit row and the receipt e-mail
 * in the outbox (deps carry a config, as the API server's do).
 */
import type { Kysely } from 'kysely';
import { inTransaction, toBigInt } from '../src/db/database.ts';
import type { DB } from '../src/db/schema.ts';
import { frozenDayClock } from '../src/kernel/clock.ts';
import { parseDate } from '../src/kernel/dates.ts';
import { money, toDecimalString } from '../src/kernel/money.ts';
import { cliActor } from '../src/modules/audit/index.ts';
import { issueNewInvoices, type NewLine } from '../src/modules/invoices/index.ts';
import { recordPayment } from '../src/modules/payments/index.ts';
import { getSetting } from '../src/modules/settings/index.ts';
import { billedOrganization, DUE } from './billing.ts';
import { latencyRows, percentile, time, type BenchDatabase, type BenchRow } from './lib.ts';

/** Payments are received ten days after the run's invoices were issued. */
export const PAID_ON = parseDate(DUE).add({ days: 10 }).toString();

const olderLine = (): NewLine => ({
  chargeKey: null,
  source: 'manual',
  subscriptionId: null,
  itemType: null,
  itemId: null,
  description: 'Locker rental',
  quantity: '1',
  unitPriceMinor: 12_000n,
  netMinor: 12_000n,
  vatRate: '25',
  periodStart: null,
  periodEnd: null,
  glAccount: '30000-0000',
});

export interface PaymentPlan {
  payerId: string;
  amount: string;
}

/**
 * Picks `count` payers spread over the run's invoices, gives every third one an older open invoice
 * (every sixth two), and decides what each pays: 40 % everything open, 30 % exactly the oldest
 * invoice, 20 % half of it, 10 % everything plus 100.00 (customer credit). Not timed.
 */
export const preparePayments = async (db: Kysely<DB>, runId: string, count: number): Promise<PaymentPlan[]> => {
  const currency = await getSetting(db, 'organization.currency');
  const candidates = await db
    .selectFrom('invoice')
    .select(['payer_id'])
    .where('billing_run_id', '=', runId)
    .where('kind', '=', 'invoice')
    .where('status', '=', 'issued')
    .where('total_minor', '>', 0 as never)
    .orderBy('number')
    .execute();
  const step = Math.max(1, Math.floor(candidates.length / Math.max(1, count)));
  const payers: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < candidates.length && payers.length < count; i += step) {
    const p = candidates[i]!.payer_id;
    if (seen.has(p)) continue;
    seen.add(p);
    payers.push(p);
  }

  const clock = frozenDayClock(parseDate(DUE));
  for (const [days, every] of [[60, 6], [30, 3]] as const) {
    const who = payers.filter((_, k) => k % every === 0);
    if (!who.length) continue;
    await inTransaction(db, (tx) =>
      issueNewInvoices(tx, { clock }, {
        origin: 'manual',
        billingRunId: null,
        issueDate: parseDate(DUE).subtract({ days }).toString(),
        createdBy: 'bench',
        invoices: who.map((payerId) => ({ payerId, currency, lines: [olderLine()] })),
      }),
    );
  }

  const open = new Map<string, bigint[]>();
  for (let i = 0; i < payers.length; i += 500) {
    const rows = await db
      .selectFrom('invoice')
      .select(['payer_id', 'total_minor', 'paid_minor'])
      .where('payer_id', 'in', payers.slice(i, i + 500))
      .where('kind', '=', 'invoice')
      .where('status', '=', 'issued')
      .orderBy('due_date')
      .orderBy('number')
      .execute();
    for (const r of rows) {
      const left = toBigInt(r.total_minor) - toBigInt(r.paid_minor);
      if (left > 0n) open.set(r.payer_id, [...(open.get(r.payer_id) ?? []), left]);
    }
  }
  const decimal = (minor: bigint) => toDecimalString(money(minor, currency));
  return payers
    .filter((p) => open.get(p)?.length)
    .map((payerId, k) => {
      const items = open.get(payerId)!;
      const all = items.reduce((a, b) => a + b, 0n);
      const oldest = items[0]!;
      const pick = k % 10;
      const minor = pick < 4 ? all : pick < 7 ? oldest : pick < 9 ? (oldest / 2n > 0n ? oldest / 2n : oldest) : all + 10_000n;
      return { payerId, amount: decimal(minor) };
    });
};

export const benchPayments = async (bdb: BenchDatabase, size: number, opts: { count?: number; batchSize?: number } = {}): Promise<BenchRow[]> => {
  const { db } = bdb;
  const database = bdb.version;
  const { run } = await billedOrganization(bdb, size, { batchSize: opts.batchSize });
  const plans = await preparePayments(db, run.runId!, Math.min(size, opts.count ?? 2000));
  // With the config, as the API server calls it: a receipt e-mail is queued through the outbox (setting payments.send_receipt).
  const deps = { db, clock: frozenDayClock(parseDate(PAID_ON)), config: { mailFrom: null, publicUrl: 'http://localhost:8080' } };
  const by = { actor: cliActor('bench') };
  const warm = Math.min(20, Math.floor(plans.length / 10));
  for (const p of plans.slice(0, warm)) await recordPayment(deps, by, { contactId: p.payerId, amount: p.amount, method: 'bank_transfer' });
  const timed = plans.slice(warm);
  console.error(`  ${timed.length.toLocaleString('en')} payments (after ${warm} not timed)`);
  const countMail = async () => Number((await db.selectFrom('mail_message').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const mailsBefore = await countMail();
  const ms: number[] = [];
  const before = process.cpuUsage();
  const all = await time(async () => {
    for (const [k, p] of timed.entries()) {
      const t = await time(() => recordPayment(deps, by, { contactId: p.payerId, amount: p.amount, method: k % 20 === 0 ? 'cash' : 'bank_transfer', reference: `bench ${k}` }));
      ms.push(t.ms);
    }
  });
  const cpu = process.cpuUsage(before);
  const allocations = Number((await db.selectFrom('payment_allocation').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const mails = (await countMail()) - mailsBefore;
  const cpuNote = bdb.kind === 'postgres' ? ' (PostgreSQL’s own CPU not counted)' : '';
  return [
    {
      benchmark: 'payments',
      database,
      size,
      figure: 'payments per second',
      value: (timed.length / all.ms) * 1000,
      unit: 'payments/s',
      note: `${timed.length.toLocaleString('en')} recordPayment calls one after another (one connection), oldest first; 40 % pay all open, 30 % the oldest invoice, 20 % half of it, 10 % more than open; receipt e-mails queued: ${mails.toLocaleString('en')}; ${allocations.toLocaleString('en')} allocations in all; Node CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s of ${(all.ms / 1000).toFixed(1)} s${cpuNote}`,
    },
    ...latencyRows('payment (one call)', database, size, ms).map((r) => (r.figure === 'p95' ? { ...r, note: `max ${percentile(ms, 100).toFixed(1)} ms` } : r)),
  ];
};
