import { Temporal } from 'temporal-polyfill';
import { validation } from '../../kernel/app-error.ts';

/**
 * Custom fields staff define on contacts (housing co-op section number, parking place, …): the
 * definition rules and how one value is checked and stored. Pure, no I/O.
 */
export const FIELD_TYPES = ['text', 'long_text', 'number', 'date', 'boolean', 'choice'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];
export const FIELD_VISIBILITIES = ['staff', 'member_visible', 'member_editable'] as const;
export type FieldVisibility = (typeof FIELD_VISIBILITIES)[number];
export const FIELD_APPLIES_TO = ['person', 'organization', 'both'] as const;
export type FieldAppliesTo = (typeof FIELD_APPLIES_TO)[number];

export interface CustomField {
  id: string;
  key: string;
  label: string;
  description: string;
  type: FieldType;
  /** The choices of a `choice` field, in the order shown; empty for other types. */
  options: string[];
  visibility: FieldVisibility;
  appliesTo: FieldAppliesTo;
  required: boolean;
  position: number;
  archived: boolean;
}

/** What a value looks like in the API: numbers and booleans typed, everything else text. */
export type FieldValue = string | number | boolean;

export const TEXT_MAX = 500;
export const LONG_TEXT_MAX = 10_000;
export const KEY_PATTERN = /^[a-z][a-z0-9_]{0,49}$/;

const show = (v: unknown) => (typeof v === 'string' ? `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"` : JSON.stringify(v));

/** A decimal number written with . or , (Norwegian habit), kept exactly as a canonical decimal string. */
const canonicalNumber = (raw: string): string | null => {
  const m = /^([+-]?)(\d+)(?:[.,](\d+))?$/.exec(raw.replace(/[\s\u00a0]/g, ''));
  if (!m) return null;
  const int = m[2]!.replace(/^0+(?=\d)/, '');
  const frac = (m[3] ?? '').replace(/0+$/, '');
  const sign = m[1] === '-' && (int !== '0' || frac !== '') ? '-' : '';
  return `${sign}${int}${frac ? `.${frac}` : ''}`;
};

/** YYYY-MM-DD, or DD.MM.YYYY as Norwegian spreadsheets write it; null when it is no real day. */
export const parseDay = (raw: string): string | null => {
  const s = raw.trim();
  let y: number, mo: number, d: number;
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s))) [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else return null;
  try {
    return Temporal.PlainDate.from({ year: y, month: mo, day: d }, { overflow: 'reject' }).toString();
  } catch {
    return null;
  }
};

const TRUE_WORDS = new Set(['true', 'yes', 'ja', '1', 'x', 'y', 'j']);
const FALSE_WORDS = new Set(['false', 'no', 'nei', '0', 'n']);

export type FieldCheck = { ok: true; value: string | null } | { ok: false; message: string };

/**
 * Checks one value for a field and gives its stored text (numbers as decimal strings, dates ISO,
 * booleans true/false, choices as the option's own spelling). null or "" clears the value.
 */
export const checkFieldValue = (field: Pick<CustomField, 'label' | 'type' | 'options'>, raw: unknown): FieldCheck => {
  if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '')) return { ok: true, value: null };
  const bad = (message: string): FieldCheck => ({ ok: false, message });
  switch (field.type) {
    case 'text':
    case 'long_text': {
      if (typeof raw !== 'string' && typeof raw !== 'number') return bad(`${field.label} must be text; got ${show(raw)}.`);
      const text = String(raw).trim();
      const max = field.type === 'text' ? TEXT_MAX : LONG_TEXT_MAX;
      if (text.length > max) return bad(`${field.label} can be at most ${max} characters; this is ${text.length}.`);
      if (field.type === 'text' && /[\r\n]/.test(text)) return bad(`${field.label} is a one-line field; remove the line breaks.`);
      return { ok: true, value: text };
    }
    case 'number': {
      const n = typeof raw === 'number' ? (Number.isFinite(raw) ? canonicalNumber(String(raw)) : null) : typeof raw === 'string' ? canonicalNumber(raw) : null;
      if (n === null) return bad(`${field.label} must be a number, like 12 or 3.5; got ${show(raw)}.`);
      if (n.replace(/[-.]/g, '').length > 18) return bad(`${field.label} has too many digits (at most 18).`);
      return { ok: true, value: n };
    }
    case 'date': {
      const day = typeof raw === 'string' ? parseDay(raw) : null;
      if (!day) return bad(`${field.label} must be a date written YYYY-MM-DD, like 2026-03-01; got ${show(raw)}.`);
      return { ok: true, value: day };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { ok: true, value: String(raw) };
      const word = String(raw).trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return { ok: true, value: 'true' };
      if (FALSE_WORDS.has(word)) return { ok: true, value: 'false' };
      return bad(`${field.label} must be yes or no (true or false); got ${show(raw)}.`);
    }
    case 'choice': {
      if (typeof raw !== 'string' && typeof raw !== 'number') return bad(`${field.label} must be one of: ${field.options.join(', ')}.`);
      const text = String(raw).trim();
      const exact = field.options.find((o) => o === text) ?? field.options.find((o) => o.toLowerCase() === text.toLowerCase());
      if (!exact) return bad(`${show(text)} is not one of the choices for ${field.label}: ${field.options.join(', ')}.`);
      return { ok: true, value: exact };
    }
  }
};

/** A stored value as the API shows it. */
export const fieldValueOut = (type: FieldType, stored: string): FieldValue =>
  type === 'number' ? Number(stored) : type === 'boolean' ? stored === 'true' : stored;

export const fieldAppliesTo = (field: Pick<CustomField, 'appliesTo'>, kind: 'person' | 'organization'): boolean =>
  field.appliesTo === 'both' || field.appliesTo === kind;

export interface FieldProblem {
  path: string;
  message: string;
}

/**
 * Checks the `customFields` of a contact input against the definitions. Returns the changes to
 * store (field id → text, or null to remove) and the problems found.
 */
export const checkCustomValues = (
  fields: CustomField[],
  kind: 'person' | 'organization',
  input: Record<string, unknown> | undefined,
  /** `current` (the contact's stored values by field id) is accepted for callers that have it; not needed. */
  opts: { creating: boolean; current?: Record<string, string> },
): { changes: Map<string, string | null>; problems: FieldProblem[] } => {
  const changes = new Map<string, string | null>();
  const problems: FieldProblem[] = [];
  const byKey = new Map(fields.map((f) => [f.key, f]));
  for (const [key, raw] of Object.entries(input ?? {})) {
    const path = `customFields.${key}`;
    const field = byKey.get(key);
    if (!field) {
      const known = fields.filter((f) => !f.archived && fieldAppliesTo(f, kind)).map((f) => f.key);
      problems.push({ path, message: `There is no custom field "${key}".${known.length ? ` Fields: ${known.join(', ')}.` : ' Create it under custom fields first.'}` });
      continue;
    }
    const check = checkFieldValue(field, raw);
    if (!check.ok) {
      problems.push({ path, message: check.message });
      continue;
    }
    if (check.value !== null && field.archived) {
      problems.push({ path, message: `The field ${field.label} is archived; restore it before giving it values.` });
      continue;
    }
    if (check.value !== null && !fieldAppliesTo(field, kind)) {
      problems.push({ path, message: `${field.label} applies to ${field.appliesTo === 'person' ? 'persons' : 'organizations'} only.` });
      continue;
    }
    changes.set(field.id, check.value);
  }
  for (const field of fields) {
    if (!field.required || field.archived || !fieldAppliesTo(field, kind)) continue;
    // Required on creation and when someone clears it; making a field required later does not
    // block unrelated edits of contacts that have no value yet.
    const given = changes.get(field.id);
    if (given === null || (given === undefined && opts.creating)) {
      problems.push({ path: `customFields.${field.key}`, message: `${field.label} is required.` });
    }
  }
  return { changes, problems };
};

// ---- definitions

export interface CustomFieldInput {
  key: string;
  label: string;
  description?: string;
  type: FieldType;
  options?: string[] | null;
  visibility?: FieldVisibility;
  appliesTo?: FieldAppliesTo;
  required?: boolean;
  position?: number;
}

/** Options of a choice field: trimmed, non-empty, no duplicates. */
export const normalizeOptions = (type: FieldType, options: string[] | null | undefined): string[] => {
  const list = (options ?? []).map((o) => o.trim());
  if (type !== 'choice') {
    if (list.some((o) => o !== '')) throw validation(`Only choice fields have options; a ${type.replace('_', ' ')} field has none.`, { field: 'options' });
    return [];
  }
  if (list.length === 0 || list.every((o) => o === '')) {
    throw validation('A choice field needs at least one option, such as "Grønlandsleiret 61 A".', { field: 'options' });
  }
  if (list.some((o) => o === '')) throw validation('Options cannot be empty; remove the blank ones.', { field: 'options' });
  const long = list.find((o) => o.length > 200);
  if (long) throw validation(`An option can be at most 200 characters: "${long.slice(0, 40)}…".`, { field: 'options' });
  const seen = new Set<string>();
  for (const o of list) {
    if (seen.has(o.toLowerCase())) throw validation(`The option "${o}" is listed twice.`, { field: 'options' });
    seen.add(o.toLowerCase());
  }
  return list;
};

export const assertFieldKey = (key: string): void => {
  if (!KEY_PATTERN.test(key)) {
    throw validation(
      `The key "${key}" is not usable: use lowercase letters, digits and _, starting with a letter, at most 50 characters (like section_number).`,
      { field: 'key' },
    );
  }
};

export const assertFieldLabel = (label: string): string => {
  const l = label.trim();
  if (!l) throw validation('Give the field a label, such as "Section number".', { field: 'label' });
  if (l.length > 100) throw validation('The label can be at most 100 characters.', { field: 'label' });
  return l;
};

/** A suggestion for a key from a label: "Seksjonsnummer (enhet)" → "seksjonsnummer_enhet". */
export const slugOf = (label: string): string =>
  label
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ø/g, 'o')
    .replace(/æ/g, 'ae')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+|_+$/g, '')
    .slice(0, 50);
