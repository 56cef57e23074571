import { sql, type Kysely } from 'kysely';
import { dbKind, ilike, toNumber } from '../../db/database.ts';
import type { DB, GlAccountTable } from '../../db/schema.ts';
import { notFound, validation } from '../../kernel/app-error.ts';
import { ACCOUNT_CODE, ACCOUNT_TYPES, type AccountType } from './ledger.ts';
import { loadRoles, roleOf } from './roles.ts';

type Db = Kysely<DB>;

/** One account of the chart, as the API shows it. */
export interface GlAccount {
  code: string;
  name: string;
  type: AccountType;
  description: string;
  archived: boolean;
  /** Has postings: it can be archived but not deleted, and its type cannot change. */
  inUse: boolean;
  /** The setting that gives it a part (ledger.ar_account, …), or null. */
  role: string | null;
  createdAt: string;
  updatedAt: string;
}

export const ACCOUNT_SORTS = ['code', 'name', 'type'] as const;
export type AccountSort = (typeof ACCOUNT_SORTS)[number];

export interface AccountListQuery {
  page: number;
  pageSize: number;
  sort?: { column: AccountSort; direction: 'asc' | 'desc' };
  /** Part of the code or the name. */
  q?: string;
  type?: AccountType;
  /** Default: active accounts only; true: archived only; 'all': both. */
  archived?: boolean | 'all';
}

const inUseExpr = sql<number>`(case when exists (select 1 from ledger_line l where l.account_code = gl_account.code) then 1 else 0 end)`;

export const toAccount = (r: GlAccountTable & { in_use: unknown }, role: string | null): GlAccount => ({
  code: r.code,
  name: r.name,
  type: r.type as AccountType,
  description: r.description,
  archived: toNumber(r.archived) === 1,
  inUse: toNumber(r.in_use) === 1,
  role,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const assertAccountCode = (code: string): string => {
  const c = (code ?? '').trim();
  if (!ACCOUNT_CODE.test(c)) throw validation(`A G/L account number is written NNNNN-NNNN, like 51001-1006; got "${code}".`, { field: 'code' });
  return c;
};

export const assertAccountType = (type: string): AccountType => {
  if (!(ACCOUNT_TYPES as readonly string[]).includes(type)) throw validation(`The account type must be one of ${ACCOUNT_TYPES.join(', ')}; got "${type}".`, { field: 'type' });
  return type as AccountType;
};

export const getAccount = async (db: Db, code: string): Promise<GlAccount> => {
  const row = await db.selectFrom('gl_account').selectAll().select(inUseExpr.as('in_use')).where('code', '=', code).executeTakeFirst();
  if (!row) throw notFound(`The G/L account ${code}`);
  return toAccount(row, roleOf(await loadRoles(db), code) ?? null);
};

/** The chart of accounts, filtered, sorted (default by code) and paged. */
export const listAccounts = async (db: Db, query: AccountListQuery): Promise<{ items: GlAccount[]; page: number; pageSize: number; total: number }> => {
  let q = db.selectFrom('gl_account');
  if (query.type) q = q.where('type', '=', query.type);
  if (query.archived !== 'all') q = q.where('archived', '=', query.archived ? 1 : 0);
  const text = query.q?.trim();
  if (text) {
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb('code', 'like', like), eb('name', ilike(db), like)]));
  }
  const count = await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  const sort = query.sort ?? { column: 'code', direction: 'asc' };
  const rows = await q
    .selectAll()
    .select(inUseExpr.as('in_use'))
    // Byte order on both databases (PostgreSQL's default collation would sort differently).
    .orderBy(dbKind(db) === 'postgres' ? sql`${sql.ref(sort.column)} collate "C" ${sort.direction === 'desc' ? sql`desc` : sql`asc`}` : sql`${sql.ref(sort.column)} ${sort.direction === 'desc' ? sql`desc` : sql`asc`}`)
    .orderBy('code', sort.direction)
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute();
  const roles = await loadRoles(db);
  return { items: rows.map((r) => toAccount(r, roleOf(roles, r.code) ?? null)), page: query.page, pageSize: query.pageSize, total: toNumber(count?.n) };
};
