import type { Kysely } from 'kysely';
import { toNumber } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { catalogItemKey, type CatalogItem, type ItemType, type ProductFrequency, type TypeFrequency } from './catalog.ts';
import { loadAccountTypes, loadPrices } from './catalog-store.ts';

export interface CatalogRef {
  itemType: ItemType | string;
  itemId: string;
}

/**
 * The catalog items a batch of subscriptions refers to, for the billing run: one query per item
 * kind present, plus one for their prices (and one for attributes), whatever the batch size.
 * Keyed by `catalogItemKey(itemType, itemId)`; unknown refs are simply absent. Archived items are
 * included (existing subscriptions keep being billed).
 */
export const loadCatalogItems = async (db: Kysely<DB>, refs: readonly CatalogRef[]): Promise<Map<string, CatalogItem>> => {
  const ids = (type: ItemType) => [...new Set(refs.filter((r) => r.itemType === type).map((r) => r.itemId))];
  const out = new Map<string, CatalogItem>();
  const typeIds = ids('membership_type');
  if (typeIds.length) {
    const rows = await db.selectFrom('membership_type').selectAll().where('id', 'in', typeIds).execute();
    const prices = await loadPrices(db, 'membership_type', rows.map((r) => r.id));
    for (const r of rows) {
      out.set(catalogItemKey('membership_type', r.id), {
        itemType: 'membership_type',
        id: r.id,
        code: r.code,
        name: r.name,
        frequency: r.frequency as TypeFrequency,
        termPeriods: 1,
        trialDays: toNumber(r.trial_days),
        convertsToId: r.converts_to_id,
        followsId: r.follows_id,
        invoiced: toNumber(r.invoiced) === 1,
        specialPrice: toNumber(r.special_price) === 1,
        glAccount: r.gl_account,
        vatRate: r.vat_rate,
        archived: toNumber(r.archived) === 1,
        prices: prices.get(r.id)!,
        attributes: [],
      });
    }
  }
  const productIds = ids('product');
  if (productIds.length) {
    const rows = await db.selectFrom('product').selectAll().where('id', 'in', productIds).execute();
    const prices = await loadPrices(db, 'product', rows.map((r) => r.id));
    for (const r of rows) {
      out.set(catalogItemKey('product', r.id), {
        itemType: 'product',
        id: r.id,
        code: r.code,
        name: r.name,
        frequency: r.frequency as ProductFrequency,
        termPeriods: 1,
        trialDays: 0,
        convertsToId: null,
        followsId: null,
        invoiced: true,
        specialPrice: false,
        glAccount: r.gl_account,
        vatRate: r.vat_rate,
        archived: toNumber(r.archived) === 1,
        prices: prices.get(r.id)!,
        attributes: [],
      });
    }
  }
  const accountIds = ids('account_type');
  if (accountIds.length) {
    for (const t of (await loadAccountTypes(db, accountIds)).values()) {
      out.set(catalogItemKey('account_type', t.id), {
        itemType: 'account_type',
        id: t.id,
        code: t.code,
        name: t.name,
        frequency: t.frequency,
        termPeriods: t.termPeriods,
        trialDays: 0,
        convertsToId: null,
        followsId: null,
        invoiced: true,
        specialPrice: false,
        glAccount: t.glAccount,
        vatRate: t.vatRate,
        archived: t.archived,
        prices: t.prices,
        attributes: t.attributes,
      });
    }
  }
  return out;
};
