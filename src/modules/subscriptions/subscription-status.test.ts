import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertTransition, BILLED_STATUSES, canTransition, isBilledStatus, STATUS_TRANSITIONS, SUBSCRIPTION_STATUSES, type SubscriptionStatus } from './subscription-status.ts';

test('the transition table: pending → trial → active ⇄ grace → suspended → ended; ended is final', () => {
  assert.ok(canTransition('pending', 'trial'));
  assert.ok(canTransition('trial', 'active'));
  assert.ok(canTransition('active', 'grace'));
  assert.ok(canTransition('grace', 'active'));
  assert.ok(canTransition('grace', 'suspended'));
  assert.ok(canTransition('suspended', 'active'));
  for (const s of SUBSCRIPTION_STATUSES) if (s !== 'ended') assert.ok(canTransition(s, 'ended'), `${s} → ended`);
  assert.deepEqual(STATUS_TRANSITIONS.ended, []);
  assert.ok(!canTransition('active', 'trial'));
  assert.ok(!canTransition('active', 'pending'));
  assert.throws(() => assertTransition('ended', 'active'), /ended subscription cannot change status/);
  assert.throws(() => assertTransition('active', 'trial'), /cannot become trial; it can become grace, suspended, ended/);
  assert.throws(() => assertTransition('active', 'active'), /already active/);
});

test('billed statuses are active, grace and suspended', () => {
  assert.deepEqual([...BILLED_STATUSES], ['active', 'grace', 'suspended']);
  assert.deepEqual(SUBSCRIPTION_STATUSES.filter(isBilledStatus), ['active', 'grace', 'suspended']);
});

test('property: every table entry names real statuses and no status moves to itself', () => {
  for (const [from, tos] of Object.entries(STATUS_TRANSITIONS)) {
    assert.ok((SUBSCRIPTION_STATUSES as readonly string[]).includes(from));
    for (const to of tos) {
      assert.ok(SUBSCRIPTION_STATUSES.includes(to));
      assert.notEqual(to, from);
    }
  }
});

// fast-check is not installed in this tree: every sequence up to length 5 exhaustively, then
// seeded random sequences of length 40.
const walk = (start: SubscriptionStatus, attempts: readonly SubscriptionStatus[]): boolean => {
  let current = start;
  let ended = current === 'ended';
  for (const to of attempts) {
    let accepted = true;
    try {
      assertTransition(current, to);
    } catch {
      accepted = false;
    }
    if (ended && accepted) return false;
    if (accepted) {
      if (!STATUS_TRANSITIONS[current].includes(to)) return false;
      current = to;
    }
    if (current === 'ended') ended = true;
  }
  return !ended || current === 'ended';
};

test('property: no sequence of attempted transitions ever leaves ended, and every accepted step is in the table', () => {
  const all = SUBSCRIPTION_STATUSES;
  const sequences = (n: number): SubscriptionStatus[][] => (n === 0 ? [[]] : sequences(n - 1).flatMap((s) => all.map((x) => [...s, x])));
  for (let n = 0; n <= 5; n++) for (const seq of sequences(n)) for (const start of all) assert.ok(walk(start, seq), `${start} → ${seq.join(' → ')}`);
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed);
  for (let i = 0; i < 2000; i++) {
    const seq = Array.from({ length: 40 }, () => all[rnd() % all.length]!);
    const start = all[rnd() % all.length]!;
    assert.ok(walk(start, seq), `${start} → ${seq.join(' → ')}`);
  }
});

test('property: ended is reachable from every status', () => {
  const reachable = (from: SubscriptionStatus, seen = new Set<SubscriptionStatus>()): Set<SubscriptionStatus> => {
    for (const to of STATUS_TRANSITIONS[from]) if (!seen.has(to)) (seen.add(to), reachable(to, seen));
    return seen;
  };
  for (const s of SUBSCRIPTION_STATUSES) if (s !== 'ended') assert.ok(reachable(s).has('ended'), s);
});
