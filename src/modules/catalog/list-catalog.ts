import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { AccountType, CampaignCode, MembershipType, Product } from './catalog.ts';
import { loadAttributes, loadPrices, toAccountType, toCampaignCode, toMembershipType, toProduct } from './catalog-store.ts';

export interface CatalogListQuery {
  page: number;
  pageSize: number;
  sort: { column: 'position' | 'code' | 'name' | 'created_at'; direction: 'asc' | 'desc' };
  /** Part of the code or name (case-insensitive). */
  q?: string;
  archived?: boolean;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

// The catalog is small (tens of rows): filtering by text in code keeps it the same on both databases.
const matches = (q: string | undefined, ...texts: string[]) => !q || texts.some((t) => t.toLowerCase().includes(q.trim().toLowerCase()));

const pageOf = <T>(all: T[], query: CatalogListQuery): Page<T> => ({
  items: all.slice((query.page - 1) * query.pageSize, query.page * query.pageSize),
  page: query.page,
  pageSize: query.pageSize,
  total: all.length,
});

export const listMembershipTypes = async (db: Kysely<DB>, query: CatalogListQuery): Promise<Page<MembershipType>> => {
  let q = db.selectFrom('membership_type').selectAll();
  if (query.archived !== undefined) q = q.where('archived', '=', query.archived ? 1 : 0);
  const rows = (await q.orderBy(query.sort.column, query.sort.direction).orderBy('id').execute()).filter((r) => matches(query.q, r.code, r.name));
  const prices = await loadPrices(db, 'membership_type', rows.map((r) => r.id));
  return pageOf(rows.map((r) => toMembershipType(r, prices.get(r.id)!)), query);
};

export const listProducts = async (db: Kysely<DB>, query: CatalogListQuery): Promise<Page<Product>> => {
  let q = db.selectFrom('product').selectAll();
  if (query.archived !== undefined) q = q.where('archived', '=', query.archived ? 1 : 0);
  const rows = (await q.orderBy(query.sort.column, query.sort.direction).orderBy('id').execute()).filter((r) => matches(query.q, r.code, r.name));
  const prices = await loadPrices(db, 'product', rows.map((r) => r.id));
  return pageOf(rows.map((r) => toProduct(r, prices.get(r.id)!)), query);
};

export const listAccountTypes = async (db: Kysely<DB>, query: CatalogListQuery): Promise<Page<AccountType>> => {
  let q = db.selectFrom('account_type').selectAll();
  if (query.archived !== undefined) q = q.where('archived', '=', query.archived ? 1 : 0);
  const rows = (await q.orderBy(query.sort.column, query.sort.direction).orderBy('id').execute()).filter((r) => matches(query.q, r.code, r.name));
  const ids = rows.map((r) => r.id);
  const prices = await loadPrices(db, 'account_type', ids);
  const attributes = await loadAttributes(db, ids);
  return pageOf(rows.map((r) => toAccountType(r, prices.get(r.id)!, attributes.get(r.id)!)), query);
};

export const listCampaignCodes = async (db: Kysely<DB>, query: Omit<CatalogListQuery, 'sort'> & { sort: { column: 'code' | 'valid_from' | 'valid_to' | 'created_at'; direction: 'asc' | 'desc' } }): Promise<Page<CampaignCode>> => {
  let q = db.selectFrom('campaign_code').selectAll();
  if (query.archived !== undefined) q = q.where('archived', '=', query.archived ? 1 : 0);
  const rows = (await q.orderBy(query.sort.column, query.sort.direction).orderBy('id').execute()).filter((r) => matches(query.q, r.code, r.description));
  return { ...pageOf(rows.map(toCampaignCode), { ...query, sort: { column: 'code', direction: 'asc' } }) };
};

