import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addQuantities, excessQuantity, formatDec, parseDec, trimDecimal } from './decimal.ts';

test('exact decimal quantities add and subtract without drift', () => {
  assert.equal(addQuantities('0.1', '0.2'), '0.3');
  assert.equal(addQuantities('1.50', '1'), '2.50');
  assert.equal(addQuantities('0', '0.000001'), '0.000001');
  assert.equal(excessQuantity('10', '2.5'), '7.5');
  assert.equal(excessQuantity('1', '2'), '0');
  assert.deepEqual(parseDec('-1.25'), { units: -125n, scale: 2 });
  assert.equal(formatDec({ units: -5n, scale: 3 }), '-0.005');
  assert.throws(() => parseDec('1,5'), /"1,5" is not a decimal number\./);
});

test('trimDecimal drops trailing fraction zeros only', () => {
  assert.equal(trimDecimal('2.500'), '2.5');
  assert.equal(trimDecimal('3.000'), '3');
  assert.equal(trimDecimal('10'), '10');
  assert.equal(trimDecimal('0'), '0');
});
