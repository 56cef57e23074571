import { CompiledQuery, sql, type Kysely, type RawBuilder } from 'kysely';
import { dbKind } from './database.ts';

/**
 * Multi-row writes for hot paths (the billing run writes hundreds of thousands of rows): the SQL
 * text is built once per table, column list and row count and reused. Building a Kysely query tree
 * per cell costs more than the database's own work. On SQLite the values go as flat parameters of
 * multi-row VALUES; on PostgreSQL as one array per column through `unnest`, so a statement of
 * thousands of rows is parsed and planned like one of a single row (a VALUES list of 8,000
 * parameters costs PostgreSQL more to parse and plan than to write).
 * Table and column names come from code, never from input.
 */

const texts = new Map<string, string>();
// SQLite's limit is 32766 parameters; PostgreSQL's 65535.
const MAX_PARAMS = 30_000;

const placeholders = (kind: 'sqlite' | 'postgres', rows: number, cols: number, casts?: readonly (string | undefined)[]): string => {
  const out: string[] = [];
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < cols; c++) {
      const p = kind === 'postgres' ? `$${++n}` : '?';
      const cast = casts?.[c];
      cells.push(cast ? `cast(${p} as ${cast})` : p);
    }
    out.push(`(${cells.join(', ')})`);
  }
  return out.join(', ');
};

/**
 * How `n` rows are cut into statements: full chunks of the largest power of two that fits the
 * parameter limit and `perChunk`, then the rest as descending powers of two down to 16, and what is
 * left in one statement (500 rows → 256, 128, 64, 32, 16, 4; 3 rows → 3). A table then has at most a dozen statement shapes, which stay prepared, instead
 * of one new multi-kilobyte statement per batch size (the billing run's batches all differ).
 */
export const chunkSizes = (n: number, cols: number, perChunk: number): number[] => {
  let size = 1;
  while (size * 2 <= Math.min(perChunk, Math.floor(MAX_PARAMS / cols))) size *= 2;
  const out: number[] = [];
  let left = n;
  while (left >= size) {
    out.push(size);
    left -= size;
  }
  for (let p = size / 2; p >= 16; p /= 2) {
    if (left >= p) {
      out.push(p);
      left -= p;
    }
  }
  // Fewer than 16 rows left: one statement of exactly that many (small shapes are cheap to keep).
  if (left > 0) out.push(left);
  return out;
};

/** PostgreSQL's column types of a table, from the catalog, once per process and table. */
const pgTypes = new Map<string, Promise<Map<string, string>>>();
const columnTypes = (db: Kysely<any>, table: string): Promise<Map<string, string>> => {
  let types = pgTypes.get(table);
  if (!types) {
    types = sql<{ name: string; type: string }>`select attname as name, format_type(atttypid, atttypmod) as type from pg_attribute
      where attrelid = ${table}::regclass and attnum > 0 and not attisdropped`
      .execute(db)
      .then(({ rows }) => new Map(rows.map((r) => [r.name, r.type])));
    pgTypes.set(table, types);
    types.catch(() => pgTypes.delete(table));
  }
  return types;
};

/** `unnest($1::type[], $2::type[], …)`: one array parameter per column, typed as the table's column. */
const unnestOf = async (db: Kysely<any>, table: string, columns: readonly string[]): Promise<string> => {
  const types = await columnTypes(db, table);
  return `unnest(${columns
    .map((c, i) => {
      const type = types.get(c);
      if (!type) throw new Error(`${table} has no column ${c}.`);
      return `$${i + 1}::${type}[]`;
    })
    .join(', ')})`;
};

/** The rows' values as one array per column (PostgreSQL's unnest parameters). */
const byColumn = (rows: readonly unknown[][], width: number): unknown[][] => {
  const out: unknown[][] = Array.from({ length: width }, () => new Array(rows.length));
  for (let r = 0; r < rows.length; r++) for (let c = 0; c < width; c++) out[c]![r] = rows[r]![c] ?? null;
  return out;
};

/** Rows per statement on PostgreSQL (unnest has no parameter limit; this bounds the array literals). */
const PG_CHUNK = 5000;

/** INSERT INTO table (columns) … for many rows, in chunks. Each row lists its values in column order. */
export const insertRows = async (db: Kysely<any>, table: string, columns: readonly string[], rows: readonly unknown[][], perChunk = 1000): Promise<void> => {
  if (!rows.length) return;
  if (dbKind(db) === 'postgres') {
    const key = `i:pg:${table}:${columns.join(',')}`;
    let text = texts.get(key);
    if (!text) {
      text = `insert into ${table} (${columns.join(', ')}) select * from ${await unnestOf(db, table, columns)}`;
      texts.set(key, text);
    }
    for (let i = 0; i < rows.length; i += PG_CHUNK) await db.executeQuery(CompiledQuery.raw(text, byColumn(rows.slice(i, i + PG_CHUNK), columns.length)));
    return;
  }
  await insertValues(db, table, columns, rows, perChunk);
};

/**
 * Plain multi-row INSERT … VALUES (…), (…) on either database, in chunks: what `insertRows` does on
 * SQLite. The benchmarks' floor uses it as "plain multi-row INSERTs".
 */
export const insertValues = async (db: Kysely<any>, table: string, columns: readonly string[], rows: readonly unknown[][], perChunk = 1000): Promise<void> => {
  const kind = dbKind(db);
  let i = 0;
  for (const size of chunkSizes(rows.length, columns.length, perChunk)) {
    const chunk = rows.slice(i, (i += size));
    const key = `i:${kind}:${table}:${columns.join(',')}:${chunk.length}`;
    let text = texts.get(key);
    if (!text) {
      text = `insert into ${table} (${columns.join(', ')}) values ${placeholders(kind, chunk.length, columns.length)}`;
      texts.set(key, text);
    }
    await db.executeQuery(CompiledQuery.raw(text, flatten(chunk, columns.length)));
  }
};

/** The rows' values one after the other (a plain loop: `Array.prototype.flat` took about nine times as long on rows of 31 values). */
const flatten = (rows: readonly unknown[][], width: number): unknown[] => {
  const out = new Array<unknown>(rows.length * width);
  let k = 0;
  for (const row of rows) for (let c = 0; c < width; c++) out[k++] = row[c];
  return out;
};

/**
 * UPDATE table SET column = new value … for many rows by key, one statement per chunk:
 * `with v(key, …) as (values … | select * from unnest(…)) update table set … from v where table.key = v.key`.
 * `casts` gives a SQL type for SQLite's VALUES where a column is not text (on PostgreSQL the
 * table's own column types are used). `extra` adds assignments that are the same for every row
 * (SQL fragments with no input).
 */
export const updateRows = async (
  db: Kysely<any>,
  table: string,
  key: string,
  columns: readonly string[],
  rows: readonly unknown[][],
  opts: { casts?: Record<string, string>; extra?: string; perChunk?: number } = {},
): Promise<void> => {
  if (!rows.length) return;
  const kind = dbKind(db);
  const all = [key, ...columns];
  const sets = [...columns.map((c) => `${c} = v.${c}`), ...(opts.extra ? [opts.extra] : [])].join(', ');
  if (kind === 'postgres') {
    const cacheKey = `u:pg:${table}:${all.join(',')}:${opts.extra ?? ''}`;
    let text = texts.get(cacheKey);
    if (!text) {
      text = `with v(${all.join(', ')}) as (select * from ${await unnestOf(db, table, all)}) update ${table} set ${sets} from v where ${table}.${key} = v.${key}`;
      texts.set(cacheKey, text);
    }
    for (let i = 0; i < rows.length; i += PG_CHUNK) await db.executeQuery(CompiledQuery.raw(text, byColumn(rows.slice(i, i + PG_CHUNK), all.length)));
    return;
  }
  const casts = all.map((c) => opts.casts?.[c]);
  let i = 0;
  for (const size of chunkSizes(rows.length, all.length, opts.perChunk ?? 1000)) {
    const chunk = rows.slice(i, (i += size));
    const cacheKey = `u:${kind}:${table}:${all.join(',')}:${opts.extra ?? ''}:${chunk.length}`;
    let text = texts.get(cacheKey);
    if (!text) {
      text = `with v(${all.join(', ')}) as (values ${placeholders(kind, chunk.length, all.length, casts)}) update ${table} set ${sets} from v where ${table}.${key} = v.${key}`;
      texts.set(cacheKey, text);
    }
    await db.executeQuery(CompiledQuery.raw(text, flatten(chunk, all.length)));
  }
};

/**
 * `column IN (values)` for a batch of ids. PostgreSQL: one text-array parameter. SQLite: an explicit
 * list of parameters, because with `IN (select value from json_each(?))` the planner cannot see how
 * few values there are and prefers any other index with an equality (say `status = 'issued'`),
 * which scans every issued invoice for each batch: the billing run went quadratic at 100k+.
 */
export const inList = (db: Kysely<any>, column: string, values: readonly string[]): RawBuilder<boolean> => {
  if (dbKind(db) === 'postgres') return sql<boolean>`${sql.ref(column)} = any(${[...values]}::text[])`;
  if (!values.length) return sql<boolean>`0 = 1`;
  if (values.length > MAX_PARAMS) return sql<boolean>`${sql.ref(column)} in (select value from json_each(${JSON.stringify(values)}))`;
  // Padded to a power of two with the last value (a repeat changes nothing), so a few statement shapes serve every batch.
  let n = 1;
  while (n < values.length) n *= 2;
  const padded = n <= MAX_PARAMS ? [...values, ...Array<string>(n - values.length).fill(values[values.length - 1]!)] : values;
  return sql<boolean>`${sql.ref(column)} in (${sql.join(padded.map((v) => sql`${v}`))})`;
};
