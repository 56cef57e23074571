import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalRate, invoiceTotals, isVatRate, lineVat, vatByRate } from './vat.ts';

test('lineVat rounds net × rate / 100 half away from zero, per line', () => {
  assert.equal(lineVat(45000n, '25'), 11250n);
  assert.equal(lineVat(45000n, '0'), 0n);
  assert.equal(lineVat(1n, '50'), 1n); // 0.5 → 1
  assert.equal(lineVat(-1n, '50'), -1n); // −0.5 → −1: a credit reverses exactly
  assert.equal(lineVat(999n, '12.5'), 125n); // 124.875 → 125
  assert.equal(lineVat(-999n, '12.5'), -125n);
  assert.equal(lineVat(100n, '15.0001'), 15n);
  assert.throws(() => lineVat(100n, '101'), /percent from 0 to 100/);
  assert.throws(() => lineVat(100n, '25%'), /percent from 0 to 100/);
});

test('property: lineVat(−n) = −lineVat(n), so a credit note line reverses exactly the VAT of the line', () => {
  for (const rate of ['25', '15', '12.5', '11.11', '6', '0']) {
    for (let n = 0n; n < 2000n; n += 7n) assert.equal(lineVat(-n, rate), -lineVat(n, rate));
  }
});

test('totals by rate: canonical rates, highest first; invoice totals sum the lines', () => {
  const lines = [
    { netMinor: 45000n, vatRate: '25', vatMinor: 11250n },
    { netMinor: 10000n, vatRate: '0', vatMinor: 0n },
    { netMinor: 999n, vatRate: '12.50', vatMinor: 125n },
    { netMinor: 1000n, vatRate: '25.0', vatMinor: 250n },
  ];
  assert.deepEqual(vatByRate(lines), [
    { rate: '25', netMinor: 46000n, vatMinor: 11500n },
    { rate: '12.5', netMinor: 999n, vatMinor: 125n },
    { rate: '0', netMinor: 10000n, vatMinor: 0n },
  ]);
  assert.deepEqual(invoiceTotals(lines), { netMinor: 56999n, vatMinor: 11625n, totalMinor: 68624n });
  assert.equal(canonicalRate('012.50'), '12.5');
  assert.ok(isVatRate('100'));
  assert.ok(!isVatRate('100.01'));
});
