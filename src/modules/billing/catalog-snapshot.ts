import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { catalogItemKey, loadCatalogItems, type CatalogItem } from '../catalog/index.ts';

export type { CatalogItem };
export type CatalogSnapshot = Map<string, CatalogItem>;
export const itemKey = catalogItemKey;

/**
 * The whole catalog with its prices and attributes. A catalog is tens or hundreds of rows, so the
 * run loads it once and plans every batch against it.
 */
export const loadCatalogSnapshot = async (db: Kysely<DB>): Promise<CatalogSnapshot> => {
  const [types, products, accounts] = await Promise.all([
    db.selectFrom('membership_type').select('id').execute(),
    db.selectFrom('product').select('id').execute(),
    db.selectFrom('account_type').select('id').execute(),
  ]);
  return loadCatalogItems(db, [
    ...types.map((t) => ({ itemType: 'membership_type', itemId: t.id })),
    ...products.map((p) => ({ itemType: 'product', itemId: p.id })),
    ...accounts.map((a) => ({ itemType: 'account_type', itemId: a.id })),
  ]);
};
