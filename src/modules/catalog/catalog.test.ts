import { test } from 'node:test';
import assert from 'node:assert/strict';
import { money } from '../../kernel/money.ts';
import {
  applyCampaign,
  assertCampaignFields,
  assertGlAccount,
  assertNewPriceVersion,
  normalizeCampaignCode,
  normalizeTypeCode,
  normalizeVatRate,
  priceInForce,
  productGlAccount,
  remainingFactor,
  type CampaignCode,
} from './catalog.ts';

const nok = (minor: number) => money(BigInt(minor), 'NOK');

test('priceInForce picks the newest version effective on or before the day', () => {
  const prices = [
    { effectiveFrom: '2027-01-01', amount: nok(50000) },
    { effectiveFrom: '2000-01-01', amount: nok(45000) },
    { effectiveFrom: '2026-07-01', amount: nok(47500) },
  ];
  assert.equal(priceInForce(prices, '1999-12-31'), null);
  assert.equal(priceInForce(prices, '2000-01-01')?.amount.minor, 45000n);
  assert.equal(priceInForce(prices, '2026-06-30')?.amount.minor, 45000n);
  assert.equal(priceInForce(prices, '2026-07-01')?.amount.minor, 47500n);
  assert.equal(priceInForce(prices, '2026-12-31')?.amount.minor, 47500n);
  assert.equal(priceInForce(prices, '2030-01-01')?.amount.minor, 50000n);
  assert.equal(priceInForce([], '2026-01-01'), null);
});

test('price versions are append-only: no duplicate day, nothing taking effect in the past', () => {
  const existing = [{ effectiveFrom: '2000-01-01' }, { effectiveFrom: '2026-07-01' }];
  assert.throws(() => assertNewPriceVersion(existing, '2026-07-01', '2026-01-15'), /already a price effective from 2026-07-01/);
  assert.throws(() => assertNewPriceVersion(existing, '2026-01-14', '2026-01-15'), /can take effect today \(2026-01-15\) or later/);
  assert.throws(() => assertNewPriceVersion(existing, '2026-13-01', '2026-01-15'), /YYYY-MM-DD/);
  assert.doesNotThrow(() => assertNewPriceVersion(existing, '2026-01-15', '2026-01-15'));
  assert.doesNotThrow(() => assertNewPriceVersion(existing, '2026-03-01', '2026-01-15'));
});

test('codes are normalized to upper case and bad ones get a message saying what to write', () => {
  assert.equal(normalizeTypeCode(' fm1 '), 'FM1');
  assert.throws(() => normalizeTypeCode('O'), /2–10 letters and digits, starting with a letter, like ORD/);
  assert.throws(() => normalizeTypeCode('1AB'), /starting with a letter/);
  assert.throws(() => normalizeTypeCode('TOOLONGCODE1'), /2–10/);
  assert.equal(normalizeCampaignCode('spring26'), 'SPRING26');
  assert.throws(() => normalizeCampaignCode('a b'), /like SPRING26/);
});

test('VAT rates and G/L accounts', () => {
  assert.equal(normalizeVatRate('25'), '25');
  assert.equal(normalizeVatRate('12,50'), '12.5');
  assert.equal(normalizeVatRate('0'), '0');
  assert.throws(() => normalizeVatRate('101'), /percent from 0 to 100/);
  assert.throws(() => normalizeVatRate('abc'), /like 25 or 12.5/);
  assert.equal(assertGlAccount('31000-0000'), '31000-0000');
  assert.equal(assertGlAccount(''), null);
  assert.throws(() => assertGlAccount('3100'), /NNNNN-NNNN, like 30000-0000/);
  assert.equal(productGlAccount({ glAccount: null }, '30000-0000'), '30000-0000');
  assert.equal(productGlAccount({ glAccount: '31000-0000' }, '30000-0000'), '31000-0000');
});

test('remainingFactor is exact', () => {
  assert.equal(remainingFactor('50'), '0.50');
  assert.equal(remainingFactor('12.5'), '0.875');
  assert.equal(remainingFactor('100'), '0.00');
  assert.equal(remainingFactor('33.3333'), '0.666667');
});

const campaign = (over: Partial<CampaignCode> = {}): CampaignCode => ({
  id: 'c1',
  code: 'SPRING',
  description: '',
  kind: 'percent',
  percent: '50',
  amount: null,
  validFrom: '2026-03-01',
  validTo: '2026-03-31',
  maxUses: 10,
  uses: 0,
  appliesTo: null,
  archived: false,
  createdAt: '',
  updatedAt: '',
  ...over,
});
const ord = { id: 't1', code: 'ORD', price: nok(45000) };

test('a percent campaign gives the discounted first-period price, rounded half away from zero', () => {
  const r = applyCampaign(campaign(), ord, '2026-03-15');
  assert.deepEqual(r, { valid: true, price: nok(22500), regularPrice: nok(45000) });
  // 33.3333 % off 1.01 = 0.673333… → 0.67; 45 % off 0.05 = 0.0275 → 0.03
  const odd = applyCampaign(campaign({ percent: '33.3333' }), { ...ord, price: nok(101) }, '2026-03-15');
  assert.equal(odd.valid && odd.price.minor, 67n);
  const half = applyCampaign(campaign({ percent: '45' }), { ...ord, price: nok(5) }, '2026-03-15');
  assert.equal(half.valid && half.price.minor, 3n);
});

test('a fixed-price campaign gives its price; the window, use limit, type list and archive are honoured', () => {
  const fixed = campaign({ kind: 'fixed_price', percent: null, amount: nok(10000) });
  assert.deepEqual(applyCampaign(fixed, ord, '2026-03-01'), { valid: true, price: nok(10000), regularPrice: nok(45000) });
  assert.equal(applyCampaign(fixed, ord, '2026-03-31').valid, true, 'the last day is inclusive');
  assert.match((applyCampaign(fixed, ord, '2026-02-28') as { reason: string }).reason, /valid from 2026-03-01/);
  assert.match((applyCampaign(fixed, ord, '2026-04-01') as { reason: string }).reason, /expired on 2026-03-31/);
  assert.match((applyCampaign(campaign({ uses: 10 }), ord, '2026-03-15') as { reason: string }).reason, /used the most times allowed \(10\)/);
  assert.equal(applyCampaign(campaign({ maxUses: null, uses: 1000 }), ord, '2026-03-15').valid, true);
  assert.match((applyCampaign(campaign({ appliesTo: ['t2'] }), ord, '2026-03-15') as { reason: string }).reason, /does not apply to membership type ORD/);
  assert.match((applyCampaign(campaign({ archived: true }), ord, '2026-03-15') as { reason: string }).reason, /no longer in use/);
  assert.match((applyCampaign(campaign(), { ...ord, price: null }, '2026-03-15') as { reason: string }).reason, /has no price/);
});

test('campaign fields: kind needs its value, dates in order, limit not below the uses', () => {
  const base = { kind: 'percent' as const, percent: '10', amount: null, validFrom: '2026-01-01', validTo: '2026-12-31', maxUses: null, uses: 0 };
  assert.doesNotThrow(() => assertCampaignFields(base));
  assert.throws(() => assertCampaignFields({ ...base, percent: null }), /needs the percent off/);
  assert.throws(() => assertCampaignFields({ ...base, kind: 'fixed_price', percent: null }), /needs the first-period price/);
  assert.throws(() => assertCampaignFields({ ...base, validTo: '2025-12-31' }), /before the first/);
  assert.throws(() => assertCampaignFields({ ...base, maxUses: 3, uses: 5 }), /used 5 times already/);
  assert.throws(() => assertCampaignFields({ ...base, kind: 'fixed_price', percent: null, amount: nok(-1) }), /cannot be negative/);
});

test('account type rules: attribute codes, decimal quantities, periods per term', async () => {
  const { normalizeAttributeCode, normalizeQuantity, assertTermPeriods, normalizeAccountTypeCode } = await import('./catalog.ts');
  assert.equal(normalizeAttributeCode(' Disk_MB '), 'disk_mb');
  assert.throws(() => normalizeAttributeCode('disk-mb'), /letters, digits and _/);
  assert.throws(() => normalizeAttributeCode('_x'), /starting with a letter/);
  assert.equal(normalizeQuantity('0', 'included', 'Q'), '0');
  assert.equal(normalizeQuantity('001024', 'included', 'Q'), '1024');
  assert.equal(normalizeQuantity('2,500', 'included', 'Q'), '2.5');
  assert.throws(() => normalizeQuantity('-1', 'included', 'The included quantity'), /The included quantity must be a number of at least 0/);
  assert.throws(() => normalizeQuantity('1.0000001', 'included', 'Q'), /at most 6 decimals/);
  assert.equal(assertTermPeriods(12), 12);
  assert.throws(() => assertTermPeriods(0), /from 1 to 120/);
  assert.throws(() => assertTermPeriods(1.5), /whole number/);
  assert.equal(normalizeAccountTypeCode('web-s'), 'WEB-S');
});
