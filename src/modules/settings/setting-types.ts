import { validation } from '../../kernel/app-error.ts';
import { isCurrencyCode, parseMoney, toDecimalString } from '../../kernel/money.ts';
import { isLocale, isTimeZone } from '../../kernel/dates.ts';

/**
 * The data types of a setting (seed 004 §4.1.2: "sysinfo"). Each has one pure parser that
 * accepts what a person types (a form field, a CLI argument) or a JSON value, and returns the
 * normalized value that is stored — or throws a validation error that says how to fix it.
 */
export const SETTING_TYPES = [
  'string',
  'integer',
  'decimal',
  'money',
  'gl_account',
  'text',
  'list',
  'boolean',
  'email',
  'time_zone',
  'locale',
  'currency',
  'image',
] as const;
export type SettingType = (typeof SETTING_TYPES)[number];

/** The stored (and returned) value of each type. Decimals and money stay strings: exact, no floats. */
export interface SettingValueOf {
  string: string;
  integer: number;
  decimal: string;
  money: string;
  gl_account: string;
  text: string;
  list: string;
  boolean: boolean;
  email: string;
  time_zone: string;
  locale: string;
  currency: string;
  /** A `data:` URL, or null when there is none. */
  image: string | null;
}

/** What a parser needs to know about the setting besides the raw value. */
export interface TypeRules {
  label: string;
  /** Empty text is allowed (for strings, e-mails: "not set"). */
  optional?: boolean;
  options?: readonly string[];
  min?: number;
  max?: number;
  /** The organization's currency, for money. */
  currency?: string;
}

const MAX_STRING = 200;
const MAX_TEXT = 4000;
/** A logo is shown on every page and printed on invoices; half a megabyte is plenty. */
export const MAX_IMAGE_BYTES = 512 * 1024;

const asText = (raw: unknown, r: TypeRules): string => {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw === 'boolean') return String(raw);
  throw validation(`${r.label}: give the value as text.`);
};

const required = (text: string, r: TypeRules, example: string): string | null => {
  if (text !== '') return text;
  if (r.optional) return null;
  throw validation(`${r.label} cannot be empty. Enter a value such as ${example}.`);
};

// Tabs and newlines are allowed where the type allows them; other control characters never.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const parseString = (raw: unknown, r: TypeRules): string => {
  const text = asText(raw, r).trim();
  if (/[\r\n\t]/.test(text) || CONTROL.test(text)) throw validation(`${r.label} must be one line of text (no line breaks or control characters).`);
  if (text.length > MAX_STRING) throw validation(`${r.label} is ${text.length} characters long; the most is ${MAX_STRING}.`);
  if (text === '' && !r.optional) throw validation(`${r.label} cannot be empty.`);
  return text;
};

const parseText = (raw: unknown, r: TypeRules): string => {
  const text = asText(raw, r).replace(/\r\n?/g, '\n').replace(/\s+$/, '').replace(/^\n+/, '');
  if (CONTROL.test(text)) throw validation(`${r.label} contains control characters; remove them.`);
  if (text.length > MAX_TEXT) throw validation(`${r.label} is ${text.length} characters long; the most is ${MAX_TEXT}.`);
  if (text === '' && !r.optional) throw validation(`${r.label} cannot be empty.`);
  return text;
};

const checkRange = (n: number, shown: string, r: TypeRules): void => {
  if (r.min !== undefined && n < r.min) throw validation(`${r.label} must be at least ${r.min}; got ${shown}.`);
  if (r.max !== undefined && n > r.max) throw validation(`${r.label} must be at most ${r.max}; got ${shown}.`);
};

const parseInteger = (raw: unknown, r: TypeRules): number => {
  const text = asText(raw, r).trim();
  if (!/^[-+]?\d+$/.test(text)) throw validation(`${r.label} must be a whole number, such as 14; got "${text}".`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw validation(`${r.label} is too large.`);
  checkRange(n, text, r);
  return n;
};

const parseDecimal = (raw: unknown, r: TypeRules): string => {
  const text = asText(raw, r).trim().replace(',', '.');
  const m = /^([-+]?)(\d{1,15})(?:\.(\d{1,6}))?$/.exec(text);
  if (!m) throw validation(`${r.label} must be a number such as 12.5 (at most 6 decimals); got "${asText(raw, r).trim()}".`);
  const frac = (m[3] ?? '').replace(/0+$/, '');
  const whole = (m[2] ?? '0').replace(/^0+(?=\d)/, '');
  const normalized = `${m[1] === '-' && (whole !== '0' || frac) ? '-' : ''}${whole}${frac ? '.' + frac : ''}`;
  // Range limits are small numbers (0–100); comparing as a float is exact enough for them.
  checkRange(Number(normalized), normalized, r);
  return normalized;
};

const parseMoneySetting = (raw: unknown, r: TypeRules): string => {
  const currency = r.currency ?? 'NOK';
  const text = asText(raw, r).trim();
  let amount;
  try {
    amount = parseMoney(text, currency);
  } catch (e) {
    throw validation(`${r.label}: ${(e as Error).message}`);
  }
  if (amount.minor < 0n) throw validation(`${r.label} cannot be negative.`);
  return toDecimalString(amount);
};

const GL_ACCOUNT = /^\d{5}-\d{4}$/;
const parseGlAccount = (raw: unknown, r: TypeRules): string => {
  const text = asText(raw, r).trim();
  if (!GL_ACCOUNT.test(text)) {
    throw validation(`${r.label}: a G/L account must look like 51001-1006 (five digits, a dash, four digits); got "${text}".`);
  }
  return text;
};

const parseList = (raw: unknown, r: TypeRules): string => {
  const text = asText(raw, r).trim();
  const options = r.options ?? [];
  if (!options.includes(text)) throw validation(`${r.label} must be one of: ${options.join(', ')}; got "${text}".`);
  return text;
};

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);
const parseBoolean = (raw: unknown, r: TypeRules): boolean => {
  if (typeof raw === 'boolean') return raw;
  const text = asText(raw, r).trim().toLowerCase();
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  throw validation(`${r.label} must be yes or no (true or false); got "${text}".`);
};

// Deliberately simple: one @, a dot in the domain, no spaces. Deliverability is proven by sending.
const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;
const parseEmail = (raw: unknown, r: TypeRules): string => {
  const text = required(asText(raw, r).trim(), r, 'billing@example.org');
  if (text === null) return '';
  if (text.length > 254 || !EMAIL.test(text)) throw validation(`${r.label} must be an e-mail address such as billing@example.org; got "${text}".`);
  return text;
};

const parseTimeZone = (raw: unknown, r: TypeRules): string => {
  const text = asText(raw, r).trim();
  // Offsets such as "+01:00" are accepted by Intl but ignore daylight saving; ask for a named zone.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(text) || !isTimeZone(text)) {
    throw validation(`${r.label}: "${text}" is not a time zone. Use a name from the IANA list, such as Europe/Oslo.`);
  }
  return new Intl.DateTimeFormat('en', { timeZone: text }).resolvedOptions().timeZone;
};

const parseLocale = (raw: unknown, r: TypeRules): string => {
  const text = asText(raw, r).trim().replace('_', '-');
  if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(text) || !isLocale(text)) {
    throw validation(`${r.label}: "${text}" is not a locale. Use a language tag such as nb-NO or en-GB.`);
  }
  return Intl.getCanonicalLocales(text)[0] ?? text;
};

const parseCurrency = (raw: unknown, r: TypeRules): string => {
  const text = asText(raw, r).trim().toUpperCase();
  if (!isCurrencyCode(text)) throw validation(`${r.label}: "${text}" is not an ISO 4217 currency code. Use three letters such as NOK, SEK or EUR.`);
  return text;
};

const IMAGE = /^data:(image\/(?:png|jpeg|svg\+xml));base64,([A-Za-z0-9+/]*={0,2})$/;
const parseImage = (raw: unknown, r: TypeRules): string | null => {
  if (raw === null || raw === '') return null;
  if (typeof raw !== 'string') throw validation(`${r.label} must be an image given as a data: URL.`);
  const m = IMAGE.exec(raw.trim());
  const mime = m?.[1];
  if (!m || !mime) throw validation(`${r.label} must be a PNG, JPEG or SVG image given as a data: URL (data:image/png;base64,…).`);
  const bytes = Buffer.from(m[2] ?? '', 'base64');
  if (bytes.length === 0) throw validation(`${r.label}: the image is empty.`);
  if (bytes.length > MAX_IMAGE_BYTES) {
    throw validation(`${r.label}: the image is ${Math.ceil(bytes.length / 1024)} KB; the most is ${MAX_IMAGE_BYTES / 1024} KB. Use a smaller image.`);
  }
  // The declared type must match the bytes, so a browser shows what staff uploaded.
  const looksRight =
    mime === 'image/png'
      ? bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
      : mime === 'image/jpeg'
        ? bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff
        : /<svg[\s>]/i.test(bytes.subarray(0, 4096).toString('utf8'));
  if (!looksRight) throw validation(`${r.label}: the file is not a valid ${mime.replace('image/', '').replace('+xml', '').toUpperCase()} image.`);
  return `data:${mime};base64,${m[2]}`;
};

const PARSERS: { [T in SettingType]: (raw: unknown, r: TypeRules) => SettingValueOf[T] } = {
  string: parseString,
  integer: parseInteger,
  decimal: parseDecimal,
  money: parseMoneySetting,
  gl_account: parseGlAccount,
  text: parseText,
  list: parseList,
  boolean: parseBoolean,
  email: parseEmail,
  time_zone: parseTimeZone,
  locale: parseLocale,
  currency: parseCurrency,
  image: parseImage,
};

/** Validates and normalizes a raw value for a type. Pure. */
export const parseSettingValue = <T extends SettingType>(type: T, raw: unknown, rules: TypeRules): SettingValueOf[T] => {
  if (raw === undefined) throw validation(`${rules.label}: send a value.`);
  if (raw !== null && typeof raw === 'object') throw validation(`${rules.label}: give the value as text, a number or true/false.`);
  if (raw === null && type !== 'image') throw validation(`${rules.label}: send a value.`);
  return PARSERS[type](raw, rules) as SettingValueOf[T];
};
