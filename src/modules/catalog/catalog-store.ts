import type { Kysely } from 'kysely';
import { toBigInt, toNumber } from '../../db/database.ts';
import type { AccountAttributeTable, AccountTypeTable, CampaignCodeTable, CatalogPriceTable, DB, MembershipTypeTable, ProductTable } from '../../db/schema.ts';
import { notFound } from '../../kernel/app-error.ts';
import { newId } from '../../kernel/ids.ts';
import type { Clock } from '../../kernel/clock.ts';
import { money, parseMoney, toDecimalString, type Money } from '../../kernel/money.ts';
import { recordAudit } from '../audit/index.ts';
import { getSetting, orgToday } from '../settings/index.ts';
import { assertAmount, assertDay } from './catalog.ts';
import type {
  AccountAttribute,
  AccountFrequency,
  AccountType,
  AttributePer,
  CampaignCode,
  ChangedBy,
  CampaignKind,
  ItemType,
  MembershipType,
  PriceVersion,
  Product,
  ProductFrequency,
  ProductKind,
  TypeFrequency,
} from './catalog.ts';

type Db = Kysely<DB>;

/** The organization's calendar day, the day "the price today" is for. */
export { orgToday };

export const orgCurrency = (db: Db): Promise<string> => getSetting(db, 'organization.currency');

/** The first price of a new catalog item: the amount in the organization currency, from the day given or today. */
export const firstPrice = async (
  db: Db,
  clock: Clock,
  input: { price: string; priceEffectiveFrom?: string },
): Promise<{ currency: string; amount: Money; effectiveFrom: string }> => {
  const currency = await orgCurrency(db);
  const amount = parseMoney(input.price, currency);
  assertAmount(amount);
  const effectiveFrom = input.priceEffectiveFrom ?? (await orgToday(db, clock));
  assertDay(effectiveFrom, 'priceEffectiveFrom', 'The price effective date');
  return { currency, amount, effectiveFrom };
};

const toPrice = (r: CatalogPriceTable): PriceVersion => ({
  id: r.id,
  amount: money(toBigInt(r.amount_minor), r.currency),
  effectiveFrom: r.effective_from,
  createdAt: r.created_at,
});

export const loadPrices = async (db: Db, itemType: ItemType, ids: string[]): Promise<Map<string, PriceVersion[]>> => {
  const byItem = new Map<string, PriceVersion[]>(ids.map((id) => [id, []]));
  if (!ids.length) return byItem;
  const rows = await db.selectFrom('catalog_price').selectAll().where('item_type', '=', itemType).where('item_id', 'in', ids).orderBy('effective_from').execute();
  for (const r of rows) byItem.get(r.item_id)?.push(toPrice(r));
  return byItem;
};

export const insertPrice = async (db: Db, clock: Clock, itemType: ItemType, itemId: string, p: { minor: bigint; currency: string; effectiveFrom: string }) => {
  await db
    .insertInto('catalog_price')
    .values({
      id: newId(clock.now().getTime()),
      item_type: itemType,
      item_id: itemId,
      currency: p.currency,
      amount_minor: p.minor.toString(),
      effective_from: p.effectiveFrom,
      created_at: clock.now().toISOString(),
    })
    .execute();
};

export const toMembershipType = (r: MembershipTypeTable, prices: PriceVersion[]): MembershipType => ({
  id: r.id,
  code: r.code,
  name: r.name,
  description: r.description,
  frequency: r.frequency as TypeFrequency,
  trialDays: toNumber(r.trial_days),
  convertsToId: r.converts_to_id,
  signupAllowed: toNumber(r.signup_allowed) === 1,
  specialPrice: toNumber(r.special_price) === 1,
  invoiced: toNumber(r.invoiced) === 1,
  glAccount: r.gl_account,
  vatRate: r.vat_rate,
  followsId: r.follows_id,
  archived: toNumber(r.archived) === 1,
  position: toNumber(r.position),
  prices,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const toProduct = (r: ProductTable, prices: PriceVersion[]): Product => ({
  id: r.id,
  code: r.code,
  name: r.name,
  description: r.description,
  kind: r.kind as ProductKind,
  frequency: r.frequency as ProductFrequency,
  glAccount: r.gl_account,
  vatRate: r.vat_rate,
  archived: toNumber(r.archived) === 1,
  position: toNumber(r.position),
  prices,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const toAttribute = (r: AccountAttributeTable): AccountAttribute => ({
  id: r.id,
  accountTypeId: r.account_type_id,
  code: r.code,
  description: r.description,
  unit: r.unit,
  included: r.included,
  rate: money(toBigInt(r.rate_minor), r.currency),
  per: r.per as AttributePer,
  glAccount: r.gl_account,
  vatRate: r.vat_rate,
  position: toNumber(r.position),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const toAccountType = (r: AccountTypeTable, prices: PriceVersion[], attributes: AccountAttribute[]): AccountType => ({
  id: r.id,
  code: r.code,
  name: r.name,
  description: r.description,
  frequency: r.frequency as AccountFrequency,
  termPeriods: toNumber(r.term_periods),
  glAccount: r.gl_account,
  vatRate: r.vat_rate,
  archived: toNumber(r.archived) === 1,
  position: toNumber(r.position),
  prices,
  attributes,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The attributes of many account types in one query, in their position order. */
export const loadAttributes = async (db: Db, accountTypeIds: string[]): Promise<Map<string, AccountAttribute[]>> => {
  const byType = new Map<string, AccountAttribute[]>(accountTypeIds.map((id) => [id, []]));
  if (!accountTypeIds.length) return byType;
  const rows = await db.selectFrom('account_attribute').selectAll().where('account_type_id', 'in', accountTypeIds).orderBy('position').orderBy('code').execute();
  for (const r of rows) byType.get(r.account_type_id)?.push(toAttribute(r));
  return byType;
};

/** Account types by id with their prices and attributes: three queries whatever the count. */
export const loadAccountTypes = async (db: Db, ids: string[]): Promise<Map<string, AccountType>> => {
  const unique = [...new Set(ids)];
  const out = new Map<string, AccountType>();
  if (!unique.length) return out;
  const rows = await db.selectFrom('account_type').selectAll().where('id', 'in', unique).execute();
  const found = rows.map((r) => r.id);
  // One after the other: inside a transaction on SQLite there is one connection.
  const prices = await loadPrices(db, 'account_type', found);
  const attributes = await loadAttributes(db, found);
  for (const r of rows) out.set(r.id, toAccountType(r, prices.get(r.id)!, attributes.get(r.id)!));
  return out;
};

export const getAccountType = async (db: Db, id: string): Promise<AccountType> => {
  const type = (await loadAccountTypes(db, [id])).get(id);
  if (!type) throw notFound('The account type');
  return type;
};

export const toCampaignCode = (r: CampaignCodeTable): CampaignCode => ({
  id: r.id,
  code: r.code,
  description: r.description,
  kind: r.kind as CampaignKind,
  percent: r.percent,
  amount: r.amount_minor === null || r.currency === null ? null : money(toBigInt(r.amount_minor), r.currency),
  validFrom: r.valid_from,
  validTo: r.valid_to,
  maxUses: r.max_uses === null ? null : toNumber(r.max_uses),
  uses: toNumber(r.uses),
  appliesTo: r.applies_to === null ? null : (JSON.parse(r.applies_to) as string[]),
  archived: toNumber(r.archived) === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const getMembershipType = async (db: Db, id: string): Promise<MembershipType> => {
  const row = await db.selectFrom('membership_type').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('The membership type');
  return toMembershipType(row, (await loadPrices(db, 'membership_type', [id])).get(id)!);
};

export const getProduct = async (db: Db, id: string): Promise<Product> => {
  const row = await db.selectFrom('product').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('The product');
  return toProduct(row, (await loadPrices(db, 'product', [id])).get(id)!);
};

export const getCampaignCode = async (db: Db, id: string): Promise<CampaignCode> => {
  const row = await db.selectFrom('campaign_code').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('The campaign code');
  return toCampaignCode(row);
};

export const findCampaignCode = async (db: Db, code: string): Promise<CampaignCode | null> => {
  const row = await db.selectFrom('campaign_code').selectAll().where('code', '=', code.trim().toUpperCase()).executeTakeFirst();
  return row ? toCampaignCode(row) : null;
};

const priceOut = (p: PriceVersion) => ({ amount: toDecimalString(p.amount), currency: p.amount.currency, effectiveFrom: p.effectiveFrom });

/** What the audit trail keeps of each record: everything but the id, money as decimal strings. */
export const typeSnapshot = (t: MembershipType) => {
  const { id: _id, prices, createdAt: _c, updatedAt: _u, ...rest } = t;
  return { ...rest, prices: prices.map(priceOut) };
};
export const productSnapshot = (p: Product) => {
  const { id: _id, prices, createdAt: _c, updatedAt: _u, ...rest } = p;
  return { ...rest, prices: prices.map(priceOut) };
};
export const attributeSnapshot = (a: AccountAttribute) => {
  const { id: _id, accountTypeId: _t, rate, createdAt: _c, updatedAt: _u, ...rest } = a;
  return { ...rest, rate: toDecimalString(rate), currency: rate.currency };
};
export const accountTypeSnapshot = (t: AccountType) => {
  const { id: _id, prices, attributes, createdAt: _c, updatedAt: _u, ...rest } = t;
  return { ...rest, prices: prices.map(priceOut), attributes: attributes.map(attributeSnapshot) };
};
export const campaignSnapshot = (c: CampaignCode) => {
  const { id: _id, amount, createdAt: _c, updatedAt: _u, ...rest } = c;
  return { ...rest, amount: amount ? toDecimalString(amount) : null, currency: amount?.currency ?? null };
};
export const priceSnapshot = priceOut;

/** Changed keys only, or null when nothing changed. */
export const diff = (before: Record<string, unknown>, after: Record<string, unknown>) => {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null)) {
      b[key] = before[key] ?? null;
      a[key] = after[key] ?? null;
    }
  }
  return Object.keys(a).length ? { before: b, after: a } : null;
};

/** Audits an edit of a catalog record when anything changed: archive, restore or update. */
export const auditCatalogUpdate = async <T extends { archived: boolean }>(
  db: Db,
  clock: Clock,
  by: ChangedBy,
  target: { entityType: string; entityId: string },
  change: { before: T; after: T; snapshot: (record: T) => Record<string, unknown> },
): Promise<void> => {
  const { before, after, snapshot } = change;
  const changes = diff(snapshot(before), snapshot(after));
  if (!changes) return;
  const action = before.archived !== after.archived ? (after.archived ? 'archive' : 'restore') : 'update';
  await recordAudit(db, clock, by.actor, { ...target, action, ...changes, requestId: by.requestId });
};

export const nextPosition = async (db: Db, table: 'membership_type' | 'product' | 'account_type'): Promise<number> => {
  const last = await db.selectFrom(table).select((eb) => eb.fn.max('position').as('p')).executeTakeFirst();
  return last?.p === null || last?.p === undefined ? 0 : toNumber(last.p) + 1;
};
