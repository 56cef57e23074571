import { inTransaction } from '../../db/database.ts';
import { conflict } from '../../kernel/app-error.ts';
import { parseMoney } from '../../kernel/money.ts';
import { recordAudit } from '../audit/index.ts';
import { assertAmount, assertNewPriceVersion, type AccountType, type CatalogDeps, type ChangedBy, type ItemType, type MembershipType, type Product } from './catalog.ts';
import { getAccountType, getMembershipType, getProduct, insertPrice, orgCurrency, orgToday, priceSnapshot } from './catalog-store.ts';

/**
 * Adds a price version to a membership type, product or account type (its term fee), taking effect on `effectiveFrom` (today or
 * later). Versions are never changed or removed: invoices for a period use the price then in force.
 */
export async function addPriceVersion(deps: CatalogDeps, by: ChangedBy, itemType: 'membership_type', itemId: string, input: { amount: string; effectiveFrom: string }): Promise<MembershipType>;
export async function addPriceVersion(deps: CatalogDeps, by: ChangedBy, itemType: 'product', itemId: string, input: { amount: string; effectiveFrom: string }): Promise<Product>;
export async function addPriceVersion(deps: CatalogDeps, by: ChangedBy, itemType: 'account_type', itemId: string, input: { amount: string; effectiveFrom: string }): Promise<AccountType>;
export async function addPriceVersion(deps: CatalogDeps, by: ChangedBy, itemType: ItemType, itemId: string, input: { amount: string; effectiveFrom: string }): Promise<MembershipType | Product | AccountType> {
  return inTransaction(deps.db, async (tx) => {
    const load = (): Promise<MembershipType | Product | AccountType> =>
      itemType === 'membership_type' ? getMembershipType(tx, itemId) : itemType === 'product' ? getProduct(tx, itemId) : getAccountType(tx, itemId);
    const item = await load();
    const currency = await orgCurrency(tx);
    const amount = parseMoney(input.amount, currency);
    assertAmount(amount);
    assertNewPriceVersion(item.prices, input.effectiveFrom, await orgToday(tx, deps.clock));
    try {
      await insertPrice(tx, deps.clock, itemType, itemId, { minor: amount.minor, currency, effectiveFrom: input.effectiveFrom });
    } catch (e) {
      // Two people adding the same day at once: the unique index decides; the loser gets the same answer as above.
      if (/unique/i.test(String(e))) throw conflict(`There is already a price effective from ${input.effectiveFrom}; add a version with a later date.`, { field: 'effectiveFrom' });
      throw e;
    }
    const after = await load();
    const added = after.prices.find((p) => p.effectiveFrom === input.effectiveFrom)!;
    await recordAudit(tx, deps.clock, by.actor, { entityType: itemType, entityId: itemId, action: 'add_price', after: priceSnapshot(added), requestId: by.requestId });
    return after;
  });
}
