import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { inTransaction } from '../../db/database.ts';
import { systemActor } from '../audit/index.ts';
import {
  addPriceVersion,
  checkCampaignCode,
  createCampaignCode,
  createMembershipType,
  createProduct,
  getCampaignCode,
  getMembershipType,
  listMembershipTypes,
  priceInForce,
  redeemCampaignCode,
  updateCampaignCode,
  updateMembershipType,
  updateProduct,
} from './index.ts';

let ctx: TestContext;
const by = { actor: systemActor, requestId: 'req-1' };
const list = { page: 1, pageSize: 100, sort: { column: 'position' as const, direction: 'asc' as const } };
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

const typeByCode = async (code: string) => (await listMembershipTypes(ctx.db, list)).items.find((t) => t.code === code)!;

test('a new organization has the seed 003 membership types, priced in NOK from 2000-01-01', async () => {
  const { items } = await listMembershipTypes(ctx.db, list);
  assert.deepEqual(items.map((t) => t.code), ['ORD', 'FM1', 'FM2', 'TRI', 'SPC', 'NUL']);
  const price = (code: string) => {
    const p = priceInForce(items.find((t) => t.code === code)!.prices, '2026-01-15')!;
    return `${p.amount.minor} ${p.amount.currency} ${p.effectiveFrom}`;
  };
  assert.equal(price('ORD'), '45000 NOK 2000-01-01');
  assert.equal(price('FM1'), '60000 NOK 2000-01-01');
  assert.equal(price('FM2'), '0 NOK 2000-01-01');
  const byCode = Object.fromEntries(items.map((t) => [t.code, t]));
  assert.equal(byCode.FM2!.invoiced, false);
  assert.equal(byCode.NUL!.invoiced, false);
  assert.equal(byCode.NUL!.frequency, 'never');
  assert.equal(byCode.TRI!.trialDays, 30);
  assert.equal(byCode.TRI!.convertsToId, byCode.NUL!.id);
  assert.equal(byCode.SPC!.specialPrice, true);
  assert.equal(byCode.ORD!.frequency, 'year');
  // All editable.
  const renamed = await updateMembershipType(ctx, by, byCode.ORD!.id, { name: 'Ordinært medlem' });
  assert.equal(renamed.name, 'Ordinært medlem');
});

test("GPFN's classes are expressible: Registered (free, never), Individual, Institution", async () => {
  const reg = await createMembershipType(ctx, by, { code: 'reg', name: 'Registered', frequency: 'never', price: '0', invoiced: false, priceEffectiveFrom: '2000-01-01' });
  const ind = await createMembershipType(ctx, by, { code: 'IND', name: 'Individual', frequency: 'year', price: '300.00' });
  const inst = await createMembershipType(ctx, by, { code: 'INST', name: 'Institution', frequency: 'year', price: '1500', signupAllowed: false });
  assert.equal(reg.code, 'REG');
  assert.equal(reg.prices[0]!.amount.minor, 0n);
  assert.equal(ind.prices[0]!.amount.minor, 30000n);
  assert.equal(ind.prices[0]!.effectiveFrom, '2026-01-15', 'the first price takes effect today unless told otherwise');
  assert.equal(inst.signupAllowed, false);
  const audit = await ctx.db.selectFrom('audit_log').selectAll().where('entity_id', '=', ind.id).execute();
  assert.deepEqual(audit.map((a) => [a.entity_type, a.action, a.request_id]), [['membership_type', 'create', 'req-1']]);
  assert.match(audit[0]!.after!, /"amount":"300.00"/);
});

test('bad membership types are refused with a message saying what to do, and nothing is stored', async () => {
  const before = (await listMembershipTypes(ctx.db, list)).total;
  await assert.rejects(createMembershipType(ctx, by, { code: 'ORD', name: 'Again', frequency: 'year', price: '1' }), /code ORD already exists/);
  await assert.rejects(createMembershipType(ctx, by, { code: 'X', name: 'X', frequency: 'year', price: '1' }), /2–10 letters and digits/);
  await assert.rejects(createMembershipType(ctx, by, { code: 'NEG', name: 'Neg', frequency: 'year', price: '-5' }), /cannot be negative; use 0 for free/);
  await assert.rejects(createMembershipType(ctx, by, { code: 'DEC', name: 'Dec', frequency: 'year', price: '1.234' }), /at most 2 decimals/);
  await assert.rejects(createMembershipType(ctx, by, { code: 'TR2', name: 'Trial', frequency: 'year', price: '0', trialDays: 14 }), /needs a type to convert to/);
  await assert.rejects(createMembershipType(ctx, by, { code: 'BAD', name: ' ', frequency: 'year', price: '0' }), /Give it a name/);
  await assert.rejects(createMembershipType(ctx, by, { code: 'FRQ', name: 'F', frequency: 'weekly' as never, price: '0' }), /month, quarter, year, never, lifetime/);
  assert.equal((await listMembershipTypes(ctx.db, list)).total, before);
  const tri = await typeByCode('TRI');
  const nul = await typeByCode('NUL');
  await assert.rejects(updateMembershipType(ctx, by, nul.id, { convertsToId: tri.id }), /cannot convert to itself, directly or through other types/);
  await assert.rejects(updateMembershipType(ctx, by, nul.id, { archived: true }), /TRI converts to NUL; change that first/);
});

test('price versions: the price in force follows the date; versions are append-only; audited', async () => {
  const ord = await typeByCode('ORD');
  const changed = await addPriceVersion(ctx, by, 'membership_type', ord.id, { amount: '500', effectiveFrom: '2026-07-01' });
  assert.deepEqual(changed.prices.map((p) => [p.effectiveFrom, p.amount.minor]), [['2000-01-01', 45000n], ['2026-07-01', 50000n]]);
  assert.equal(priceInForce(changed.prices, '2026-06-30')!.amount.minor, 45000n);
  assert.equal(priceInForce(changed.prices, '2026-07-01')!.amount.minor, 50000n);
  await assert.rejects(addPriceVersion(ctx, by, 'membership_type', ord.id, { amount: '520', effectiveFrom: '2026-07-01' }), /already a price effective from 2026-07-01/);
  await assert.rejects(addPriceVersion(ctx, by, 'membership_type', ord.id, { amount: '520', effectiveFrom: '2025-01-01' }), /today \(2026-01-15\) or later/);
  const audit = await ctx.db.selectFrom('audit_log').selectAll().where('entity_id', '=', ord.id).where('action', '=', 'add_price').execute();
  assert.equal(audit.length, 1);
  assert.deepEqual(JSON.parse(audit[0]!.after!), { amount: '500.00', currency: 'NOK', effectiveFrom: '2026-07-01' });
});

test('products: free ones allowed, G/L account optional, VAT rate decimal; archive is audited', async () => {
  const ppp = await createProduct(ctx, by, { code: 'ppp', name: 'PPP access', kind: 'upgrade', frequency: 'month', price: '49.50', vatRate: '25', glAccount: '31000-0000' });
  const free = await createProduct(ctx, by, { code: 'LIST', name: 'List server', kind: 'service', frequency: 'year', price: '0' });
  assert.equal(ppp.code, 'PPP');
  assert.equal(ppp.prices[0]!.amount.minor, 4950n);
  assert.equal(free.glAccount, null);
  assert.equal(free.vatRate, '0');
  await assert.rejects(createProduct(ctx, by, { code: 'X1', name: 'X', kind: 'service', frequency: 'once', price: '1', glAccount: '123' }), /NNNNN-NNNN/);
  await assert.rejects(createProduct(ctx, by, { code: 'X2', name: 'X', kind: 'service', frequency: 'once', price: '1', vatRate: '250' }), /VAT rate must be a percent/);
  const archived = await updateProduct(ctx, by, free.id, { archived: true });
  assert.equal(archived.archived, true);
  const rows = await ctx.db.selectFrom('audit_log').select(['action', 'before', 'after']).where('entity_id', '=', free.id).orderBy('seq').execute();
  assert.deepEqual(rows.map((r) => r.action), ['create', 'archive']);
  assert.deepEqual(JSON.parse(rows[1]!.after!), { archived: true });
});

test('campaign codes: percent and fixed price, case-insensitive, date window, type list', async () => {
  const ord = await typeByCode('ORD');
  const fm1 = await typeByCode('FM1');
  await createCampaignCode(ctx, by, { code: 'half26', kind: 'percent', percent: '50', validFrom: '2026-03-01', validTo: '2026-03-31', appliesTo: [ord.id] });
  await createCampaignCode(ctx, by, { code: 'HUNDRED', kind: 'fixed_price', amount: '100', validFrom: '2026-01-01', validTo: '2026-12-31' });
  const half = await checkCampaignCode(ctx.db, { code: 'Half26', membershipTypeId: ord.id, date: '2026-03-10' });
  assert.equal(half.valid && half.price.minor, 22500n);
  const julyHalf = await checkCampaignCode(ctx.db, { code: 'half26', membershipTypeId: ord.id, date: '2026-03-31' });
  assert.equal(julyHalf.valid, true);
  assert.match((await checkCampaignCode(ctx.db, { code: 'half26', membershipTypeId: ord.id, date: '2026-04-01' }) as { reason: string }).reason, /expired on 2026-03-31/);
  assert.match((await checkCampaignCode(ctx.db, { code: 'half26', membershipTypeId: fm1.id, date: '2026-03-10' }) as { reason: string }).reason, /does not apply to membership type FM1/);
  const fixed = await checkCampaignCode(ctx.db, { code: 'hundred', membershipTypeId: fm1.id, date: '2026-08-01' });
  assert.equal(fixed.valid && fixed.price.minor, 10000n);
  assert.match((await checkCampaignCode(ctx.db, { code: 'NOPE', membershipTypeId: ord.id, date: '2026-03-10' }) as { reason: string }).reason, /no campaign code NOPE/);
  await assert.rejects(createCampaignCode(ctx, by, { code: 'HALF26', kind: 'percent', percent: '10', validFrom: '2026-01-01', validTo: '2026-01-02' }), /HALF26 already exists/);
  await assert.rejects(createCampaignCode(ctx, by, { code: 'BADTYPE', kind: 'percent', percent: '10', validFrom: '2026-01-01', validTo: '2026-01-02', appliesTo: ['nope'] }), /no membership type with id "nope"/);
});

test('redeeming under concurrency: exactly max_uses succeed, the rest are refused; each use audited', async () => {
  const ord = await typeByCode('ORD');
  const code = await createCampaignCode(ctx, by, { code: 'FIRST3', kind: 'percent', percent: '20', validFrom: '2026-01-01', validTo: '2026-12-31', maxUses: 3 });
  const results = await Promise.allSettled(
    Array.from({ length: 8 }, () => inTransaction(ctx.db, (tx) => redeemCampaignCode(tx, ctx.clock, by, { code: 'first3', membershipTypeId: ord.id, date: '2026-02-01' }))),
  );
  const ok = results.filter((r) => r.status === 'fulfilled');
  assert.equal(ok.length, 3);
  for (const r of ok) assert.equal((r as PromiseFulfilledResult<{ price: { minor: bigint } }>).value.price.minor, 36000n);
  for (const r of results.filter((r) => r.status === 'rejected')) assert.match(String((r as PromiseRejectedResult).reason), /used the most times allowed \(3\)/);
  assert.equal((await getCampaignCode(ctx.db, code.id)).uses, 3);
  const audit = await ctx.db.selectFrom('audit_log').select('action').where('entity_id', '=', code.id).where('action', '=', 'redeem').execute();
  assert.equal(audit.length, 3);
  // A redemption rolled back with its signup gives the use back.
  const two = await createCampaignCode(ctx, by, { code: 'ROLLBACK', kind: 'percent', percent: '20', validFrom: '2026-01-01', validTo: '2026-12-31', maxUses: 1 });
  await assert.rejects(
    inTransaction(ctx.db, async (tx) => {
      await redeemCampaignCode(tx, ctx.clock, by, { code: 'ROLLBACK', membershipTypeId: ord.id, date: '2026-02-01' });
      throw new Error('signup failed');
    }),
    /signup failed/,
  );
  assert.equal((await getCampaignCode(ctx.db, two.id)).uses, 0);
  await assert.rejects(updateCampaignCode(ctx, by, code.id, { maxUses: 2 }), /used 3 times already/);
  const raised = await updateCampaignCode(ctx, by, code.id, { maxUses: 4 });
  assert.equal(raised.maxUses, 4);
});

test('moving the clock moves the price in force', async () => {
  const ord = await getMembershipType(ctx.db, (await typeByCode('ORD')).id);
  assert.equal(priceInForce(ord.prices, ctx.clock.today('Europe/Oslo').toString())!.amount.minor, 45000n);
  ctx.clock.set('2026-06-30T22:30:00Z'); // already 1 July in Oslo
  assert.equal(priceInForce(ord.prices, ctx.clock.today('Europe/Oslo').toString())!.amount.minor, 50000n);
  ctx.clock.set('2026-01-15T10:00:00Z');
});
