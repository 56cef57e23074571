import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDate } from '../../kernel/dates.ts';
import { money, parseMoney } from '../../kernel/money.ts';
import { AppError } from '../../kernel/app-error.ts';
import { duePeriods, dueUsagePeriods, firstPeriodStart, type BillingFacts } from './schedule.ts';
import { computeCharges, excessQuantity, groupByPayer, priceInForce, type DraftLine, type UsageAttribute } from './charges.ts';

const d = parseDate;
const nok = (text: string) => parseMoney(text, 'NOK');

const facts = (over: Partial<BillingFacts> = {}): BillingFacts => ({
  subscriptionId: 'sub-a',
  startDate: d('2026-01-31'),
  anchorDay: 31,
  frequency: 'month',
  termPeriods: 1,
  feeMode: 'advance',
  endDate: null,
  disconnectDate: null,
  trialDays: 0,
  convertsTo: null,
  autoRenew: false,
  lastBilledPeriodStart: null,
  lastUsagePeriodStart: null,
  ...over,
});

const base = {
  subscriptionId: 'sub-a',
  payerId: 'payer-1',
  currency: 'NOK',
  description: 'Hosting',
  vatRate: '25',
  glAccount: '3000',
};

test('excess quantity is exact and never negative', () => {
  assert.equal(excessQuantity('1500', '1000'), '500');
  assert.equal(excessQuantity('999', '1000'), '0');
  assert.equal(excessQuantity('1000', '1000'), '0');
  assert.equal(excessQuantity('1.25', '1'), '0.25');
  assert.equal(excessQuantity('10', '2.5'), '7.5');
  assert.equal(excessQuantity('0.1', '0.05'), '0.05');
});

test('price in force: the latest change effective on or before the period start', () => {
  const changes = [
    { effectiveFrom: d('2026-01-01'), price: nok('100') },
    { effectiveFrom: d('2026-04-01'), price: nok('120') },
  ];
  assert.deepEqual(priceInForce(changes, d('2026-03-31')), nok('100'));
  assert.deepEqual(priceInForce(changes, d('2026-04-01')), nok('120'));
  assert.throws(() => priceInForce(changes, d('2025-12-31')), AppError);
});

test('fee lines use the price in force for each period; a price change applies from its date', () => {
  const fees = duePeriods(facts(), d('2026-05-31'));
  const changes = [
    { effectiveFrom: d('2026-01-01'), price: nok('100') },
    { effectiveFrom: d('2026-04-01'), price: nok('120') },
  ];
  const lines = computeCharges({ ...base, fees, price: (start) => priceInForce(changes, start), quantity: '2' });
  assert.deepEqual(
    lines.map((l) => [l.key, l.unitPrice.minor, l.amount.minor, l.quantity]),
    [
      ['sub-a:2026-01-31', 10000n, 20000n, '2'],
      ['sub-a:2026-02-28', 10000n, 20000n, '2'],
      ['sub-a:2026-03-31', 10000n, 20000n, '2'],
      ['sub-a:2026-04-30', 12000n, 24000n, '2'],
      ['sub-a:2026-05-31', 12000n, 24000n, '2'],
    ],
  );
  assert.ok(lines.every((l) => l.source === 'fee' && l.vatRate === '25' && l.glAccount === '3000'));
});

test('a price map keyed by period start; a missing period is refused', () => {
  const fees = duePeriods(facts(), d('2026-02-28'));
  const price = new Map([['2026-01-31', nok('50')], ['2026-02-28', nok('55')]]);
  assert.deepEqual(computeCharges({ ...base, fees, price }).map((l) => l.amount.minor), [5000n, 5500n]);
  assert.throws(() => computeCharges({ ...base, fees, price: new Map([['2026-01-31', nok('50')]]) }), AppError);
});

test('a campaign price for the first period, then the ordinary price', () => {
  const f = facts({ startDate: d('2026-01-10'), anchorDay: 10, frequency: 'year' });
  const fees = duePeriods(f, d('2028-01-10'));
  const lines = computeCharges({
    ...base,
    fees,
    price: () => nok('400'),
    campaign: { firstPeriodStart: firstPeriodStart(f), price: nok('199'), code: 'WELCOME' },
  });
  assert.deepEqual(lines.map((l) => l.amount.minor), [19900n, 40000n, 40000n]);
  assert.equal(lines[0]!.description, 'Hosting (WELCOME)');
  // A rerun that starts after the first period never sees the campaign price.
  const later = computeCharges({
    ...base,
    fees: duePeriods({ ...f, lastBilledPeriodStart: d('2026-01-10') }, d('2028-01-10')),
    price: () => nok('400'),
    campaign: { firstPeriodStart: firstPeriodStart(f), price: nok('199'), code: 'WELCOME' },
  });
  assert.deepEqual(later.map((l) => l.amount.minor), [40000n, 40000n]);
});

test('overage at period end: max(0, used − included) × rate, rounded half away from zero', () => {
  const usagePeriods = dueUsagePeriods(facts(), d('2026-04-30'));
  const used = new Map([['2026-01-31', '1500'], ['2026-02-28', '900'], ['2026-03-31', '1001']]);
  const traffic: UsageAttribute = {
    code: 'traffic_mb',
    description: 'Extra traffic (MB)',
    included: '1000',
    rate: nok('0.05'),
    vatRate: '25',
    glAccount: '3100',
    used: (start) => used.get(start.toString()) ?? '0',
  };
  const halfOre: UsageAttribute = {
    ...traffic,
    code: 'disk_gb',
    description: 'Extra disk (GB)',
    included: '10',
    rate: money(5n, 'NOK'), // 0.05 NOK per GB
    used: () => '10.5', // 0.5 GB × 5 øre = 2.5 øre → 3 øre
  };
  const lines = computeCharges({ ...base, fees: [], price: () => nok('0'), usagePeriods, attributes: [traffic, halfOre] });
  assert.deepEqual(
    lines.map((l) => [l.key, l.quantity, l.amount.minor]),
    [
      ['sub-a:2026-01-31:usage:traffic_mb', '500', 2500n],
      ['sub-a:2026-01-31:usage:disk_gb', '0.5', 3n],
      ['sub-a:2026-02-28:usage:disk_gb', '0.5', 3n],
      ['sub-a:2026-03-31:usage:traffic_mb', '1', 5n],
      ['sub-a:2026-03-31:usage:disk_gb', '0.5', 3n],
    ],
  );
  assert.ok(lines.every((l) => l.source === 'usage'));
  assert.equal(lines[0]!.glAccount, '3100');
});

test('currencies must match; fee items and usage items are not interchangeable', () => {
  const fees = duePeriods(facts(), d('2026-01-31'));
  assert.throws(() => computeCharges({ ...base, fees, price: () => parseMoney('1', 'EUR') }), AppError);
  assert.throws(
    () => computeCharges({ ...base, fees: dueUsagePeriods(facts(), d('2026-03-01')), price: () => nok('1') }),
    AppError,
  );
});

test('groupByPayer: one draft invoice per payer, lines in period order, totals by VAT rate', () => {
  const a = computeCharges({ ...base, fees: duePeriods(facts(), d('2026-02-28')), price: () => nok('100') });
  const b = computeCharges({
    ...base,
    subscriptionId: 'sub-b',
    description: 'Membership',
    vatRate: '0',
    fees: duePeriods(facts({ subscriptionId: 'sub-b', startDate: d('2026-01-01'), anchorDay: 1, frequency: 'year' }), d('2026-02-28')),
    price: () => nok('400'),
  });
  const c = computeCharges({
    ...base,
    subscriptionId: 'sub-c',
    payerId: 'payer-0',
    fees: duePeriods(facts({ subscriptionId: 'sub-c' }), d('2026-01-31')),
    price: () => nok('10.50'),
  });
  const invoices = groupByPayer([...a, ...c, ...b]);
  assert.deepEqual(invoices.map((i) => i.payerId), ['payer-0', 'payer-1']);
  const p1 = invoices[1]!;
  assert.deepEqual(p1.lines.map((l) => l.key), ['sub-b:2026-01-01', 'sub-a:2026-01-31', 'sub-a:2026-02-28']);
  assert.equal(p1.total.minor, 60000n);
  assert.deepEqual(p1.byVatRate.map((v) => [v.vatRate, v.net.minor]), [['0', 40000n], ['25', 20000n]]);
  assert.equal(invoices[0]!.total.minor, 1050n);
  assert.deepEqual(groupByPayer([]), []);
});

test('groupByPayer refuses the same charge twice and mixed currencies', () => {
  const a = computeCharges({ ...base, fees: duePeriods(facts(), d('2026-01-31')), price: () => nok('100') });
  assert.throws(() => groupByPayer([...a, ...a]), AppError);
  const eur: DraftLine = { ...a[0]!, key: 'x', amount: parseMoney('1', 'EUR'), unitPrice: parseMoney('1', 'EUR') };
  assert.throws(() => groupByPayer([...a, eur]), AppError);
});
