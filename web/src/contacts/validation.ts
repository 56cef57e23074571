import type { MessageKey } from '../ui/i18n.ts';
import type { Language } from '../ui/types.ts';
import { countryName } from './shared.tsx';

/**
 * Checks made while the user types, so most mistakes are caught before saving. The server checks
 * everything again; these only exist to explain problems early, in the user's language.
 */

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export const checkEmail = (v: string): MessageKey | null => (v.trim() === '' ? null : EMAIL.test(v.trim()) ? null : 'contacts.error.email');

export const checkPhone = (v: string): MessageKey | null => {
  const s = v.trim();
  if (s === '') return null;
  if (!/^\+?[\d\s\-().]+$/.test(s)) return 'contacts.error.phoneChars';
  const digits = s.replace(/\D/g, '').length;
  return digits < 5 || digits > 15 ? 'contacts.error.phoneLength' : null;
};

export const checkCountry = (v: string, language: Language): MessageKey | null => {
  const s = v.trim();
  if (s === '') return null;
  if (!/^[A-Za-z]{2}$/.test(s)) return 'contacts.error.countryFormat';
  return countryName(language, s) ? null : 'contacts.error.countryUnknown';
};

/** Norwegian postcodes are four digits; other countries' formats vary too much to check here. */
export const checkPostcode = (v: string, country: string): MessageKey | null => {
  const s = v.trim();
  if (s === '' || (country.trim() !== '' && country.trim().toUpperCase() !== 'NO')) return null;
  return /^\d{4}$/.test(s) ? null : 'contacts.error.postcodeNo';
};

export const checkNumber = (v: string): MessageKey | null => (v.trim() === '' ? null : /^-?\d+([.,]\d+)?$/.test(v.trim()) ? null : 'contacts.error.number');

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A day typed as 2026-03-15, 15.03.2026, 15/3/2026 or 15-3-2026 (day first, as in Norway and the UK)
 * → "2026-03-15"; null when it is not a real calendar day.
 */
export const parseDay = (v: string): string | null => {
  const s = v.trim();
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (match) {
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else {
    match = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(s);
    if (!match) return null;
    [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
};

export const checkDay = (v: string): MessageKey | null => (v.trim() === '' ? null : parseDay(v) ? null : 'contacts.error.date');

/** A birth date must be a real day, not in the future, and not before 1900. */
export const checkBirthDate = (v: string, today: string): MessageKey | null => {
  if (v.trim() === '') return null;
  const day = parseDay(v);
  if (!day) return 'contacts.error.date';
  if (day > today) return 'contacts.error.birthFuture';
  if (day < '1900-01-01') return 'contacts.error.birthOld';
  return null;
};

export const todayIso = (): string => {
  const now = new Date();
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
};

/**
 * Field messages from a refusal's details, keyed like the form's fields ("email", "customFields.x").
 * Understands zod's `{ issues: [{ path, message }] }` and the modules' `{ field, … }` / `{ fields: {…} }`.
 */
export const fieldErrorsOf = (details: unknown, message?: string): Record<string, string> => {
  const out: Record<string, string> = {};
  if (!details || typeof details !== 'object') return out;
  const d = details as { issues?: unknown; field?: unknown; fields?: unknown; errors?: unknown };
  const clean = (path: string) => path.replace(/^body\./, '');
  if (Array.isArray(d.issues)) {
    for (const i of d.issues as Array<{ path?: unknown; message?: unknown }>) {
      const path = Array.isArray(i.path) ? i.path.join('.') : String(i.path ?? '');
      if (path && typeof i.message === 'string') out[clean(path)] ??= i.message;
    }
  }
  if (typeof d.field === 'string' && message && Object.keys(out).length === 0) out[clean(d.field)] = message;
  for (const bag of [d.fields, d.errors]) {
    if (bag && typeof bag === 'object' && !Array.isArray(bag)) {
      for (const [k, v] of Object.entries(bag as Record<string, unknown>)) if (typeof v === 'string') out[clean(k)] = v;
    }
  }
  return out;
};
