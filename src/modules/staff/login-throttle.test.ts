import { test } from 'node:test';
import assert from 'node:assert/strict';
import { afterFailure, lockedFor, throttledMessage, type ThrottleRule, type ThrottleState } from './login-throttle.ts';

const rule: ThrottleRule = { maxFailures: 3, windowMs: 10 * 60_000, lockMs: 15 * 60_000 };
const at = (min: number) => new Date(Date.UTC(2026, 0, 15, 10, min));

test('failures within the window lock the key when they reach the limit', () => {
  let s: ThrottleState | null = null;
  s = afterFailure(s, at(0), rule);
  s = afterFailure(s, at(1), rule);
  assert.equal(lockedFor(s, at(1)), 0);
  s = afterFailure(s, at(2), rule);
  assert.equal(lockedFor(s, at(2)), 15 * 60_000);
  assert.equal(lockedFor(s, at(17)), 0, 'the lock ends');
});

test('a failure after the window has passed starts counting again', () => {
  let s: ThrottleState | null = afterFailure(null, at(0), rule);
  s = afterFailure(s, at(1), rule);
  s = afterFailure(s, at(11), rule);
  assert.equal(s.failures, 1);
  assert.equal(lockedFor(s, at(11)), 0);
});

test('the message says how many minutes to wait', () => {
  assert.equal(throttledMessage(15 * 60_000), 'Too many failed sign-in attempts. Try again in 15 minutes.');
  assert.equal(throttledMessage(30_000), 'Too many failed sign-in attempts. Try again in 1 minute.');
});
