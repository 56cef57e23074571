import type { Kysely } from 'kysely';

/**
 * The catalog: membership types, products and services, their price versions (append-only: the
 * price in force on a day is the newest version effective on or before it), and campaign codes.
 * A new organization starts with the seed 003 membership types, all editable.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('membership_type')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique()) // upper-case, 2–10 letters/digits
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('frequency', 'text', (c) => c.notNull()) // month | quarter | year | never | lifetime
    .addColumn('trial_days', 'integer', (c) => c.notNull().defaultTo(0))
    // The type a member becomes when a trial or discount ends.
    .addColumn('converts_to_id', 'text', (c) => c.references('membership_type.id'))
    .addColumn('signup_allowed', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('special_price', 'integer', (c) => c.notNull().defaultTo(0)) // price comes from the member
    .addColumn('invoiced', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('product')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('kind', 'text', (c) => c.notNull()) // service | upgrade | fee | other
    .addColumn('frequency', 'text', (c) => c.notNull()) // once | month | quarter | year | never | lifetime
    .addColumn('gl_account', 'text') // NNNNN-NNNN; null → ledger.misc_sales_account when used
    .addColumn('vat_rate', 'text', (c) => c.notNull().defaultTo('0')) // decimal percent
    .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('catalog_price')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_type', 'text', (c) => c.notNull()) // membership_type | product
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('effective_from', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('catalog_price_version').on('catalog_price').columns(['item_type', 'item_id', 'effective_from']).unique().execute();

  await db.schema
    .createTable('campaign_code')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique()) // stored upper-case: lookups ignore case
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('kind', 'text', (c) => c.notNull()) // percent | fixed_price
    .addColumn('percent', 'text') // decimal percent off the first period
    .addColumn('amount_minor', 'bigint') // fixed first-period price
    .addColumn('currency', 'text')
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_to', 'text', (c) => c.notNull()) // inclusive
    .addColumn('max_uses', 'integer')
    .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('applies_to', 'text') // JSON array of membership_type ids; null = all types
    .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await seedMembershipTypes(db);
}

/** Seed 003's registration types, priced in the organization currency (NOK unless set already). */
const seedMembershipTypes = async (db: Kysely<any>) => {
  const row = await db.selectFrom('setting').select('value').where('key', '=', 'organization.currency').executeTakeFirst();
  let currency = 'NOK';
  try {
    const v = row ? JSON.parse(row.value as string) : null;
    if (typeof v === 'string' && /^[A-Z]{3}$/.test(v)) currency = v;
  } catch {
    // an unreadable value keeps the default
  }
  // Amounts are in major units with two decimals; a currency with other minor digits gets them scaled.
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const minor = (major: number) => BigInt(major) * 10n ** BigInt(digits);
  const now = new Date().toISOString();
  // Fixed ids so the seed is the same everywhere and conversions can point at each other.
  const types = [
    { id: 'mt_ord', code: 'ORD', name: 'Ordinary member', description: 'Ordinary membership, invoiced yearly.', frequency: 'year', trial_days: 0, converts_to_id: null, signup_allowed: 1, special_price: 0, invoiced: 1, price: 450 },
    { id: 'mt_fm1', code: 'FM1', name: 'Family member, primary', description: 'The family member who is invoiced for the household.', frequency: 'year', trial_days: 0, converts_to_id: null, signup_allowed: 1, special_price: 0, invoiced: 1, price: 600 },
    { id: 'mt_fm2', code: 'FM2', name: 'Family member, secondary', description: 'Follows the primary family member (FM1): same dates, not invoiced separately.', frequency: 'year', trial_days: 0, converts_to_id: null, signup_allowed: 1, special_price: 0, invoiced: 0, price: 0 },
    { id: 'mt_nul', code: 'NUL', name: 'Not a member', description: 'Registered without a membership, e.g. after a trial ended unpaid.', frequency: 'never', trial_days: 0, converts_to_id: null, signup_allowed: 0, special_price: 0, invoiced: 0, price: 0 },
    { id: 'mt_tri', code: 'TRI', name: 'Trial member', description: 'Free for 30 days, then not a member unless paid.', frequency: 'year', trial_days: 30, converts_to_id: 'mt_nul', signup_allowed: 1, special_price: 0, invoiced: 1, price: 0 },
    { id: 'mt_spc', code: 'SPC', name: 'Special price', description: 'Yearly membership at the price set on the member.', frequency: 'year', trial_days: 0, converts_to_id: null, signup_allowed: 0, special_price: 1, invoiced: 1, price: 0 },
  ];
  const order = ['ORD', 'FM1', 'FM2', 'TRI', 'SPC', 'NUL'];
  for (const t of types) {
    const { price, ...rest } = t;
    await db.insertInto('membership_type').values({ ...rest, archived: 0, position: order.indexOf(t.code), created_at: now, updated_at: now }).execute();
    await db
      .insertInto('catalog_price')
      .values({ id: `${t.id}_2000`, item_type: 'membership_type', item_id: t.id, currency, amount_minor: Number(minor(price)), effective_from: '2000-01-01', created_at: now })
      .execute();
  }
};
