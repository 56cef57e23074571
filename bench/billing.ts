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
import { withoutForeignKeyChecks } from '../src/db/database.ts';
import { insertValues, updateRows } from '../src/db/bulk.ts';
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

/**
 * Every row the run writes, table by table, so the floor writes the same rows: the inserted rows
 * are read back after the run in key order (`where` picks the run's own where the table held rows
 * before), and the subscriptions' new values are applied as updates.
 */
interface RunTable {
  table: keyof DB & string;
  key: string;
  where?: ReturnType<typeof sql<boolean>>;
}
const runTables = (auditSeqBefore: number): RunTable[] => [
  { table: 'invoice', key: 'id' },
  { table: 'invoice_line', key: 'id' },
  { table: 'subscription', key: 'id', where: sql<boolean>`created_at <> ${GENERATED_AT}` },
  { table: 'subscription_event', key: 'id' },
  { table: 'ledger_entry', key: 'id' },
  { table: 'ledger_line', key: 'id' },
  { table: 'ledger_holding', key: 'invoice_id' },
  // One row per account: the run posts everything on one day, so the account alone pages it.
  { table: 'ledger_day_total', key: 'account_code' },
  { table: 'job', key: 'id' },
  { table: 'invoice_delivery', key: 'id' },
  { table: 'mail_message', key: 'id' },
  { table: 'audit_log', key: 'seq', where: sql<boolean>`seq > ${auditSeqBefore}` },
];
/** Tables the organization leaves empty: all their rows after the run are the run's. */
const EMPTY_BEFORE = ['invoice', 'invoice_line', 'subscription_event', 'ledger_entry', 'ledger_line', 'ledger_holding', 'ledger_day_total', 'job', 'invoice_delivery', 'mail_message'] as const;

const SUB_COLUMNS = ['status', 'fee_cursor', 'usage_cursor', 'end_date', 'start_date', 'anchor_day', 'next_due', 'version', 'updated_at'] as const;

const count = async (db: Kysely<DB>, table: string, where?: RunTable['where']) =>
  Number((await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)} ${where ? sql`where ${where}` : sql``}`.execute(db)).rows[0]!.n);

/**
 * A copy of `table` named `as`: the same columns, keys, constraints and indexes (so the floor pays
 * the same index upkeep as the run), optionally filled with the table's rows (indexes built after).
 */
const cloneTable = async (db: Kysely<DB>, kind: 'sqlite' | 'postgres', table: string, as: string, fill: boolean) => {
  if (kind === 'postgres') {
    await sql`create table ${sql.table(as)} (like ${sql.table(table)} including all)`.execute(db);
    if (fill) await sql`insert into ${sql.table(as)} select * from ${sql.table(table)}`.execute(db);
    await sql`analyze ${sql.table(as)}`.execute(db);
    return;
  }
  const { rows } = await sql<{ type: string; sql: string }>`select type, sql from sqlite_master where tbl_name = ${table} and sql is not null and type in ('table', 'index') order by type desc`.execute(db);
  for (const r of rows) {
    const ddl =
      r.type === 'table'
        ? r.sql.replace(/^CREATE TABLE\s+("?)\w+\1/i, `CREATE TABLE "${as}"`)
        : r.sql.replace(/^CREATE (UNIQUE )?INDEX\s+("?)(\w+)\2\s+on\s+("?)\w+\4/i, (_m, unique: string | undefined, _q, name: string) => `CREATE ${unique ?? ''}INDEX "${as}_${name}" on "${as}"`);
    await sql.raw(ddl).execute(db);
    if (r.type === 'table' && fill) await sql`insert into ${sql.table(as)} select * from ${sql.table(table)}`.execute(db);
  }
};

/**
 * Before the run: empty copies of every table the run inserts into, and a full copy of the
 * subscriptions it updates; a second set for COPY on PostgreSQL, and on SQLite for the same
 * INSERTs with synchronous=OFF (`NOSYNC`).
 */
const createFloorTables = async (db: Kysely<DB>, kind: 'sqlite' | 'postgres') => {
  for (const prefix of kind === 'postgres' ? ['bench_floor_', 'bench_copy_'] : ['bench_floor_', 'bench_nosync_']) {
    for (const t of runTables(0)) await cloneTable(db, kind, t.table, prefix + t.table, t.table === 'subscription');
  }
  if (kind === 'sqlite') await sql`analyze`.execute(db);
};

/** One value in COPY's text format: \\N for NULL, JSON for objects (jsonb), backslash escapes for the characters that would end a field or row. */
const copyText = (v: unknown): string => {
  if (v === null || v === undefined) return '\\N';
  const t = v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
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
 * The subscriptions' new values on a copy, with the run's own multi-row statement builder
 * (`updateRows`: UPDATE … FROM (VALUES …) on SQLite, FROM unnest(…) on PostgreSQL), so building
 * the statement costs the floor what it costs the run.
 */
const updateValues = (tx: Kysely<DB>, table: string, rows: Record<string, unknown>[]) =>
  updateRows(tx, table, 'id', SUB_COLUMNS, rows.map((r) => [r.id, ...SUB_COLUMNS.map((c) => r[c])]), { casts: { anchor_day: 'integer', version: 'integer' } });

interface FloorPage {
  inserts: { table: string; rows: Record<string, unknown>[] }[];
  updates: Record<string, unknown>[];
}

/**
 * The COPY floor of one page on PostgreSQL: every inserted row with COPY FROM STDIN, and the
 * subscription updates as COPY into a staging table and one UPDATE … FROM it, in one transaction on
 * a plain pg client (what a bulk loader would do).
 */
const copyPage = async (client: pg.Client, page: FloorPage) => {
  await client.query('begin');
  try {
    for (const { table, rows } of page.inserts) await copyRows(client, `bench_copy_${table}`, rows);
    if (page.updates.length) {
      await client.query(`create temp table bench_sub_stage on commit drop as select id, ${SUB_COLUMNS.join(', ')} from bench_copy_subscription with no data`);
      await copyRows(client, 'bench_sub_stage', page.updates);
      await client.query(`update bench_copy_subscription as s set ${SUB_COLUMNS.map((c) => `${c} = v.${c}`).join(', ')} from bench_sub_stage as v where s.id = v.id`);
    }
    await client.query('commit');
  } catch (e) {
    await client.query('rollback').catch(() => {});
    throw e;
  }
};

/**
 * Writes every row the run wrote into the copies (same columns, keys and indexes) with multi-row
 * INSERTs (`insertValues`, the statements `insertRows` runs on SQLite), and applies the run's
 * subscription updates to the copy of the subscriptions with the run's own `updateRows`, in as many
 * transactions as the run used, each table's rows spread evenly over them. Only the writing is
 * timed; reading the rows back is not. On PostgreSQL (with `copyUrl`) the same pages are written
 * again with COPY (`copyPage`) in a second pass: `copyMs`. On SQLite the same INSERTs are timed in a
 * second pass with synchronous=OFF (no fsync at commit or checkpoint; not durable, never what
 * Guildhall runs with): `nosyncMs`, how much of the floor is waiting for the disk.
 */
const measureFloor = async (
  db: Kysely<DB>,
  kind: 'sqlite' | 'postgres',
  tables: RunTable[],
  batches: number,
  copyUrl?: string,
): Promise<{ ms: number; rows: number; byTable: Record<string, number>; msByTable: Record<string, number>; copyMs?: number; nosyncMs?: number }> => {
  const pages = Math.max(1, batches);
  const plan = await Promise.all(tables.map(async (t) => ({ ...t, per: Math.ceil((await count(db, t.table, t.where)) / pages) })));
  const updatedWhere = sql<boolean>`created_at = ${GENERATED_AT} and updated_at <> ${GENERATED_AT}`;
  const subPer = Math.ceil((await count(db, 'subscription', updatedWhere)) / pages);
  const byTable: Record<string, number> = {};

  /** Reads the run's rows back page by page (not timed) and hands each page to `write`. */
  const eachPage = async (write: (page: FloorPage) => Promise<void>, tally = false) => {
    const after = plan.map((t) => (t.key === 'seq' ? -1 : '') as string | number);
    let afterSub = '';
    for (let p = 0; p < pages; p++) {
      const page: FloorPage = { inserts: [], updates: [] };
      for (const [i, t] of plan.entries()) {
        if (!t.per) continue;
        const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(t.table)} where ${sql.ref(t.key)} > ${after[i]} ${t.where ? sql`and ${t.where}` : sql``}
          order by ${sql.ref(t.key)} limit ${t.per}`.execute(db);
        if (!rows.length) continue;
        after[i] = rows[rows.length - 1]![t.key] as string | number;
        page.inserts.push({ table: t.table, rows });
        if (tally) byTable[t.table] = (byTable[t.table] ?? 0) + rows.length;
      }
      page.updates = (await sql<Record<string, unknown>>`select id, ${sql.join(SUB_COLUMNS.map((c) => sql.ref(c)))} from subscription where id > ${afterSub} and ${updatedWhere} order by id limit ${subPer}`.execute(db)).rows;
      afterSub = (page.updates[page.updates.length - 1]?.id as string | undefined) ?? afterSub;
      if (tally) byTable['subscription (updated)'] = (byTable['subscription (updated)'] ?? 0) + page.updates.length;
      if (!page.inserts.length && !page.updates.length) break;
      await write(page);
    }
  };

  /** Writes a page into the copies named with `prefix` in one transaction; `spent` (if given) gets each table's statement time. */
  const writePage = (page: FloorPage, prefix: string, spent?: Record<string, number>) => {
    const timed = async (what: string, fn: () => Promise<unknown>) => {
      const t = await time(fn);
      if (spent) spent[what] = (spent[what] ?? 0) + t.ms;
    };
    return time(() =>
      db.transaction().execute(async (tx) => {
        for (const { table, rows } of page.inserts) {
          const columns = Object.keys(rows[0]!);
          await timed(table, () => insertValues(tx, prefix + table, columns, rows.map((r) => columns.map((c) => r[c]))));
        }
        await timed('subscription (updated)', () => updateValues(tx, `${prefix}subscription`, page.updates));
      }),
    );
  };

  // Each floor is its own pass from a written-back log, so none pays for another's checkpoints.
  let ms = 0;
  /** The floor's time per table's statements, and what is left of each transaction (its commit). */
  const msByTable: Record<string, number> = {};
  await writeBack(db, kind);
  await eachPage(async (page) => {
    const spent: Record<string, number> = {};
    const written = await writePage(page, 'bench_floor_', spent);
    ms += written.ms;
    for (const [what, t] of Object.entries(spent)) msByTable[what] = (msByTable[what] ?? 0) + t;
    msByTable['commit'] = (msByTable['commit'] ?? 0) + written.ms - Object.values(spent).reduce((a, b) => a + b, 0);
  }, true);

  let copyMs: number | undefined;
  if (copyUrl) {
    const client = new pg.Client({ connectionString: copyUrl });
    await client.connect();
    try {
      await writeBack(db, kind);
      copyMs = 0;
      await eachPage(async (page) => {
        copyMs! += (await time(() => copyPage(client, page))).ms;
      });
    } finally {
      await client.end();
    }
  }

  let nosyncMs: number | undefined;
  if (kind === 'sqlite') {
    await writeBack(db, kind);
    await sql`pragma synchronous = off`.execute(db);
    try {
      nosyncMs = 0;
      await eachPage(async (page) => {
        nosyncMs! += (await writePage(page, 'bench_nosync_')).ms;
      });
    } finally {
      await sql`pragma synchronous = full`.execute(db);
    }
  }
  const rows = Object.values(byTable).reduce((a, b) => a + b, 0);
  return { ms, rows, byTable, msByTable, ...(copyMs !== undefined ? { copyMs } : {}), ...(nosyncMs !== undefined ? { nosyncMs } : {}) };
};

/**
 * Before each timed phase (the run, each floor): what earlier phases left in the write-ahead log is
 * written back to the database file (SQLite: a truncating checkpoint; PostgreSQL: CHECKPOINT, which
 * needs a superuser and is skipped without one), so no phase pays for another's checkpoints.
 */
const writeBack = async (db: Kysely<DB>, kind: 'sqlite' | 'postgres') => {
  if (kind === 'sqlite') await sql`pragma wal_checkpoint(truncate)`.execute(db);
  else await sql`checkpoint`.execute(db).catch(() => undefined);
};

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
  const run = await runBilling({ db, clock: frozenDayClock(parseDate(DUE)), config: { database: bdb.target } }, cliActor('bench'), {
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


export const benchBilling = async (bdb: BenchDatabase, size: number, opts: { batchSize?: number; planAhead?: boolean } = {}): Promise<BenchRow[]> => {
  const { db, kind } = bdb;
  const database = bdb.version;
  const generated = await generate(db, size);
  await sql`analyze`.execute(db);
  for (const t of EMPTY_BEFORE) if ((await count(db, t)) > 0) throw new Error(`The generated organization should leave ${t} empty.`);
  const auditSeqBefore = Number((await sql<{ s: number | string | null }>`select max(seq) as s from audit_log`.execute(db)).rows[0]?.s ?? 0);
  await createFloorTables(db, kind);
  console.error(
    `  organization: ${generated.contacts.toLocaleString('en')} contacts, ${generated.subscriptions.toLocaleString('en')} subscriptions, ${generated.usage.toLocaleString('en')} usage records, ${generated.recurring} recurring and ${generated.queued} queued charges, all due ${DUE}`,
  );

  const batchSize = opts.batchSize ?? 500;
  await writeBack(db, kind);
  const mem = memorySampler();
  const onProgress = progress('billing run', 1);
  const run = await time(() =>
    runBilling({ db, clock: frozenDayClock(parseDate(DUE)), config: { database: bdb.target } }, cliActor('bench'), {
      asOf: DUE,
      batchSize,
      planAhead: opts.planAhead !== false,
      onProgress: (done, total) => {
        if (process.stderr.isTTY) process.stderr.write(`\r  billing run: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} payers`);
        if (done >= total) onProgress(1);
      },
    }),
  );
  mem.stop();
  const peakMiB = mem.peakMiB();
  const r = run.value;
  const batches = Math.ceil(r.payers / batchSize);

  // Fresh statistics (not timed): reading the run's rows back page by page must not scan.
  await sql`analyze`.execute(db);
  // Plain INSERTs and nothing else: on SQLite without per-row foreign-key lookups, as the run writes
  // (PostgreSQL's copies, LIKE … INCLUDING ALL, have no foreign keys).
  const floor = await withoutForeignKeyChecks(db, (conn) => measureFloor(conn, kind, runTables(auditSeqBefore), batches, bdb.url));
  // The run also moved the recurring and queued charges' cursors (not in the floor: a few hundred rows).
  const written = floor.rows + generated.recurring + generated.queued;
  const ratio = run.ms / floor.ms;
  const perTable = Object.entries(floor.byTable).filter(([, n]) => n).map(([t, n]) => `${n.toLocaleString('en')} ${t}`).join(', ');
  const note = `${r.payers.toLocaleString('en')} payers, ${r.invoices.toLocaleString('en')} invoices, ${r.lines.toLocaleString('en')} lines, ${batches} transactions (${r.planning?.ahead ?? 0} planned ahead by the planner thread, ${r.planning?.underLock ?? 0} under the lock${r.planning?.workerError ? `; the planner thread failed: ${r.planning.workerError}` : ''}). Floor: the same rows (${perTable}) with multi-row INSERT and the run's own multi-row UPDATE (updateRows) into copies of the tables with the same keys and indexes, in the same number of transactions, without foreign-key checks (the run skips them on SQLite; PostgreSQL's copies have none)`;
  /** The run against another floor of the same rows, when one was measured. */
  const againstFloor = (figure: string, floorMs: number | undefined, what: string): BenchRow[] =>
    floorMs === undefined
      ? []
      : [{ benchmark: 'billing run', database, size, figure, value: run.ms / 1000, unit: 's', floor: floorMs / 1000, ratio: run.ms / floorMs, note: `floor: ${what}; ${((floor.rows / floorMs) * 1000).toFixed(0)} rows/s` }];
  const copyFloorRows = againstFloor(
    'time vs COPY floor',
    floor.copyMs,
    `the same rows with COPY FROM STDIN (text format) into copies of the tables with the same keys and indexes, the subscription updates as COPY into a staging table + one UPDATE … FROM, in ${batches} transactions`,
  );
  const nosyncFloorRows = againstFloor(
    'time vs floor without fsync',
    floor.nosyncMs,
    "the same INSERTs and UPDATEs into a third set of copies with synchronous=OFF (nothing waits for the disk; not durable, so never how Guildhall runs, which is synchronous=FULL): the part of the floor that is the database's own CPU work",
  );
  return [
    { benchmark: 'billing run', database, size, figure: 'time', value: run.ms / 1000, unit: 's', floor: floor.ms / 1000, ratio, note },
    {
      benchmark: 'billing run',
      database,
      size,
      figure: 'floor by table',
      value: floor.ms / 1000,
      unit: 's',
      note: `where the floor's time goes: ${Object.entries(floor.msByTable)
        .sort((a, b) => b[1] - a[1])
        .map(([t, ms]) => `${t} ${(ms / 1000).toFixed(1)} s`)
        .join(', ')} (commit: what is left of each transaction after its statements)`,
    },
    ...copyFloorRows,
    ...nosyncFloorRows,
    { benchmark: 'billing run', database, size, figure: 'invoices per second', value: (r.invoices / run.ms) * 1000, unit: 'invoices/s', floor: (r.invoices / floor.ms) * 1000, ratio },
    {
      benchmark: 'billing run',
      database,
      size,
      figure: 'rows per second',
      value: (written / run.ms) * 1000,
      unit: 'rows/s',
      floor: (floor.rows / floor.ms) * 1000,
      note: `run: ${written.toLocaleString('en')} rows written (the floor's and ${(generated.recurring + generated.queued).toLocaleString('en')} recurring/queued charge updates); floor: ${floor.rows.toLocaleString('en')} rows`,
    },
    { benchmark: 'billing run', database, size, figure: 'peak memory (RSS)', value: peakMiB, unit: 'MiB', note: 'sampled every 50 ms during the run (the run yields between batches); includes what generating the organization left on the heap' },
  ];
};
