import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isValidKidMod10,
  isValidKidMod11,
  isValidReference,
  isValidRf,
  mod10CheckDigit,
  mod11CheckDigit,
  referenceFor,
  rfReference,
  type PaymentReferenceKind,
} from './payment-reference.ts';

// fast-check is not installed in this tree: seeded random cases (mulberry32) instead, many per property.
const mulberry32 = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

test('known check digits: Luhn, modulus 11 (with "-" for remainder 1) and ISO 11649 RF', () => {
  assert.equal(mod10CheckDigit('7992739871'), '3'); // the classic Luhn example
  assert.equal(mod11CheckDigit('12345678'), '5'); // 8·2+7·3+6·4+5·5+4·6+3·7+2·2+1·3 = 138 ≡ 6 (mod 11); 11 − 6 = 5
  assert.equal(mod11CheckDigit('0000000'), '0'); // remainder 0 → 0
  assert.equal(mod11CheckDigit('6'), '-'); // 6·2 = 12 ≡ 1 → "-"
  assert.equal(mod11CheckDigit('5'), '1'); // 10 → 11 − 10 = 1
  assert.equal(rfReference('539007547034'), 'RF18539007547034'); // the ISO 11649 example
  assert.ok(isValidRf('RF18 5390 0754 7034'));
  assert.ok(isValidRf('rf18539007547034'));
  assert.ok(!isValidRf('RF19539007547034'));
  assert.ok(isValidKidMod10('79927398713'));
  assert.ok(!isValidKidMod10('79927398710'));
  assert.ok(isValidKidMod11('123456785'));
  assert.ok(isValidKidMod11('6-'));
  assert.ok(!isValidKidMod11('6-1'));
});

test('referenceFor pads the invoice number to kidLength − 1 digits and appends the check digit', () => {
  assert.equal(referenceFor('kid_mod10', 10001, 10), '000010001' + mod10CheckDigit('000010001'));
  assert.equal(referenceFor('kid_mod10', 10001, 10)!.length, 10);
  assert.equal(referenceFor('kid_mod11', 10001, 7)!.length, 7);
  assert.equal(referenceFor('rf', 10001, 10), rfReference('10001'));
  assert.equal(referenceFor('none', 10001, 10), null);
  assert.throws(() => referenceFor('kid_mod10', 1234567890, 10), /does not fit in a KID of 10 digits.*billing\.kid_length to at least 11/);
  assert.equal(referenceFor('kid_mod10', 123456789, 10)!.length, 10);
});

const KINDS: PaymentReferenceKind[] = ['kid_mod10', 'kid_mod11', 'rf'];

test('property: every generated reference validates, and changing any single digit makes it fail', () => {
  const rnd = mulberry32(20260115);
  for (let i = 0; i < 3000; i++) {
    const kind = KINDS[i % 3]!;
    const kidLength = 5 + Math.floor(rnd() * 21);
    const maxDigits = kind === 'rf' ? 15 : Math.min(kidLength - 1, 15);
    const digits = 1 + Math.floor(rnd() * maxDigits);
    const number = BigInt(Math.floor(rnd() * 10 ** digits)) || 1n;
    const ref = referenceFor(kind, number, kidLength)!;
    assert.ok(isValidReference(kind, ref), `${kind} ${number} → ${ref} should validate`);
    if (kind !== 'rf') assert.equal(ref.length, kidLength);
    // Change one digit (a position holding a digit, past "RF" for RF) to another digit.
    const positions = [...ref].map((c, p) => (/\d/.test(c) && !(kind === 'rf' && p < 2) ? p : -1)).filter((p) => p >= 0);
    const p = positions[Math.floor(rnd() * positions.length)]!;
    const old = Number(ref[p]);
    const replacement = (old + 1 + Math.floor(rnd() * 9)) % 10;
    const changed = ref.slice(0, p) + String(replacement) + ref.slice(p + 1);
    assert.ok(!isValidReference(kind, changed), `${kind}: ${ref} with position ${p} changed to ${changed} should fail`);
  }
});

test('property: a KID with a "-" check digit stays valid and a digit there instead fails', () => {
  const rnd = mulberry32(7);
  let dashes = 0;
  for (let n = 1; n < 2000; n++) {
    const ref = referenceFor('kid_mod11', n, 8)!;
    if (ref.endsWith('-')) {
      dashes++;
      assert.ok(isValidKidMod11(ref));
      assert.ok(!isValidKidMod11(ref.slice(0, -1) + String(Math.floor(rnd() * 10))));
    }
  }
  assert.ok(dashes > 100, `about one in eleven ends in "-" (${dashes})`);
});
