import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, PostgresAdapter, sql, type LogEvent, type SelectQueryBuilder, type Transaction } from 'kysely';
import { Migrator } from 'kysely/migration';
import type { DB } from './schema.ts';
import { migrations } from './migrations/index.ts';
import { AppError } from '../kernel/app-error.ts';

export type Database = Kysely<DB>;
export type Tx = Transaction<DB>;
/** Anything queries can run on: the database or an open transaction. */
export type Executor = Kysely<DB>;
export type DbKind = 'sqlite' | 'postgres';

export type DatabaseTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export const dbKind = (db: Kysely<any>): DbKind =>
  db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';

export interface OpenedDatabase {
  db: Database;
  kind: DbKind;
  close(): Promise<void>;
}

/** `cacheMiB`: SQLite's page cache for this connection (default 64); a reader passing through once needs little. */
export const openDatabase = (target: DatabaseTarget, opts: { poolSize?: number; cacheMiB?: number } = {}): OpenedDatabase => {
  if (target.kind === 'sqlite') {
    if (target.file !== ':memory:') fs.mkdirSync(path.dirname(target.file), { recursive: true });
    const sqlite = new SQLite(target.file, { timeout: 10_000 });
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    // 64 MiB of page cache (the default is 2 MiB): at a million members the indexes the billing run
    // appends to stay in memory instead of being read back from the OS for every batch.
    sqlite.pragma(`cache_size = ${-1024 * Math.max(1, Math.round(opts.cacheMiB ?? 64))}`);
    // Checkpoint every 64 MiB of WAL rather than every 4 MiB: a bulk writer (the billing run, an
    // import) rewrites the last page of each index it appends to in every transaction, and each
    // checkpoint copied those pages to the database file again (a fifth less written at 1M members).
    // The WAL file is cut back to 64 MiB after a checkpoint that let it grow past that.
    sqlite.pragma('wal_autocheckpoint = 16384');
    sqlite.pragma('journal_size_limit = 67108864');
    const foreignKeys: ForeignKeyMode = { wanted: true, on: true };
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite, foreignKeys) }), log: queryStats() });
    foreignKeyModes.set(db, foreignKeys);
    return { db, kind: 'sqlite', close: () => db.destroy() };
  }
  // No JIT: our statements are short, and without fresh statistics (a table the billing run has
  // just filled) PostgreSQL's estimates pass jit_above_cost and it spends ~100 ms compiling each one.
  const pool = new pg.Pool({ connectionString: target.url, max: opts.poolSize ?? 10, options: '-c jit=off' });
  // A dropped connection must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log: queryStats() });
  return { db, kind: 'postgres', close: () => db.destroy() };
};

/**
 * With GUILDHALL_QUERY_STATS=1, time spent per statement (by the start of its SQL) is summed and
 * printed to standard error when the process exits: the first look when profiling a slow path.
 */
const queryStats = (): ((event: LogEvent) => void) | undefined => {
  if (!process.env.GUILDHALL_QUERY_STATS) return undefined;
  const stats = new Map<string, { n: number; ms: number }>();
  process.once('exit', () => {
    const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25);
    for (const [text, s] of rows) process.stderr.write(`${s.ms.toFixed(0).padStart(8)} ms ${String(s.n).padStart(8)}×  ${text}\n`);
  });
  return (event) => {
    const text = event.query.sql.replace(/\s+/g, ' ').slice(0, 110);
    const s = stats.get(text) ?? { n: 0, ms: 0 };
    s.n++;
    s.ms += event.queryDurationMillis;
    stats.set(text, s);
  };
};

/**
 * Reuses prepared statements by their SQL. Kysely prepares every query afresh; with thousands of
 * statements alive until garbage collection, each prepare and step gets slower (an import of
 * 10,000 contacts took three times as long). A statement still iterating is never handed out twice.
 */
const withStatementCache = (sqlite: SQLite.Database, foreignKeys: ForeignKeyMode, max = 500) => {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare: (sql: string) => {
      // Foreign-key enforcement follows `withoutForeignKeyChecks` before anything that may write
      // (a read does not care), outside transactions (where SQLite ignores the pragma).
      if (foreignKeys.wanted !== foreignKeys.on && !sqlite.inTransaction && !READS.test(sql)) {
        sqlite.pragma(`foreign_keys = ${foreignKeys.wanted ? 'on' : 'off'}`);
        foreignKeys.on = foreignKeys.wanted;
      }
      const hit = cache.get(sql);
      if (hit && !hit.busy) return hit;
      const stmt = sqlite.prepare(sql);
      if (!hit) {
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
};

export const migrateToLatest = async (db: Kysely<any>): Promise<string[]> => {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'schema_migration',
    migrationLockTableName: 'schema_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    // No failed migration means the database could not be reached at all; let the caller say so.
    if (!failed) throw error;
    throw new AppError('unavailable', `Migration ${failed.migrationName} failed: ${(error as Error).message}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
};

export const pendingMigrations = async (db: Kysely<any>): Promise<string[]> => {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'schema_migration',
    migrationLockTableName: 'schema_migration_lock',
  });
  return (await migrator.getMigrations()).filter((m) => !m.executedAt).map((m) => m.name);
};

/** Runs `fn` in a transaction. All writes of one use case go through here. */
export const inTransaction = <T>(db: Database, fn: (tx: Tx) => Promise<T>): Promise<T> =>
  db.transaction().execute(fn);

/** Serialises writers of one logical resource (the audit chain, a job claim) inside a transaction. */
export const lockResource = async (tx: Kysely<any>, name: string): Promise<void> => {
  // SQLite has one writer at a time already; PostgreSQL needs an explicit transaction-scoped lock.
  if (dbKind(tx) === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${name}))`.execute(tx);
};

/** Whether a SQLite connection should enforce foreign keys (see withoutForeignKeyChecks), and whether it does. */
interface ForeignKeyMode {
  wanted: boolean;
  on: boolean;
}
const foreignKeyModes = new WeakMap<Kysely<any>, ForeignKeyMode>();
/** Statements that only read: they run in whatever foreign-key mode the connection is in. */
const READS = /^\s*select\b/i;

/**
 * Runs `fn` on the one SQLite connection, reserved for it, without foreign-key enforcement; `fn`
 * opens its own transactions on the connection it is given. SQLite checks each foreign key of each
 * row written by a lookup in the parent's index: 12 s of a 1M-member billing run. For bulk writers
 * only, whose every reference is to a row they have read or written in the same transaction;
 * `checkInvariants` runs `foreign_key_check`, so a reference that does not resolve is reported.
 *
 * The pragma is switched lazily, before the next statement that may write (see the statement
 * cache): switching it makes SQLite prepare every statement again, so the billing run's batches,
 * with only its reads in between, switch it off once, and the next other writer switches it on.
 * PostgreSQL keeps its constraints: `fn` runs on `db` as it is.
 */
export const withoutForeignKeyChecks = async <T>(db: Kysely<DB>, fn: (db: Kysely<DB>) => Promise<T>): Promise<T> => {
  const mode = foreignKeyModes.get(db);
  if (!mode) return fn(db);
  return db.connection().execute(async (conn) => {
    mode.wanted = false;
    try {
      return await fn(conn);
    } finally {
      mode.wanted = true;
    }
  });
};

export const ping = async (db: Kysely<any>): Promise<boolean> => {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
};

/** Integers and money come back as number (SQLite) or string (PostgreSQL bigint); read them through these. */
export const toNumber = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
export const toBigInt = (v: unknown): bigint =>
  v === null || v === undefined ? 0n : typeof v === 'bigint' ? v : BigInt(v as string | number);

/** Case-insensitive LIKE on both dialects. */
export const ilike = (db: Kysely<any>) => (dbKind(db) === 'postgres' ? 'ilike' : 'like') as 'like' | 'ilike';

/**
 * One page of a list query and the count of all its rows: sorted on `column` with empty values
 * last either way (the same on both databases), ties broken by `idColumn` in the same direction.
 */
export const sortedPage = async <TDB, TB extends keyof TDB, O>(
  q: SelectQueryBuilder<TDB, TB, O>,
  sort: { column: string; idColumn: string; direction: 'asc' | 'desc' },
  page: { page: number; pageSize: number },
): Promise<{ rows: O[]; total: number }> => {
  const count = await q.clearSelect().select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  const col = sql.ref(sort.column);
  const dir = sort.direction === 'desc' ? sql`desc` : sql`asc`;
  const rows = await q
    .orderBy(sql`case when ${col} is null then 1 else 0 end`)
    .orderBy(sql`${col} ${dir}`)
    .orderBy(sql`${sql.ref(sort.idColumn)} ${dir}`)
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  return { rows, total: toNumber((count as { n?: unknown } | undefined)?.n) };
};

/**
 * Only one process may write a SQLite data directory. The lock file holds the owner's pid;
 * a lock left by a process that has died is taken over.
 */
export const acquireDataDirLock = (dataDir: string): (() => void) => {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'guildhall.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new AppError(
          'conflict',
          `Another Guildhall process (pid ${pid}) is already using the data directory ${dataDir}. Stop it first, or set GUILDHALL_DATA_DIR to another directory.`,
        );
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new AppError('conflict', `Could not lock the data directory ${dataDir}.`);
};

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};
