import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSettingValue, type SettingType, type TypeRules } from './setting-types.ts';
import { SETTING_DEFINITIONS } from './definitions.ts';

const rules = (extra: Partial<TypeRules> = {}): TypeRules => ({ label: 'Field', ...extra });
const ok = (type: SettingType, raw: unknown, expected: unknown, extra?: Partial<TypeRules>) =>
  assert.deepEqual(parseSettingValue(type, raw, rules(extra)), expected, `${type} ${JSON.stringify(raw)}`);
const bad = (type: SettingType, raw: unknown, message: RegExp, extra?: Partial<TypeRules>) =>
  assert.throws(() => parseSettingValue(type, raw, rules(extra)), (e: Error & { code?: string }) => e.code === 'validation' && message.test(e.message), `${type} ${JSON.stringify(raw)}`);

const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const dataUrl = (mime: string, bytes: Buffer) => `data:${mime};base64,${bytes.toString('base64')}`;

test('string: one trimmed line, required unless optional', () => {
  ok('string', '  Oslo Roklubb ', 'Oslo Roklubb');
  ok('string', '', '', { optional: true });
  bad('string', '', /Field cannot be empty/);
  bad('string', 'two\nlines', /one line of text/);
  bad('string', 'x'.repeat(201), /201 characters long; the most is 200/);
  bad('string', { a: 1 }, /give the value as text/);
});

test('text: several lines kept, control characters refused', () => {
  ok('text', 'Storgata 1\r\n0155 Oslo\n\n', 'Storgata 1\n0155 Oslo');
  bad('text', 'bell\u0007', /control characters/);
});

test('integer: whole numbers within the range', () => {
  ok('integer', '30', 30);
  ok('integer', 7, 7);
  bad('integer', '12.5', /must be a whole number, such as 14; got "12.5"/);
  bad('integer', 'ten', /whole number/);
  bad('integer', '400', /at most 365; got 400/, { max: 365, min: 0 });
  bad('integer', '-1', /at least 0/, { min: 0 });
});

test('decimal: exact decimal string, comma accepted, range checked', () => {
  ok('decimal', '25', '25');
  ok('decimal', '12,50', '12.5');
  ok('decimal', 15, '15');
  ok('decimal', '007.000', '7');
  bad('decimal', '101', /at most 100; got 101/, { min: 0, max: 100 });
  bad('decimal', '-0.5', /at least 0/, { min: 0, max: 100 });
  bad('decimal', '1e3', /must be a number such as 12.5/);
});

test('money: in the organization currency, its decimals, not negative', () => {
  ok('money', '100', '100.00', { currency: 'NOK' });
  ok('money', '1 234,5', '1234.50', { currency: 'NOK' });
  ok('money', '500', '500', { currency: 'JPY' });
  bad('money', '100.5', /JPY amounts have at most 0 decimals/, { currency: 'JPY' });
  bad('money', '12.345', /NOK amounts have at most 2 decimals/, { currency: 'NOK' });
  bad('money', 'lots', /is not an amount/, { currency: 'NOK' });
  bad('money', '-5', /cannot be negative/, { currency: 'NOK' });
});

test('G/L account: NNNNN-NNNN', () => {
  ok('gl_account', ' 51001-1006 ', '51001-1006');
  bad('gl_account', '5100-1006', /G\/L account must look like 51001-1006/);
  bad('gl_account', '51001', /G\/L account must look like 51001-1006/);
});

test('list: one of the options', () => {
  ok('list', 'nb', 'nb', { options: ['en', 'nb'] });
  bad('list', 'de', /must be one of: en, nb; got "de"/, { options: ['en', 'nb'] });
});

test('boolean: true/false, yes/no, 1/0', () => {
  ok('boolean', true, true);
  ok('boolean', 'yes', true);
  ok('boolean', 'OFF', false);
  ok('boolean', '0', false);
  bad('boolean', 'maybe', /must be yes or no/);
});

test('e-mail: an address, or empty when optional', () => {
  ok('email', ' billing@klubb.no ', 'billing@klubb.no');
  ok('email', '', '', { optional: true });
  bad('email', 'billing@', /must be an e-mail address such as billing@example.org/);
  bad('email', 'a b@c.no', /e-mail address/);
  bad('email', '', /cannot be empty/);
});

test('time zone: IANA names, normalized', () => {
  ok('time_zone', 'Europe/Oslo', 'Europe/Oslo');
  ok('time_zone', 'europe/oslo', 'Europe/Oslo');
  ok('time_zone', 'UTC', 'UTC');
  bad('time_zone', 'Mars/Olympus', /is not a time zone. Use a name from the IANA list, such as Europe\/Oslo/);
  bad('time_zone', '+01:00', /is not a time zone/);
});

test('locale: language tags, canonicalized', () => {
  ok('locale', 'nb-NO', 'nb-NO');
  ok('locale', 'en_gb', 'en-GB');
  bad('locale', 'norsk!', /is not a locale. Use a language tag such as nb-NO or en-GB/);
});

test('currency: ISO 4217 codes', () => {
  ok('currency', 'NOK', 'NOK');
  ok('currency', 'eur', 'EUR');
  bad('currency', 'XYZ', /not an ISO 4217 currency code/);
  bad('currency', 'kroner', /not an ISO 4217 currency code/);
});

test('image: PNG/JPEG/SVG data URL whose bytes match, at most 512 KB', () => {
  ok('image', dataUrl('image/png', png), dataUrl('image/png', png));
  ok('image', dataUrl('image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2])), dataUrl('image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2])));
  const svg = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>');
  ok('image', dataUrl('image/svg+xml', svg), dataUrl('image/svg+xml', svg));
  ok('image', null, null);
  bad('image', 'https://example.org/logo.png', /must be a PNG, JPEG or SVG image given as a data: URL/);
  bad('image', dataUrl('image/gif', Buffer.from('GIF89a')), /PNG, JPEG or SVG/);
  bad('image', dataUrl('image/png', Buffer.from('not a png')), /not a valid PNG image/);
  bad('image', dataUrl('image/png', Buffer.concat([png, Buffer.alloc(600 * 1024)])), /the most is 512 KB/);
});

test('every default in the registry is a valid value of its own type', () => {
  for (const def of SETTING_DEFINITIONS) {
    if (def.default === null) continue;
    const d = def as { min?: number; max?: number; options?: readonly string[]; optional?: boolean };
    const parsed = parseSettingValue(def.type, def.default, { label: def.label, optional: d.optional, options: d.options, min: d.min, max: d.max, currency: 'NOK' });
    assert.deepEqual(parsed, def.default, def.key);
  }
  const keys = SETTING_DEFINITIONS.map((d) => d.key);
  assert.equal(new Set(keys).size, keys.length, 'keys are unique');
});
