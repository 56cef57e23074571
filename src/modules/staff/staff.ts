import { AREAS, FULL_ACCESS, type Area, type Permissions } from '../../api/access.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/database.ts';
import { conflict, forbidden, validation } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { Actor } from '../audit/index.ts';

/** Staff users, access groups and API keys as the API shows them. Pure types and rules, no I/O. */
export const LANGUAGES = ['en', 'nb'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface StaffItem {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  active: boolean;
  language: Language | null;
  groupIds: string[];
  createdAt: string;
  updatedAt: string;
}

export interface AccessGroupItem {
  id: string;
  name: string;
  description: string;
  permissions: Permissions;
  builtin: boolean;
  memberIds: string[];
}

export interface ApiKeyItem {
  id: string;
  name: string;
  prefix: string;
  groupId: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** The access group every administrator is placed in; it always grants everything. */
export const ADMINISTRATORS_GROUP = 'Administrators';

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export const toLanguage = (v: string | null): Language | null => (LANGUAGES.includes(v as Language) ? (v as Language) : null);

/** Reads stored permissions, keeping only known areas and levels. */
export const parsePermissions = (json: string): Permissions => {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return {};
  }
  const out: Permissions = {};
  if (raw && typeof raw === 'object') {
    for (const area of AREAS) {
      const level = (raw as Record<string, unknown>)[area];
      if (level === 'read' || level === 'update') out[area] = level;
    }
  }
  return out;
};

/** What a staff record looks like in the audit trail (never the password hash). */
export const staffSnapshot = (s: StaffItem) => ({
  email: s.email,
  name: s.name,
  isAdmin: s.isAdmin,
  active: s.active,
  language: s.language,
  groupIds: s.groupIds,
});

export const groupSnapshot = (g: AccessGroupItem) => ({
  name: g.name,
  description: g.description,
  permissions: g.permissions,
  builtin: g.builtin,
  memberIds: g.memberIds,
});

/** An administrator with full access: an active staff user with the admin flag. */
export const isFullAdmin = (s: { isAdmin: boolean; active: boolean }) => s.isAdmin && s.active;

/**
 * The last administrator with full access must stay one, or nobody could manage access any more.
 * `after` is null when the user is being deleted.
 */
export const assertKeepsAnAdmin = (
  before: { isAdmin: boolean; active: boolean; email: string },
  after: { isAdmin: boolean; active: boolean } | null,
  otherActiveAdmins: number,
): void => {
  if (!isFullAdmin(before) || (after && isFullAdmin(after)) || otherActiveAdmins > 0) return;
  const what = after === null ? 'deleted' : !after.isAdmin ? 'made a non-administrator' : 'deactivated';
  throw conflict(
    `${before.email} is the last administrator with full access and cannot be ${what}. Make another active staff user an administrator first.`,
  );
};

/** Areas where `granted` gives more than the `grantor` holds. */
export const grantBeyond = (grantor: Permissions, granted: Permissions): Area[] =>
  AREAS.filter((a) => {
    const want = granted[a];
    const have = grantor[a];
    return want !== undefined && have !== 'update' && !(have === 'read' && want === 'read');
  });

/** Nobody hands out access they do not hold themselves. */
export const assertCanGrant = (grantor: Permissions, granted: Permissions): void => {
  const beyond = grantBeyond(grantor, granted);
  if (beyond.length) {
    throw forbidden(`You cannot grant access you do not have yourself (${beyond.join(', ')}).`);
  }
};

/** Making, changing or removing an administrator needs full access. */
export const assertCanManageAdmins = (grantor: Permissions): void => {
  if (grantBeyond(grantor, FULL_ACCESS).length) {
    throw forbidden('Only a caller with full access can make, change or remove an administrator.');
  }
};

/** What staff use cases need: the database, the clock, and for links and sessions a little configuration. */
export interface StaffDeps {
  db: Database;
  clock: Clock;
}
export interface StaffConfigDeps extends StaffDeps {
  config: Pick<Config, 'publicUrl' | 'mailFrom' | 'sessionAbsoluteHours'>;
}

/** Who asks for a change: the audit actor, and the access they hold (nobody grants more than that). */
export interface ChangedBy {
  actor: Actor;
  grantor: Permissions;
  requestId?: string | null;
  /** The session making the request, which a password change leaves signed in. */
  sessionIdHash?: string | null;
}

/** Unique-constraint violations read the same on both databases after this. */
export const isUniqueViolation = (e: unknown): boolean => {
  const err = e as { code?: string; message?: string };
  return err?.code === '23505' || /unique constraint/i.test(err?.message ?? '');
};

export const samePermissions = (a: Permissions, b: Permissions): boolean => AREAS.every((area) => a[area] === b[area]);

/** A plausible address (the API checks the format too; this guards the CLI and other callers). */
export const assertEmailAddress = (email: string): void => {
  if (email.length > 254 || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
    throw validation(`"${email}" is not an e-mail address. Write it like name@example.org.`, { field: 'email' });
  }
};
