import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../app.ts';
import { AppError } from '../kernel/app-error.ts';
import { hashToken, safeEqual } from '../kernel/ids.ts';
import { FULL_ACCESS, mergePermissions, type Permissions, type RequestAuth } from './access.ts';

export const SESSION_COOKIE = 'gh_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const parsePermissions = (json: string): Permissions => {
  try {
    return JSON.parse(json) as Permissions;
  } catch {
    return {};
  }
};

/** Resolves `Authorization: Bearer <key>` to the key's access group. */
const fromApiKey = async (ctx: AppContext, key: string): Promise<RequestAuth> => {
  const row = await ctx.db
    .selectFrom('api_key')
    .innerJoin('access_group', 'access_group.id', 'api_key.group_id')
    .select(['api_key.id', 'api_key.name', 'api_key.revoked_at', 'access_group.permissions'])
    .where('api_key.key_hash', '=', hashToken(key))
    .executeTakeFirst();
  if (!row || row.revoked_at) throw new AppError('unauthenticated', 'The API key is not valid (unknown or revoked).');
  await ctx.db.updateTable('api_key').set({ last_used_at: ctx.clock.now().toISOString() }).where('id', '=', row.id).execute();
  return { actor: { type: 'apikey', id: row.id, name: row.name }, permissions: parsePermissions(row.permissions), via: 'apikey' };
};

/** The permissions of a staff user: everything for an admin, otherwise the union of their groups. */
export const staffPermissions = async (ctx: Pick<AppContext, 'db'>, staffId: string, isAdmin: boolean): Promise<Permissions> => {
  if (isAdmin) return FULL_ACCESS;
  const groups = await ctx.db
    .selectFrom('staff_group_member')
    .innerJoin('access_group', 'access_group.id', 'staff_group_member.group_id')
    .select('access_group.permissions')
    .where('staff_group_member.staff_id', '=', staffId)
    .execute();
  return mergePermissions(groups.map((g) => parsePermissions(g.permissions)));
};

/**
 * Resolves a session cookie: it must exist, belong to an active user, and be within both the idle
 * and the absolute timeout. A live session's idle clock is pushed forward.
 */
const fromSession = async (ctx: AppContext, cookie: string): Promise<RequestAuth | null> => {
  const idHash = hashToken(cookie);
  const row = await ctx.db
    .selectFrom('staff_session')
    .innerJoin('staff_user', 'staff_user.id', 'staff_session.staff_id')
    .select([
      'staff_session.csrf_token',
      'staff_session.last_seen_at',
      'staff_session.expires_at',
      'staff_user.id',
      'staff_user.name',
      'staff_user.email',
      'staff_user.is_admin',
      'staff_user.active',
    ])
    .where('staff_session.id_hash', '=', idHash)
    .executeTakeFirst();
  if (!row) return null;
  const now = ctx.clock.now();
  const idleLimit = new Date(row.last_seen_at).getTime() + ctx.config.sessionIdleMinutes * 60_000;
  if (!Number(row.active) || now.getTime() > idleLimit || now.toISOString() > row.expires_at) {
    await ctx.db.deleteFrom('staff_session').where('id_hash', '=', idHash).execute();
    return null;
  }
  // Touch at most once a minute: enough for a 30-minute idle timeout, far fewer writes.
  if (now.getTime() - new Date(row.last_seen_at).getTime() > 60_000) {
    await ctx.db.updateTable('staff_session').set({ last_seen_at: now.toISOString() }).where('id_hash', '=', idHash).execute();
  }
  return {
    actor: { type: 'staff', id: row.id, name: row.name || row.email },
    permissions: await staffPermissions(ctx, row.id, Boolean(Number(row.is_admin))),
    via: 'session',
    csrfToken: row.csrf_token,
    sessionIdHash: idHash,
  };
};

/** Sets `request.auth` from a bearer key or a session cookie, and enforces CSRF on cookie-authenticated changes. */
export const registerAuthentication = (app: FastifyInstance, ctx: AppContext) => {
  app.decorateRequest('auth', null);
  app.addHook('preHandler', async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m?.[1]) throw new AppError('unauthenticated', 'Send the API key as "Authorization: Bearer <key>".');
      request.auth = await fromApiKey(ctx, m[1]);
      return;
    }
    // Public endpoints (a contact confirming from an e-mail link) act for nobody: a staff session
    // the same browser happens to carry must neither apply nor trip the CSRF check.
    if (request.url.startsWith('/api/v1/public/')) return;
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (!cookie) return;
    request.auth = await fromSession(ctx, cookie);
    if (request.auth && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !request.auth.csrfToken || !safeEqual(sent, request.auth.csrfToken)) {
        throw new AppError('forbidden', 'The form has expired or did not come from this site (CSRF check failed). Reload the page and try again.');
      }
    }
  });
};
