import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../kernel/app-error.ts';
import type { Actor } from '../modules/audit/audit.ts';

/** The back-office areas an access group grants, each read-only or update (seed 004 §5.1.2). */
export const AREAS = [
  'settings',
  'contacts',
  'billing',
  'payments',
  'ledger',
  'communications',
  'provisioning',
  'reports',
  'staff',
] as const;
export type Area = (typeof AREAS)[number];
export type AccessLevel = 'read' | 'update';
export type Permissions = Partial<Record<Area, AccessLevel>>;

export const FULL_ACCESS: Permissions = Object.fromEntries(AREAS.map((a) => [a, 'update'])) as Permissions;

export const allows = (perms: Permissions, area: Area, level: AccessLevel): boolean => {
  const have = perms[area];
  return have === 'update' || (have === 'read' && level === 'read');
};

/** Merge several groups: the strongest grant per area wins. */
export const mergePermissions = (list: Permissions[]): Permissions => {
  const out: Permissions = {};
  for (const p of list) for (const a of AREAS) if (p[a] && out[a] !== 'update') out[a] = p[a];
  return out;
};

export interface RequestAuth {
  actor: Actor;
  permissions: Permissions;
  /** How the request proved who it is; CSRF applies to cookie sessions only. */
  via: 'session' | 'apikey';
  /** For sessions: the session's CSRF token. */
  csrfToken?: string;
  sessionIdHash?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth | null;
  }
}

/** preHandler for a route: the caller must be signed in and hold `level` on `area`. */
export const requireAccess =
  (area: Area, level: AccessLevel) =>
  async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (!request.auth) throw new AppError('unauthenticated', 'Sign in, or send an API key as "Authorization: Bearer …".');
    if (!allows(request.auth.permissions, area, level)) {
      throw new AppError('forbidden', `Your access does not include ${level === 'update' ? 'changing' : 'viewing'} ${area}.`);
    }
  };

/** preHandler: any signed-in staff member or API key. */
export const requireSignedIn = async (request: FastifyRequest): Promise<void> => {
  if (!request.auth) throw new AppError('unauthenticated', 'Sign in, or send an API key as "Authorization: Bearer …".');
};

export const actorOf = (request: FastifyRequest): Actor => {
  if (!request.auth) throw new AppError('unauthenticated', 'Sign in first.');
  return request.auth.actor;
};
