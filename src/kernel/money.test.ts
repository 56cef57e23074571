import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, currencyDigits, formatMoney, money, multiply, parseMoney, subtract, sum, toDecimalString } from './money.ts';
import { AppError } from './app-error.ts';

test('parses major-unit text exactly into minor units', () => {
  assert.equal(parseMoney('1234.50', 'NOK').minor, 123450n);
  assert.equal(parseMoney('1234,5', 'NOK').minor, 123450n);
  assert.equal(parseMoney('-0.01', 'EUR').minor, -1n);
  assert.equal(parseMoney('1 000', 'NOK').minor, 100000n);
  assert.equal(parseMoney('500', 'JPY').minor, 500n);
  assert.equal(parseMoney('1.234', 'KWD').minor, 1234n);
});

test('refuses text that is not an amount, or has more decimals than the currency', () => {
  assert.throws(() => parseMoney('12.345', 'NOK'), (e: unknown) => e instanceof AppError && e.code === 'validation' && /at most 2 decimals/.test(e.message));
  assert.throws(() => parseMoney('1e5', 'NOK'), AppError);
  assert.throws(() => parseMoney('abc', 'NOK'), AppError);
  assert.throws(() => parseMoney('1.5', 'JPY'), AppError);
  assert.throws(() => money(1n, 'XYZ1'), AppError);
});

test('adds and subtracts only within one currency, without floating point error', () => {
  const a = parseMoney('0.10', 'NOK');
  const b = parseMoney('0.20', 'NOK');
  assert.equal(toDecimalString(add(a, b)), '0.30');
  assert.equal(toDecimalString(subtract(a, b)), '-0.10');
  assert.equal(sum([a, b, b], 'NOK').minor, 50n);
  assert.throws(() => add(a, parseMoney('1', 'EUR')), /Cannot combine NOK with EUR/);
});

test('multiplies by a decimal factor rounding half away from zero', () => {
  assert.equal(multiply(money(1000n, 'NOK'), '0.25').minor, 250n);
  assert.equal(multiply(money(5n, 'NOK'), '0.5').minor, 3n);
  assert.equal(multiply(money(-5n, 'NOK'), '0.5').minor, -3n);
  assert.equal(multiply(money(333n, 'NOK'), '3').minor, 999n);
});

test('formats by locale: nb-NO uses a space group and comma decimal', () => {
  const m = money(123450n, 'NOK');
  const nb = formatMoney(m, 'nb-NO').replace(/[\u00a0\u202f]/g, ' ');
  assert.equal(nb, '1 234,50 kr');
  assert.equal(formatMoney(m, 'en-US').replace(/\u00a0/g, ' '), 'NOK 1,234.50');
  assert.equal(formatMoney(money(-199n, 'EUR'), 'en-IE'), '-€1.99');
  assert.equal(currencyDigits('JPY'), 0);
});

test('formats amounts beyond the float range exactly', () => {
  const big = money(123456789012345678901n, 'NOK');
  assert.equal(toDecimalString(big), '1234567890123456789.01');
  assert.equal(formatMoney(big, 'en-US').replace(/\u00a0/g, ' '), 'NOK 1,234,567,890,123,456,789.01');
});
