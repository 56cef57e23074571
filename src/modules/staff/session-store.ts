import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { toNumber } from '../../db/database.ts';
import { validation } from '../../kernel/app-error.ts';
import type { Clock } from '../../kernel/clock.ts';
import { hashToken, newToken } from '../../kernel/ids.ts';
import { afterFailure, type ThrottleRule, type ThrottleState } from './login-throttle.ts';

/** Kysely queries for sessions, one-time tokens and login throttles. Secrets are stored only hashed. */
type Db = Kysely<DB>;

// ---- sessions

export interface NewSession {
  /** The cookie value; only its hash is stored. */
  token: string;
  csrfToken: string;
  idHash: string;
  expiresAt: string;
}

export const insertSession = async (
  db: Db,
  clock: Clock,
  input: { staffId: string; absoluteHours: number; ip?: string | null; userAgent?: string | null },
): Promise<NewSession> => {
  const now = clock.now();
  const token = newToken();
  const session = {
    token,
    csrfToken: newToken(),
    idHash: hashToken(token),
    expiresAt: new Date(now.getTime() + input.absoluteHours * 3_600_000).toISOString(),
  };
  await db
    .insertInto('staff_session')
    .values({
      id_hash: session.idHash,
      staff_id: input.staffId,
      csrf_token: session.csrfToken,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: session.expiresAt,
      ip: input.ip ?? null,
      user_agent: input.userAgent?.slice(0, 500) ?? null,
    })
    .execute();
  return session;
};

export const deleteSession = (db: Db, idHash: string) => db.deleteFrom('staff_session').where('id_hash', '=', idHash).execute();

/** Ends a user's sessions, except (optionally) the one making the request. */
export const deleteSessionsOf = (db: Db, staffId: string, exceptIdHash?: string | null) => {
  let q = db.deleteFrom('staff_session').where('staff_id', '=', staffId);
  if (exceptIdHash) q = q.where('id_hash', '!=', exceptIdHash);
  return q.execute();
};

// ---- one-time tokens (setup and password-reset links)

export type TokenPurpose = 'setup' | 'password_reset';

export const insertOneTimeToken = async (
  db: Db,
  clock: Clock,
  input: { purpose: TokenPurpose; staffId: string | null; validMs: number },
): Promise<string> => {
  const now = clock.now();
  const token = newToken();
  await db
    .insertInto('one_time_token')
    .values({
      token_hash: hashToken(token),
      purpose: input.purpose,
      staff_id: input.staffId,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + input.validMs).toISOString(),
      used_at: null,
    })
    .execute();
  return token;
};

/** The token's row if it can still be used for `purpose`; otherwise a message saying why not. */
export const checkOneTimeToken = async (db: Db, clock: Clock, purpose: TokenPurpose, token: string) => {
  const row = await db.selectFrom('one_time_token').selectAll().where('token_hash', '=', hashToken(token)).where('purpose', '=', purpose).executeTakeFirst();
  if (!row) throw validation('This link is not valid. Check that you copied all of it, or ask for a new one.');
  if (row.used_at) throw validation('This link has already been used. Ask for a new one.');
  if (row.expires_at <= clock.now().toISOString()) throw validation('This link has expired. Ask for a new one.');
  return row;
};

/**
 * Uses up a one-time token. The update is conditional, so two requests racing with the same link
 * cannot both win.
 */
export const consumeOneTimeToken = async (tx: Db, clock: Clock, purpose: TokenPurpose, token: string): Promise<{ staffId: string | null }> => {
  const row = await checkOneTimeToken(tx, clock, purpose, token);
  const res = await tx
    .updateTable('one_time_token')
    .set({ used_at: clock.now().toISOString() })
    .where('token_hash', '=', row.token_hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  if (toNumber(res.numUpdatedRows) !== 1) throw validation('This link has already been used. Ask for a new one.');
  return { staffId: row.staff_id };
};

/** Other open links of the same kind for a user stop working once one of them is used. */
export const retireTokensOf = (db: Db, clock: Clock, staffId: string, purpose: TokenPurpose) =>
  db
    .updateTable('one_time_token')
    .set({ used_at: clock.now().toISOString() })
    .where('staff_id', '=', staffId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();

// ---- throttles

export const readThrottle = async (db: Db, key: string): Promise<ThrottleState | null> => {
  const row = await db.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirst();
  return row ? { failures: toNumber(row.failures), windowStartedAt: row.window_started_at, lockedUntil: row.locked_until } : null;
};

/** Counts one failure against `key` and returns the new state. */
export const countFailure = async (tx: Db, clock: Clock, key: string, rule: ThrottleRule): Promise<ThrottleState> => {
  const next = afterFailure(await readThrottle(tx, key), clock.now(), rule);
  const values = { failures: next.failures, window_started_at: next.windowStartedAt, locked_until: next.lockedUntil };
  await tx
    .insertInto('login_throttle')
    .values({ key, ...values })
    .onConflict((oc) => oc.column('key').doUpdateSet(values))
    .execute();
  return next;
};

export const clearThrottle = (db: Db, key: string) => db.deleteFrom('login_throttle').where('key', '=', key).execute();
