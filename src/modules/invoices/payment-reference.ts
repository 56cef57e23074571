import { validation } from '../../kernel/app-error.ts';

/**
 * Payment references printed on invoices (pure). The payer quotes it; the bank file of issue 6
 * matches payments by it.
 *
 * - KID (Norwegian "kundeidentifikasjon"): digits ending in a check digit, either
 *   - mod 10 (Luhn): from the right, every second digit of the payload (starting with the last)
 *     is doubled and its digits summed; check = (10 − sum mod 10) mod 10; or
 *   - mod 11: weights 2, 3, 4, 5, 6, 7, 2, 3… from the right; r = sum mod 11; check = 11 − r,
 *     where r = 0 gives check 0 and r = 1 gives check "-". The banks (Nets/Mastercard Payment
 *     Services) accept "-" as the check "digit" of a mod 11 KID, so no number is skipped: the
 *     series stays gapless, and about one reference in eleven ends in "-".
 * - RF creditor reference (ISO 11649): "RF" + two check digits + the reference (here the invoice
 *   number). Check digits: 98 − (reference + "RF00", letters mapped A=10 … Z=35) mod 97.
 *
 * A KID for an invoice is the invoice number left-padded with zeros to kidLength − 1 digits,
 * then its check digit.
 */
export const PAYMENT_REFERENCE_KINDS = ['kid_mod10', 'kid_mod11', 'rf', 'none'] as const;
export type PaymentReferenceKind = (typeof PAYMENT_REFERENCE_KINDS)[number];

export const KID_MIN_LENGTH = 2;
export const KID_MAX_LENGTH = 25;

const digitsOnly = (s: string) => /^\d+$/.test(s);

/** Luhn check digit of a string of digits. */
export const mod10CheckDigit = (payload: string): string => {
  if (!digitsOnly(payload)) throw new RangeError(`mod10CheckDigit: "${payload}" is not a string of digits`);
  let sum = 0;
  for (let i = payload.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = payload.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
};

/** Modulus 11 check "digit" of a string of digits: "0"–"9" or "-" (remainder 1). */
export const mod11CheckDigit = (payload: string): string => {
  if (!digitsOnly(payload)) throw new RangeError(`mod11CheckDigit: "${payload}" is not a string of digits`);
  let sum = 0;
  for (let i = payload.length - 1, w = 2; i >= 0; i--, w = w === 7 ? 2 : w + 1) sum += (payload.charCodeAt(i) - 48) * w;
  const r = sum % 11;
  return r === 0 ? '0' : r === 1 ? '-' : String(11 - r);
};

export const isValidKidMod10 = (kid: string): boolean =>
  kid.length >= KID_MIN_LENGTH && kid.length <= KID_MAX_LENGTH && digitsOnly(kid) && mod10CheckDigit(kid.slice(0, -1)) === kid.slice(-1);

export const isValidKidMod11 = (kid: string): boolean =>
  kid.length >= KID_MIN_LENGTH &&
  kid.length <= KID_MAX_LENGTH &&
  /^\d+[\d-]$/.test(kid) &&
  mod11CheckDigit(kid.slice(0, -1)) === kid.slice(-1);

/** Letters as ISO 7064 numbers (A=10 … Z=35), digits as themselves. */
const toDigits = (s: string): string => s.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));

/** n mod 97 for a long string of digits, in chunks (no bigint needed). */
const mod97 = (digits: string): number => {
  let r = 0;
  for (let i = 0; i < digits.length; i += 7) r = Number(String(r) + digits.slice(i, i + 7)) % 97;
  return r;
};

/** "RF" + check digits + reference; the reference is 1–21 letters and digits (upper-cased). */
export const rfReference = (reference: string): string => {
  const ref = reference.toUpperCase();
  if (!/^[0-9A-Z]{1,21}$/.test(ref)) throw new RangeError(`rfReference: "${reference}" must be 1–21 letters and digits`);
  const check = 98 - mod97(toDigits(ref + 'RF00'));
  return `RF${String(check).padStart(2, '0')}${ref}`;
};

/** A creditor reference as printed or typed: spaces are ignored, letters in any case. */
export const isValidRf = (text: string): boolean => {
  const s = text.replace(/\s+/g, '').toUpperCase();
  if (!/^RF\d{2}[0-9A-Z]{1,21}$/.test(s)) return false;
  return mod97(toDigits(s.slice(4) + s.slice(0, 4))) === 1;
};

/** Whether `reference` is a well-formed reference of `kind` (none: only the empty reference). */
export const isValidReference = (kind: PaymentReferenceKind, reference: string): boolean => {
  switch (kind) {
    case 'kid_mod10':
      return isValidKidMod10(reference);
    case 'kid_mod11':
      return isValidKidMod11(reference);
    case 'rf':
      return isValidRf(reference);
    case 'none':
      return reference === '';
  }
};

/**
 * The payment reference of invoice `invoiceNumber`: a KID of exactly `kidLength` characters
 * (number zero-padded to kidLength − 1 digits + check digit), an RF reference on the number, or
 * null for 'none'. A number too long for the KID is refused with what to change.
 */
export const referenceFor = (kind: PaymentReferenceKind, invoiceNumber: number | bigint, kidLength: number): string | null => {
  const n = BigInt(invoiceNumber);
  if (n < 1n) throw new RangeError(`referenceFor: invoice number ${n} must be positive`);
  const digits = n.toString();
  switch (kind) {
    case 'none':
      return null;
    case 'rf':
      return rfReference(digits);
    case 'kid_mod10':
    case 'kid_mod11': {
      if (!Number.isInteger(kidLength) || kidLength < KID_MIN_LENGTH || kidLength > KID_MAX_LENGTH) {
        throw validation(`The KID length must be a whole number from ${KID_MIN_LENGTH} to ${KID_MAX_LENGTH}; it is ${kidLength}. Change the setting billing.kid_length.`, { field: 'billing.kid_length' });
      }
      if (digits.length > kidLength - 1) {
        throw validation(
          `Invoice number ${digits} has ${digits.length} digits and does not fit in a KID of ${kidLength} digits (check digit included). Raise the setting billing.kid_length to at least ${digits.length + 1} (agree it with your bank first).`,
          { field: 'billing.kid_length' },
        );
      }
      const payload = digits.padStart(kidLength - 1, '0');
      return payload + (kind === 'kid_mod10' ? mod10CheckDigit(payload) : mod11CheckDigit(payload));
    }
  }
};
