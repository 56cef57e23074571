import { COMMON_PASSWORDS } from './common-passwords.ts';

/**
 * Which passwords Guildhall accepts (NIST SP 800-63B style): long enough, and not one an attacker
 * tries first. No composition rules ("one upper-case letter…"); a long phrase is the best password.
 * Pure: returns the reason a password is refused, or null when it is acceptable.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

export interface PasswordContext {
  email?: string | null;
  name?: string | null;
}

const SEQUENCE_LINES = ['01234567890123456789', 'abcdefghijklmnopqrstuvwxyz'];
const KEYBOARD_LINES = [
  '1234567890-=',
  '!@#$%^&*()_+',
  'qwertyuiop[]',
  'asdfghjkl;\'',
  'zxcvbnm,./',
  'qwertzuiopü',
  'yxcvbnm',
  'azertyuiop',
  'qsdfghjklm',
  'wxcvbn',
  'qwertyuiopasdfghjklzxcvbnm',
  'qwertyuiopåasdfghjkløæzxcvbnm',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/',
  'zaq1xsw2cde3vfr4bgt5nhy6mju7,ki8.lo9/;p0',
  'qazwsxedcrfvtgbyhnujmikolp',
  '1q2w3e4r5t6y7u8i9o0p',
  'q1w2e3r4t5y6u7i8o9p0',
  'qweasdzxc',
  'qweasdyxc',
];
const RUN_LINES = [...SEQUENCE_LINES, ...KEYBOARD_LINES].flatMap((l) => [l, [...l].reverse().join('')]);

const LEET: Record<string, string> = { '@': 'a', '4': 'a', '0': 'o', '1': 'i', '!': 'i', '3': 'e', '$': 's', '5': 's', '7': 't', '+': 't', '8': 'b', '9': 'g' };
const unleet = (s: string) => [...s].map((c) => LEET[c] ?? c).join('');

/** A single run along one line, like 123456789012 or zyxwvutsrqpo. */
const isSequence = (s: string) => s.length >= 3 && SEQUENCE_LINES.some((l) => l.includes(s) || [...l].reverse().join('').includes(s));

/** Whether `s` is made entirely of runs (3+ characters) along keyboard rows or sequences: qwertyasdfgh, 123qweasdzxc. */
const isMadeOfRuns = (s: string): boolean => {
  const ok: boolean[] = new Array<boolean>(s.length + 1).fill(false);
  ok[0] = true;
  for (let end = 3; end <= s.length; end++) {
    for (let start = 0; start <= end - 3 && !ok[end]; start++) {
      if (ok[start] && RUN_LINES.some((l) => l.includes(s.slice(start, end)))) ok[end] = true;
    }
  }
  return ok[s.length] === true;
};

/** The word inside the padding people add to meet rules: "Summer2024!" → "summer". */
const stemOf = (lower: string): { stem: string; padding: number } => {
  const stem = lower.replace(/^[^\p{L}]+/u, '').replace(/[^\p{L}]+$/u, '');
  return { stem, padding: lower.length - stem.length };
};

const personalParts = (ctx: PasswordContext): Array<{ part: string; what: string }> => {
  const parts: Array<{ part: string; what: string }> = [];
  const email = ctx.email?.trim().toLowerCase();
  if (email) {
    parts.push({ part: email, what: 'your e-mail address' });
    const local = email.split('@')[0] ?? '';
    if (local.length >= 3) parts.push({ part: local, what: 'your e-mail address' });
    for (const piece of local.split(/[._+-]/)) if (piece.length >= 4) parts.push({ part: piece, what: 'your e-mail address' });
  }
  const name = ctx.name?.trim().toLowerCase();
  if (name) {
    if (name.length >= 3) parts.push({ part: name.replace(/\s+/g, ''), what: 'your name' });
    for (const piece of name.split(/[\s.'-]+/)) if (piece.length >= 3) parts.push({ part: piece, what: 'your name' });
  }
  return parts;
};

export const passwordProblem = (password: string, ctx: PasswordContext = {}): string | null => {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    return `The password must be at least ${PASSWORD_MIN_LENGTH} characters long (this one has ${length}). A few unrelated words make a good one.`;
  }
  if (length > PASSWORD_MAX_LENGTH) return `The password must be at most ${PASSWORD_MAX_LENGTH} characters long.`;

  const lower = password.toLowerCase();
  if (/^(.)\1+$/su.test(password)) return 'The password is one character repeated. Choose something harder to guess.';
  if (/^(.+?)\1+$/su.test(lower)) return 'The password is the same short part repeated. Choose something harder to guess.';
  if (isSequence(lower)) return 'The password is a simple sequence (like 123456789012 or abcdefghijkl). Choose something harder to guess.';
  if (isMadeOfRuns(lower)) return 'The password is a keyboard pattern (like qwertyuiop or 1q2w3e4r). Choose something harder to guess.';

  const plain = unleet(lower);
  const { stem, padding } = stemOf(lower);
  const plainStem = unleet(stem);
  if (COMMON_PASSWORDS.has(lower) || COMMON_PASSWORDS.has(plain)) {
    return 'The password is one of the most commonly used passwords, which attackers try first. Choose another.';
  }
  // Padding of a few digits or symbols ("Password123!") does not make a common password safe.
  if (stem.length >= 3 && padding <= 6) {
    if (COMMON_PASSWORDS.has(stem) || COMMON_PASSWORDS.has(plainStem) || COMMON_PASSWORDS.has(stem.replace(/\s+/g, ''))) {
      return 'The password is a common password with a few digits or symbols added, a pattern attackers try early. Choose another.';
    }
    if (stem.length >= 4 && (isSequence(stem) || isMadeOfRuns(stem))) {
      return 'The password is a keyboard pattern or sequence with a few characters added. Choose something harder to guess.';
    }
  }

  for (const { part, what } of personalParts(ctx)) {
    if (part && (lower.includes(part) || plain.includes(part))) return `The password must not contain ${what}.`;
  }

  if (new Set(lower).size < 5) return 'The password uses too few different characters. Choose something harder to guess.';
  return null;
};
