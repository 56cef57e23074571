import { CompiledQuery, sql, type Kysely, type RawBuilder } from 'kysely';
import { dbKind } from './database.ts';

/**
 * Multi-row writes for hot paths (the billing run writes hundreds of thousands of rows): the SQL
 * text is built once per table, column list and row count and reused, and the values go as flat
 * parameters. Building a Kysely query tree per cell costs more than the database's own work.
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

const chunkSize = (cols: number, perChunk: number) => Math.max(1, Math.min(perChunk, Math.floor(MAX_PARAMS / cols)));

/** INSERT INTO table (columns) VALUES …, in chunks. Each row lists its values in column order. */
export const insertRows = async (db: Kysely<any>, table: string, columns: readonly string[], rows: readonly unknown[][], perChunk = 1000): Promise<void> => {
  const kind = dbKind(db);
  const size = chunkSize(columns.length, perChunk);
  for (let i = 0; i < rows.length; i += size) {
    const chunk = rows.slice(i, i + size);
    const key = `i:${kind}:${table}:${columns.join(',')}:${chunk.length}`;
    let text = texts.get(key);
    if (!text) {
      text = `insert into ${table} (${columns.join(', ')}) values ${placeholders(kind, chunk.length, columns.length)}`;
      texts.set(key, text);
    }
    await db.executeQuery(CompiledQuery.raw(text, chunk.flat()));
  }
};

/**
 * UPDATE table SET column = new value … for many rows by key, one statement per chunk:
 * `with v(key, …) as (values …) update table set … from v where table.key = v.key`.
 * `casts` gives a SQL type for columns that are not text (PostgreSQL types VALUES parameters as
 * text). `extra` adds assignments that are the same for every row (SQL fragments with no input).
 */
export const updateRows = async (
  db: Kysely<any>,
  table: string,
  key: string,
  columns: readonly string[],
  rows: readonly unknown[][],
  opts: { casts?: Record<string, string>; extra?: string; perChunk?: number } = {},
): Promise<void> => {
  const kind = dbKind(db);
  const all = [key, ...columns];
  const casts = all.map((c) => opts.casts?.[c]);
  const size = chunkSize(all.length, opts.perChunk ?? 1000);
  for (let i = 0; i < rows.length; i += size) {
    const chunk = rows.slice(i, i + size);
    const cacheKey = `u:${kind}:${table}:${all.join(',')}:${opts.extra ?? ''}:${chunk.length}`;
    let text = texts.get(cacheKey);
    if (!text) {
      const sets = [...columns.map((c) => `${c} = v.${c}`), ...(opts.extra ? [opts.extra] : [])].join(', ');
      text = `with v(${all.join(', ')}) as (values ${placeholders(kind, chunk.length, all.length, casts)}) update ${table} set ${sets} from v where ${table}.${key} = v.${key}`;
      texts.set(cacheKey, text);
    }
    await db.executeQuery(CompiledQuery.raw(text, chunk.flat()));
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
  return sql<boolean>`${sql.ref(column)} in (${sql.join(values.map((v) => sql`${v}`))})`;
};
