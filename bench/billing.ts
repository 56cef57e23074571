/**
 * The daily billing run at size (issue 7): an organization of N members on a fresh database, every
 * subscription due on one day, billed end to end by the real `runBilling`; against a floor of the
 * same invoice and line rows inserted into bare tables and the same subscription updates applied to
 * a bare copy, with plain multi-row statements in the same number of transactions, and nothing else;
 * on PostgreSQL also against a COPY floor (the same rows with COPY FROM STDIN, see `copyPage`).
 *
 * The organization is written with multi-row INSERTs straight into the tables (generation is not
 * what is measured): mostly ORD renewals, households (FM1 invoiced, FM2 following and free), special
 * prices, trials ending that day (→ NUL), members whose employer pays, organizations with hosting
 * products, lockers by the quarter, a monthly account type with metered usage, recurring and queued
 * charges.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DB } from '../src/db/schema.ts';
import { frozenDayClock } from '../src/kernel/clock.ts';
import { parseDate } from '../src/kernel/dates.ts';
import { cliActor } from '../src/modules/audit/index.ts';
import { runBilling, type RunResult } from '../src/modules/billing/index.ts';
import { createAccountType, createProduct } from '../src/modules/catalog/index.ts';
import { getSetting } from '../src/modules/settings/index.ts';
import { contactAt } from './contacts.ts';
import { memorySampler, prng, time, type BenchDatabase, type BenchRow } from './lib.ts';

/** The day everything is due (a Monday; no month-end clamping involved). */
export const DUE = '2026-03-02';
const GENERATED_AT = '2025-01-01T00:00:00.000Z';
const BATCH = 500;

const minus = (months: number) => parseDate(DUE).subtract({ months }).toString();

const progress = (label: string, size: number) => (done: number) => {
  if (process.stderr.isTTY) process.stderr.write(`\r  ${label}: ${done.toLocaleString('en')} / ${size.toLocaleString('en')}`);
  if (done >= size && process.stderr.isTTY) process.stderr.write('\n');
};

/** Buffers rows per table and writes them with multi-row INSERTs of 500 rows, one transaction per flush. */
const bulkWriter = (db: Kysely<DB>) => {
  const pending = new Map<string, unknown[]>();
  let statements: Array<{ table: string; rows: unknown[] }> = [];
  const flushTx = async () => {
    if (!statements.length) return;
    const todo = statements;
    statements = [];
    await db.transaction().execute(async (tx) => {
      for (const s of todo) await tx.insertInto(s.table as 'contact').values(s.rows as never).execute();
    });
  };
  return {
    add: (table: string, row: unknown) => {
      const list = pending.get(table) ?? [];
      list.push(row);
      pending.set(table, list);
      if (list.length >= BATCH) {
        statements.push({ table, rows: list });
        pending.set(table, []);
      }
    },
    /** Writes what is buffered, parents (in the order given) before children. */
    flush: async (order: string[]) => {
      for (const t of order) {
        const list = pending.get(t);
        if (list?.length) statements.push({ table: t, rows: list });
        pending.set(t, []);
      }
      // Keep parent tables first across the buffered statements.
      statements.sort((a, b) => order.indexOf(a.table) - order.indexOf(b.table));
      await flushTx();
    },
  };
};

interface Generated {
  contacts: number;
  subscriptions: number;
  usage: number;
  recurring: number;
  queued: number;
}

export const generate = async (db: Kysely<DB>, size: number): Promise<Generated> => {
  const clock = frozenDayClock(parseDate(DUE));
  const by = { actor: cliActor('bench') };
  const priceFrom = '2020-01-01';
  const hosting = await createProduct({ db, clock }, by, { code: 'HOST', name: 'Web hosting', kind: 'service', frequency: 'year', vatRate: '25', price: '1200.00', priceEffectiveFrom: priceFrom, glAccount: '31000-0000' });
  const domain = await createProduct({ db, clock }, by, { code: 'DOMAIN', name: 'Virtual domain', kind: 'upgrade', frequency: 'year', vatRate: '25', price: '150.00', priceEffectiveFrom: priceFrom });
  const locker = await createProduct({ db, clock }, by, { code: 'LOCKER', name: 'Locker rental', kind: 'service', frequency: 'quarter', vatRate: '25', price: '120.00', priceEffectiveFrom: priceFrom });
  const workshop = await createAccountType({ db, clock }, by, {
    code: 'WORKSHOP',
    name: 'Workshop access',
    frequency: 'month',
    vatRate: '25',
    price: '150.00',
    priceEffectiveFrom: priceFrom,
    attributes: [
      { code: 'laser_min', description: 'Laser cutter time', unit: 'min', included: '60', rate: '3.00', per: 'period' },
      { code: 'filament_g', description: '3D-printer filament', unit: 'g', included: '250', rate: '0.40', per: 'period' },
    ],
  });
  const currency = await getSetting(db, 'organization.currency');

  // Employers that pay for some members: the organizations among the first contacts.
  const employers: string[] = [];
  for (let i = 0; i < Math.min(size, 3000) && employers.length < 50; i++) if (contactAt(i).row.kind === 'organization') employers.push(contactAt(i).row.id);

  const w = bulkWriter(db);
  const order = ['contact', 'subscription', 'usage_record', 'recurring_charge', 'queued_charge'];
  const counts: Generated = { contacts: 0, subscriptions: 0, usage: 0, recurring: 0, queued: 0 };
  const anchor = parseDate(DUE).day;
  let subSeq = 0;
  const sub = async (s: { contact: string; payer: string; itemType: string; itemId: string; startMonthsAgo: number; quantity?: string; status?: string; special?: bigint; trialEndsOn?: string; follows?: string; usage?: boolean }) => {
    const id = `bs${String(subSeq++).padStart(12, '0')}`;
    const start = s.trialEndsOn ? parseDate(DUE).subtract({ days: 30 }).toString() : minus(s.startMonthsAgo);
    w.add('subscription', {
      id,
      contact_id: s.contact,
      payer_id: s.payer,
      item_type: s.itemType,
      item_id: s.itemId,
      quantity: s.quantity ?? '1',
      status: s.status ?? 'active',
      start_date: start,
      anchor_day: s.trialEndsOn ? parseDate(start).day : anchor,
      end_date: null,
      disconnect_date: null,
      auto_renew: 1,
      special_price_minor: s.special?.toString() ?? null,
      campaign_code_id: null,
      campaign_price_minor: null,
      trial_ends_on: s.trialEndsOn ?? null,
      // The first term was billed when it started; the next one is due today.
      fee_cursor: s.trialEndsOn ? null : start,
      usage_cursor: null,
      next_due: DUE,
      paid_through: null,
      follows_id: s.follows ?? null,
      replaces_id: null,
      note: null,
      version: 1,
      created_at: GENERATED_AT,
      updated_at: GENERATED_AT,
    });
    counts.subscriptions++;
    return id;
  };

  const onProgress = progress('organization', size);
  let primarySub: string | null = null;
  let primaryContact: string | null = null;
  for (let i = 0; i < size; i++) {
    const c = contactAt(i);
    w.add('contact', c.row);
    counts.contacts++;
    const id = c.row.id;
    const r = prng(i * 104729 + 7);
    if (c.row.kind === 'organization') {
      await sub({ contact: id, payer: id, itemType: 'product', itemId: hosting.id, startMonthsAgo: 12 });
      await sub({ contact: id, payer: id, itemType: 'product', itemId: domain.id, startMonthsAgo: 12, quantity: String(r.int(1, 4)) });
    } else if (i % 25 < 3 && primaryContact && i % 25 !== 0) {
      // Household members follow the primary (FM2: not invoiced; the primary pays).
      await sub({ contact: id, payer: primaryContact, itemType: 'membership_type', itemId: 'mt_fm2', startMonthsAgo: 12, follows: primarySub! });
    } else if (i % 25 === 0) {
      primaryContact = id;
      primarySub = await sub({ contact: id, payer: id, itemType: 'membership_type', itemId: 'mt_fm1', startMonthsAgo: 12 });
    } else {
      const payer = employers.length && r.chance(0.04) ? r.pick(employers) : id;
      const kind = r.next();
      if (kind < 0.03) await sub({ contact: id, payer, itemType: 'membership_type', itemId: 'mt_tri', startMonthsAgo: 0, status: 'trial', trialEndsOn: DUE });
      else if (kind < 0.08) await sub({ contact: id, payer, itemType: 'membership_type', itemId: 'mt_spc', startMonthsAgo: 12, special: BigInt(r.pick([20000, 25000, 30000])) });
      else await sub({ contact: id, payer, itemType: 'membership_type', itemId: 'mt_ord', startMonthsAgo: 12 });
      if (r.chance(0.1)) await sub({ contact: id, payer, itemType: 'product', itemId: locker.id, startMonthsAgo: 3 });
      if (r.chance(0.04)) {
        const s = await sub({ contact: id, payer, itemType: 'account_type', itemId: workshop.id, startMonthsAgo: 1 });
        for (let k = 0; k < 4; k++) {
          w.add('usage_record', {
            id: `bu${s}${k}`,
            subscription_id: s,
            attribute_code: k % 2 === 0 ? 'laser_min' : 'filament_g',
            used_on: parseDate(DUE).subtract({ days: 1 + k * 7 }).toString(),
            quantity: String(r.int(10, 200)),
            source: 'api',
            external_ref: null,
            created_at: GENERATED_AT,
          });
          counts.usage++;
        }
      }
      if (r.chance(0.005)) {
        w.add('recurring_charge', {
          id: `br${i}`,
          contact_id: id,
          payer_id: payer,
          description: 'Dedicated workbench',
          amount_minor: '45000',
          currency,
          frequency: 'month',
          start_date: minus(1),
          anchor_day: anchor,
          end_date: null,
          gl_account: null,
          vat_rate: '25',
          cursor: minus(1),
          next_due: DUE,
          archived: 0,
          created_at: GENERATED_AT,
          updated_at: GENERATED_AT,
        });
        counts.recurring++;
      }
      if (r.chance(0.01)) {
        w.add('queued_charge', {
          id: `bq${i}`,
          contact_id: id,
          payer_id: payer,
          subscription_id: null,
          description: 'Replacement key card',
          quantity: '1',
          unit_price_minor: '15000',
          currency,
          gl_account: null,
          vat_rate: '25',
          charge_date: DUE,
          source: 'staff',
          invoice_id: null,
          cancelled: 0,
          created_at: GENERATED_AT,
        });
        counts.queued++;
      }
    }
    if ((i + 1) % 5000 === 0) {
      await w.flush(order);
      onProgress(i + 1);
    }
  }
  await w.flush(order);
  onProgress(size);
  return counts;
};

// ---- the floor ----

const SUB_COLUMNS = ['status', 'fee_cursor', 'usage_cursor', 'end_date', 'start_date', 'anchor_day', 'next_due', 'version', 'updated_at'] as const;

const createFloorTables = async (db: Kysely<DB>, kind: 'sqlite' | 'postgres') => {
  if (kind === 'postgres') {
    await sql`create table bench_floor_invoice (like invoice)`.execute(db);
    await sql`create table bench_floor_line (like invoice_line)`.execute(db);
    await sql`create table bench_floor_sub (like subscription)`.execute(db);
    await sql`insert into bench_floor_sub select * from subscription`.execute(db);
    await sql`alter table bench_floor_sub add primary key (id)`.execute(db);
    await sql`analyze bench_floor_sub`.execute(db);
    // The COPY floor writes into its own bare tables, so the two floors never see each other's rows.
    await sql`create table bench_copy_invoice (like invoice)`.execute(db);
    await sql`create table bench_copy_line (like invoice_line)`.execute(db);
    await sql`create table bench_copy_sub (like subscription)`.execute(db);
    await sql`insert into bench_copy_sub select * from subscription`.execute(db);
    await sql`alter table bench_copy_sub add primary key (id)`.execute(db);
    await sql`analyze bench_copy_sub`.execute(db);
  } else {
    await sql`create table bench_floor_invoice as select * from invoice where 0`.execute(db);
    await sql`create table bench_floor_line as select * from invoice_line where 0`.execute(db);
    await sql`create table bench_floor_sub as select * from subscription`.execute(db);
    await sql`create unique index bench_floor_sub_id on bench_floor_sub (id)`.execute(db);
  }
};

/** One value in COPY's text format: \\N for NULL, backslash escapes for the characters that would end a field or row. */
const copyText = (v: unknown): string => {
  if (v === null || v === undefined) return '\\N';
  const t = v instanceof Date ? v.toISOString() : String(v);
  return /[\\\t\n\r]/.test(t) ? t.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : t;
};

/** COPY … FROM STDIN of rows (objects with the same keys) into a table, in chunks of 500 rows of text. */
const copyRows = async (client: pg.Client, table: string, rows: Record<string, unknown>[]) => {
  if (!rows.length) return;
  const columns = Object.keys(rows[0]!);
  const chunks = function* () {
    for (let i = 0; i < rows.length; i += BATCH) {
      let text = '';
      for (const r of rows.slice(i, i + BATCH)) text += columns.map((c) => copyText(r[c])).join('\t') + '\n';
      yield text;
    }
  };
  await pipeline(Readable.from(chunks()), client.query(copyFrom(`copy ${table} (${columns.map((c) => `"${c}"`).join(', ')}) from stdin`)));
};

/**
 * The COPY floor of one page on PostgreSQL: the invoices and lines with COPY FROM STDIN into bare
 * tables, and the subscription updates as COPY into a staging table and one UPDATE … FROM it, in one
 * transaction on a plain pg client (what a bulk loader would do).
 */
const copyPage = async (client: pg.Client, invoices: Record<string, unknown>[], lines: Record<string, unknown>[], subs: Record<string, unknown>[]) => {
  await client.query('begin');
  try {
    await copyRows(client, 'bench_copy_invoice', invoices);
    await copyRows(client, 'bench_copy_line', lines);
    if (subs.length) {
      await client.query(`create temp table bench_sub_stage on commit drop as select id, ${SUB_COLUMNS.join(', ')} from bench_copy_sub with no data`);
      await copyRows(client, 'bench_sub_stage', subs);
      await client.query(`update bench_copy_sub as s set ${SUB_COLUMNS.map((c) => `${c} = v.${c}`).join(', ')} from bench_sub_stage as v where s.id = v.id`);
    }
    await client.query('commit');
  } catch (e) {
    await client.query('rollback').catch(() => {});
    throw e;
  }
};

/**
 * Writes the run's invoices and lines into bare tables (same columns, no index, key or trigger) with
 * multi-row INSERTs, and applies the run's subscription updates to a bare copy keyed by id with one
 * multi-row UPDATE … FROM (VALUES …) per page, in as many transactions as the run used. Only the
 * writing is timed; reading the rows back to write them is not. On PostgreSQL (with `copyUrl`) the
 * same pages are also written with COPY (`copyPage`) and timed apart: `copyMs`.
 */
const measureFloor = async (db: Kysely<DB>, kind: 'sqlite' | 'postgres', runId: string, batches: number, copyUrl?: string): Promise<{ ms: number; rows: number; copyMs?: number }> => {
  const invoiceCount = Number((await db.selectFrom('invoice').select((eb) => eb.fn.countAll().as('n')).where('billing_run_id', '=', runId).executeTakeFirstOrThrow()).n);
  const subCount = Number((await db.selectFrom('subscription').select((eb) => eb.fn.countAll().as('n')).where('created_at', '=', GENERATED_AT).executeTakeFirstOrThrow()).n);
  const pages = Math.max(1, batches);
  const invPage = Math.ceil(invoiceCount / pages);
  const subPage = Math.ceil(subCount / pages);
  let afterInvoice = '';
  let afterSub = '';
  let ms = 0;
  let rows = 0;
  let copyMs = 0;
  const client = kind === 'postgres' && copyUrl ? new pg.Client({ connectionString: copyUrl }) : null;
  await client?.connect();
  try {
    for (let p = 0; p < pages; p++) {
      const invoices = await db.selectFrom('invoice').selectAll().where('billing_run_id', '=', runId).where('id', '>', afterInvoice).orderBy('id').limit(invPage).execute();
      const lines = invoices.length ? await db.selectFrom('invoice_line').selectAll().where('invoice_id', 'in', invoices.map((i) => i.id)).execute() : [];
      const subs = await db
        .selectFrom('subscription')
        .select(['id', ...SUB_COLUMNS])
        .where('created_at', '=', GENERATED_AT)
        .where('id', '>', afterSub)
        .orderBy('id')
        .limit(subPage)
        .execute();
      if (!invoices.length && !subs.length) break;
      afterInvoice = invoices[invoices.length - 1]?.id ?? afterInvoice;
      afterSub = subs[subs.length - 1]?.id ?? afterSub;
      const t = await time(() =>
        db.transaction().execute(async (tx) => {
          for (let i = 0; i < invoices.length; i += BATCH) await tx.insertInto('bench_floor_invoice' as 'invoice').values(invoices.slice(i, i + BATCH)).execute();
          for (let i = 0; i < lines.length; i += BATCH) await tx.insertInto('bench_floor_line' as 'invoice_line').values(lines.slice(i, i + BATCH)).execute();
          for (let i = 0; i < subs.length; i += 2000) {
            const chunk = subs.slice(i, i + 2000);
            const values = sql.join(chunk.map((s) => sql`(${s.id}, ${s.status}, ${s.fee_cursor}, ${s.usage_cursor}, ${s.end_date}, ${s.start_date}, ${s.anchor_day}, ${s.next_due}, ${s.version}, ${s.updated_at})`));
            if (kind === 'postgres') {
              await sql`update bench_floor_sub as s set status = v.status, fee_cursor = v.fee_cursor, usage_cursor = v.usage_cursor, end_date = v.end_date,
                  start_date = v.start_date, anchor_day = v.anchor_day::integer, next_due = v.next_due, version = v.version::integer, updated_at = v.updated_at
                from (values ${values}) as v(id, status, fee_cursor, usage_cursor, end_date, start_date, anchor_day, next_due, version, updated_at)
                where s.id = v.id`.execute(tx);
            } else {
              await sql`update bench_floor_sub set status = v.column2, fee_cursor = v.column3, usage_cursor = v.column4, end_date = v.column5,
                  start_date = v.column6, anchor_day = v.column7, next_due = v.column8, version = v.column9, updated_at = v.column10
                from (values ${values}) as v where bench_floor_sub.id = v.column1`.execute(tx);
            }
          }
        }),
      );
      ms += t.ms;
      rows += invoices.length + lines.length + subs.length;
      if (client) copyMs += (await time(() => copyPage(client, invoices, lines, subs))).ms;
    }
  } finally {
    await client?.end();
  }
  return { ms, rows, ...(client ? { copyMs } : {}) };
};

const count = async (db: Kysely<DB>, table: keyof DB) => Number((await db.selectFrom(table as 'invoice').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

/** The tables the run writes besides invoices, lines and subscriptions: counted before and after. */
const SIDE_TABLES = ['subscription_event', 'audit_log', 'ledger_entry', 'ledger_line', 'ledger_holding', 'invoice_delivery', 'mail_message', 'job'] as const satisfies readonly (keyof DB)[];
const countSide = async (db: Kysely<DB>) => Object.fromEntries(await Promise.all(SIDE_TABLES.map(async (t) => [t, await count(db, t)] as const))) as Record<(typeof SIDE_TABLES)[number], number>;

/**
 * An organization of `size` members billed once (not timed): generated as for the billing benchmark
 * and run by the real `runBilling` on DUE, so its invoices are issued, posted to the ledger and open.
 * The payments and reports benchmarks start from it.
 */
export const billedOrganization = async (bdb: BenchDatabase, size: number, opts: { batchSize?: number } = {}): Promise<{ generated: Generated; run: RunResult }> => {
  const { db } = bdb;
  const generated = await generate(db, size);
  await sql`analyze`.execute(db);
  const onProgress = progress('billing run', 1);
  const run = await runBilling({ db, clock: frozenDayClock(parseDate(DUE)) }, cliActor('bench'), {
    asOf: DUE,
    batchSize: opts.batchSize ?? 500,
    onProgress: (done, total) => {
      if (process.stderr.isTTY) process.stderr.write(`\r  billing run: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} payers`);
      if (done >= total) onProgress(1);
    },
  });
  await sql`analyze`.execute(db);
  console.error(`  organization: ${generated.contacts.toLocaleString('en')} contacts billed on ${DUE}: ${run.invoices.toLocaleString('en')} invoices, ${run.lines.toLocaleString('en')} lines`);
  return { generated, run };
};

export const benchBilling = async (bdb: BenchDatabase, size: number, opts: { batchSize?: number } = {}): Promise<BenchRow[]> => {
  const { db, kind } = bdb;
  const database = bdb.version;
  const generated = await generate(db, size);
  await sql`analyze`.execute(db);
  await createFloorTables(db, kind);
  const before = { subs: await count(db, 'subscription'), side: await countSide(db) };
  console.error(
    `  organization: ${generated.contacts.toLocaleString('en')} contacts, ${generated.subscriptions.toLocaleString('en')} subscriptions, ${generated.usage.toLocaleString('en')} usage records, ${generated.recurring} recurring and ${generated.queued} queued charges, all due ${DUE}`,
  );

  const batchSize = opts.batchSize ?? 500;
  const mem = memorySampler();
  const onProgress = progress('billing run', 1);
  const run = await time(() =>
    runBilling({ db, clock: frozenDayClock(parseDate(DUE)) }, cliActor('bench'), {
      asOf: DUE,
      batchSize,
      onProgress: (done, total) => {
        if (process.stderr.isTTY) process.stderr.write(`\r  billing run: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} payers`);
        if (done >= total) onProgress(1);
      },
    }),
  );
  mem.stop();
  const peakMiB = mem.peakMiB();
  const r = run.value;
  const created = (await count(db, 'subscription')) - before.subs;
  const after = await countSide(db);
  const side = Object.fromEntries(SIDE_TABLES.map((t) => [t, after[t] - before.side[t]])) as Record<(typeof SIDE_TABLES)[number], number>;
  const sideRows = SIDE_TABLES.reduce((n, t) => n + side[t], 0);
  const written = r.invoices + r.lines + generated.subscriptions + created + generated.recurring + generated.queued + sideRows;
  const batches = Math.ceil(r.payers / batchSize);

  const floor = await measureFloor(db, kind, r.runId!, batches, bdb.url);
  const floorRowsPerS = (floor.rows / floor.ms) * 1000;
  const ratio = run.ms / floor.ms;
  const sideNote = SIDE_TABLES.filter((t) => side[t]).map((t) => `${side[t].toLocaleString('en')} ${t}`).join(', ');
  const note = `${r.payers.toLocaleString('en')} payers, ${r.invoices.toLocaleString('en')} invoices, ${r.lines.toLocaleString('en')} lines, ${generated.subscriptions.toLocaleString('en')} subscriptions updated, ${created} created, ${batches} transactions; also written by the run (not by the floor): ${sideNote}`;
  const copyFloorRows: BenchRow[] =
    floor.copyMs === undefined
      ? []
      : [
          {
            benchmark: 'billing run',
            database,
            size,
            figure: 'time vs COPY floor',
            value: run.ms / 1000,
            unit: 's',
            floor: floor.copyMs / 1000,
            ratio: run.ms / floor.copyMs,
            note: `floor: the same invoice and line rows with COPY FROM STDIN (text format) into bare tables and the same subscription updates as COPY into a staging table + one UPDATE … FROM, in ${batches} transactions; ${((floor.rows / floor.copyMs) * 1000).toFixed(0)} rows/s (INSERT floor ratio ${ratio.toFixed(2)}×)`,
          },
        ];
  return [
    { benchmark: 'billing run', database, size, figure: 'time', value: run.ms / 1000, unit: 's', floor: floor.ms / 1000, ratio, note },
    ...copyFloorRows,
    { benchmark: 'billing run', database, size, figure: 'invoices per second', value: (r.invoices / run.ms) * 1000, unit: 'invoices/s', floor: (r.invoices / floor.ms) * 1000, ratio },
    {
      benchmark: 'billing run',
      database,
      size,
      figure: 'rows per second',
      value: (written / run.ms) * 1000,
      unit: 'rows/s',
      floor: floorRowsPerS,
      note: `run: ${written.toLocaleString('en')} rows (invoices, lines, subscription updates and inserts, charges, and the rows above: events, audit, ledger, deliveries, outbox); floor: ${floor.rows.toLocaleString('en')} rows (invoices, lines, subscription updates) with multi-row INSERT/UPDATE`,
    },
    { benchmark: 'billing run', database, size, figure: 'peak memory (RSS)', value: peakMiB, unit: 'MiB', note: 'sampled every 50 ms during the run; includes what generating the organization left on the heap' },
  ];
};
