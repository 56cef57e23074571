import type { AppContext } from '../../app.ts';
import { inTransaction } from '../../db/database.ts';
import { parseDate } from '../../kernel/dates.ts';
import type { Actor } from '../audit/index.ts';
import { runBilling } from '../billing/index.ts';
import { createAccount } from '../ledger/index.ts';
import { createAccountType, createCampaignCode, createProduct, orgToday } from '../catalog/index.ts';
import { createRecurringCharge, createSubscriptionInTx, importUsage, queueCharge, type SubscriptionInput } from '../subscriptions/index.ts';

/**
 * A year of billing history for `guildhall demo`: a few products and services, an account type
 * with metered usage, a campaign code, subscriptions for most of the registry (ORD yearly with
 * anniversaries spread over the last twelve months, households on FM1 + FM2, trials that ran out
 * and became NUL, special prices), recurring and queued charges; then the daily billing run on
 * every day something fell due, up to today. The same data every time (seeded), created once:
 * when the demo's hosting product exists nothing is added, and only the days not yet billed are run.
 */
export interface DemoBillingResult {
  subscriptions: number;
  /** Billing runs made now (one per day that had something due). */
  runs: number;
  /** Invoices issued by those runs. */
  invoices: number;
  created: boolean;
}

const MARKER_PRODUCT = 'HOST';
/** Income accounts the demo's catalog and charges post to. */
const DEMO_ACCOUNTS = [
  ['31100-0000', 'Hosting and domains'],
  ['31500-0000', 'Locker rental'],
  ['32000-0000', 'Workshop access'],
  ['36000-0000', 'Rent income'],
] as const;
const CAMPAIGN = 'VELKOMMEN';

/** mulberry32, seeded: the same subscriptions every time. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const daysBefore = (day: string, n: number) => parseDate(day).subtract({ days: n }).toString();
const daysAfter = (day: string, n: number) => parseDate(day).add({ days: n }).toString();

export const loadDemoBilling = async (ctx: AppContext, actor: Actor): Promise<DemoBillingResult> => {
  const by = { actor };
  const today = await orgToday(ctx.db, ctx.clock);
  const existing = await ctx.db.selectFrom('product').select('id').where('code', '=', MARKER_PRODUCT).executeTakeFirst();
  let created = false;
  if (!existing) {
    await createDemoSubscriptions(ctx, by, today);
    created = true;
  }
  const billed = await billUpTo(ctx, actor, today);
  const subscriptions = Number((await ctx.db.selectFrom('subscription').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return { subscriptions, ...billed, created };
};

/**
 * Runs billing on every day from the earliest thing due up to `today`, as a server running the
 * daily job would have; days with nothing due are skipped (a run on them bills nothing).
 */
export const billUpTo = async (ctx: AppContext, actor: Actor, today: string): Promise<{ runs: number; invoices: number }> => {
  let runs = 0;
  let invoices = 0;
  let last = '';
  for (;;) {
    const due = await earliestDue(ctx, today);
    if (!due) break;
    // Never the same day twice: a row the run leaves due would otherwise loop here.
    const asOf = due > last ? due : daysAfter(last, 1);
    if (asOf > today) break;
    const r = await runBilling(ctx, actor, { asOf });
    runs++;
    invoices += r.invoices;
    last = asOf;
  }
  return { runs, invoices };
};

const earliestDue = async (ctx: AppContext, today: string): Promise<string | null> => {
  const min = (rows: Array<{ d: string | null }>) => rows[0]?.d ?? null;
  const days = [
    min(await ctx.db.selectFrom('subscription').select((eb) => eb.fn.min('next_due').as('d')).where('next_due', '<=', today).execute()),
    min(await ctx.db.selectFrom('recurring_charge').select((eb) => eb.fn.min('next_due').as('d')).where('next_due', '<=', today).where('archived', '=', 0).execute()),
    min(
      await ctx.db
        .selectFrom('queued_charge')
        .select((eb) => eb.fn.min('charge_date').as('d'))
        .where('charge_date', '<=', today)
        .where('invoice_id', 'is', null)
        .where('cancelled', '=', 0)
        .execute(),
    ),
  ].filter((d): d is string => !!d);
  return days.length ? days.sort()[0]! : null;
};

const createDemoSubscriptions = async (ctx: AppContext, by: { actor: Actor }, today: string) => {
  const random = prng(20260301);
  const chance = (p: number) => random() < p;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  /**
   * A start day in the last twelve months (0 = today, 364 = a year ago tomorrow): people join on the
   * open evenings, Tuesdays and Thursdays (which also keeps the number of billing days, and so the
   * demo's run time, down).
   */
  const startWithinYear = (minAgo = 0, maxAgo = 364) => {
    let ago = minAgo + Math.floor(random() * (maxAgo - minAgo + 1));
    while (![2, 4].includes(parseDate(daysBefore(today, ago)).dayOfWeek) && ago < 364) ago++;
    return daysBefore(today, Math.min(ago, 364));
  };
  /** Lockers and workshop access run by calendar month: from the first day of the month after joining. */
  const firstOfNextMonth = (day: string) => parseDate(day).with({ day: 1 }).add({ months: 1 }).toString();
  // Catalog prices in force over the whole history.
  const priceFrom = `${parseDate(today).year - 2}-01-01`;

  // The demo's income accounts beside the seeded chart's (the ledger would otherwise add each as
  // "Added from invoice N" when the first invoice line names it); one made by hand is left as it is.
  for (const [code, name] of DEMO_ACCOUNTS) {
    if (!(await ctx.db.selectFrom('gl_account').select('code').where('code', '=', code).executeTakeFirst())) await createAccount(ctx, by, { code, name, type: 'income' });
  }
  // Products and services (seed 001/002), an account type with metered usage (seed 004 §2.4), a campaign.
  const hosting = await createProduct(ctx, by, { code: MARKER_PRODUCT, name: 'Web hosting', description: 'Web site on the makerspace server, 10 GB.', kind: 'service', frequency: 'year', vatRate: '25', price: '1200.00', priceEffectiveFrom: priceFrom, glAccount: '31100-0000' });
  const domain = await createProduct(ctx, by, { code: 'DOMAIN', name: 'Virtual domain', kind: 'upgrade', frequency: 'year', vatRate: '25', price: '150.00', priceEffectiveFrom: priceFrom, glAccount: '31100-0000' });
  const ssl = await createProduct(ctx, by, { code: 'SSL', name: 'SSL certificate (Let’s Encrypt)', kind: 'upgrade', frequency: 'year', vatRate: '25', price: '0', priceEffectiveFrom: priceFrom });
  const locker = await createProduct(ctx, by, { code: 'LOCKER', name: 'Locker rental', kind: 'service', frequency: 'quarter', vatRate: '25', price: '120.00', priceEffectiveFrom: priceFrom, glAccount: '31500-0000' });
  const workshop = await createAccountType(ctx, by, {
    code: 'WORKSHOP',
    name: 'Workshop access',
    description: 'Access to the machines; laser time and 3D-printer filament beyond what is included are billed at the end of each month.',
    frequency: 'month',
    vatRate: '25',
    price: '150.00',
    priceEffectiveFrom: priceFrom,
    glAccount: '32000-0000',
    attributes: [
      { code: 'laser_min', description: 'Laser cutter time', unit: 'min', included: '60', rate: '3.00', per: 'period' },
      { code: 'filament_g', description: '3D-printer filament', unit: 'g', included: '250', rate: '0.40', per: 'period' },
    ],
  });
  const campaignFrom = daysBefore(today, 200);
  await createCampaignCode(ctx, by, {
    code: CAMPAIGN,
    description: 'Welcome offer: the first year of ordinary membership for 200 kr.',
    kind: 'fixed_price',
    amount: '200.00',
    validFrom: campaignFrom,
    validTo: daysAfter(today, 60),
    maxUses: 25,
    appliesTo: ['mt_ord'],
  });

  const contacts = await ctx.db
    .selectFrom('contact')
    .select(['id', 'kind', 'org_name', 'household_id', 'household_role'])
    .where('status', '=', 'active')
    .orderBy('member_number')
    .execute();
  const persons = contacts.filter((c) => c.kind === 'person');
  const org = (name: string) => contacts.find((c) => c.org_name === name)?.id;

  const workshopSubs: Array<{ id: string; start: string }> = [];
  await inTransaction(ctx.db, async (tx) => {
    const subscribe = (input: SubscriptionInput) => createSubscriptionInTx(tx, ctx.clock, by, input);
    // Household primaries first (FM1), so their partners and children can follow them (FM2).
    const primaryStart = new Map<string, string>();
    for (const p of persons.filter((c) => c.household_role === 'primary')) {
      const start = startWithinYear();
      primaryStart.set(p.household_id!, start);
      await subscribe({ contactId: p.id, itemType: 'membership_type', itemId: 'mt_fm1', startDate: start });
    }
    for (const p of persons.filter((c) => c.household_id && c.household_role !== 'primary')) {
      await subscribe({ contactId: p.id, itemType: 'membership_type', itemId: 'mt_fm2' });
    }
    let campaignUses = 0;
    for (const p of persons.filter((c) => !c.household_id)) {
      const r = random();
      if (r < 0.07) {
        // Trials: most started more than 30 days ago and ran out unpaid (→ NUL); a few are still on trial.
        await subscribe({ contactId: p.id, itemType: 'membership_type', itemId: 'mt_tri', startDate: chance(0.8) ? startWithinYear(40, 330) : startWithinYear(0, 25) });
      } else if (r < 0.11) {
        await subscribe({ contactId: p.id, itemType: 'membership_type', itemId: 'mt_spc', startDate: startWithinYear(), specialPrice: pick(['200.00', '250.00', '300.00']), note: 'Reduced dues agreed by the board.' });
      } else if (r < 0.92) {
        const start = startWithinYear();
        const campaign = start >= campaignFrom && campaignUses < 12 && chance(0.25);
        if (campaign) campaignUses++;
        await subscribe({ contactId: p.id, itemType: 'membership_type', itemId: 'mt_ord', startDate: start, campaignCode: campaign ? CAMPAIGN : null });
        const monthly = firstOfNextMonth(start);
        if (monthly <= today && chance(0.06)) await subscribe({ contactId: p.id, itemType: 'product', itemId: locker.id, startDate: monthly, endDate: null });
        if (monthly <= today && chance(0.07)) {
          const s = await subscribe({ contactId: p.id, itemType: 'account_type', itemId: workshop.id, startDate: monthly });
          workshopSubs.push({ id: s.id, start: monthly });
        }
      }
      // The rest are registered without a membership.
    }

    // Organizations buy hosting (seed 001/002).
    const fjordnett = org('Fjordnett AS');
    const kystlaget = org('Kystlaget Bjørkvik');
    const nordic = org('Nordic Makers Network');
    if (fjordnett) {
      const start = daysBefore(today, 300);
      await subscribe({ contactId: fjordnett, itemType: 'product', itemId: hosting.id, startDate: start });
      await subscribe({ contactId: fjordnett, itemType: 'product', itemId: domain.id, startDate: start, quantity: '3' });
      await subscribe({ contactId: fjordnett, itemType: 'product', itemId: ssl.id, startDate: start });
    }
    if (kystlaget) await subscribe({ contactId: kystlaget, itemType: 'product', itemId: hosting.id, startDate: daysBefore(today, 130) });
    if (nordic) await subscribe({ contactId: nordic, itemType: 'product', itemId: domain.id, startDate: daysBefore(today, 45) });
  });

  // Usage from the machines' logs, imported as CSV like a treasurer would (laser minutes, filament grams).
  const csv = ['subscription,attribute,date,quantity,ref'];
  for (const s of workshopSubs) {
    for (let day = s.start, n = 0; day <= today; day = daysAfter(day, 5 + Math.floor(random() * 6)), n++) {
      if (chance(0.7)) csv.push(`${s.id},laser_min,${day},${5 + Math.floor(random() * 40)},${s.id}-l${n}`);
      if (chance(0.5)) csv.push(`${s.id},filament_g,${day},${20 + Math.floor(random() * 120)},${s.id}-f${n}`);
    }
  }
  if (csv.length > 1) await importUsage(ctx, by, { csv: csv.join('\n') + '\n', dryRun: false });

  // Recurring charges: the co-op rents a storage room; a member rents a bench by the quarter.
  const coop = org('Borettslaget Grønland');
  if (coop) await createRecurringCharge(ctx, by, { contactId: coop, description: 'Storage room rent', amount: '800.00', frequency: 'month', startDate: daysBefore(today, 330), vatRate: '0', glAccount: '36000-0000' });
  const bench = persons.find((c) => !c.household_id);
  if (bench) await createRecurringCharge(ctx, by, { contactId: bench.id, description: 'Dedicated workbench', amount: '450.00', frequency: 'quarter', startDate: daysBefore(today, 250), vatRate: '25' });

  // Queued one-off charges: a replacement key card (billed long ago) and a course not yet billed.
  const someone = persons.filter((c) => !c.household_id)[3];
  if (someone) {
    await queueCharge(ctx, by, { contactId: someone.id, description: 'Replacement key card', unitPrice: '150.00', vatRate: '25', chargeDate: daysBefore(today, 100) });
    await queueCharge(ctx, by, { contactId: someone.id, description: 'Course: laser cutter safety', unitPrice: '350.00', vatRate: '25', chargeDate: daysAfter(today, 14) });
  }
};
