import assert from 'node:assert/strict';
import type { TestContext } from './context.ts';
import type { Api } from '../../src/api/server.ts';
import { FULL_ACCESS, type Permissions } from '../../src/api/access.ts';
import { systemActor } from '../../src/modules/audit/index.ts';
import { createAccessGroup, createStaffUser, type StaffItem } from '../../src/modules/staff/index.ts';

export const TEST_PASSWORD = 'violet tractor sings at dawn';

/**
 * A staff user who can sign in. `permissions` puts them in a new access group granting exactly
 * that; `isAdmin` makes them an administrator (full access).
 */
export const createStaff = async (
  ctx: TestContext,
  opts: { email: string; password?: string; name?: string; isAdmin?: boolean; active?: boolean; permissions?: Permissions },
): Promise<StaffItem> => {
  const by = { actor: systemActor, grantor: FULL_ACCESS };
  const groupIds: string[] = [];
  if (opts.permissions) {
    const group = await createAccessGroup(ctx, by, { name: `access for ${opts.email}`, permissions: opts.permissions });
    groupIds.push(group.id);
  }
  return createStaffUser(ctx, by, {
    email: opts.email,
    name: opts.name ?? opts.email.split('@')[0]!,
    password: opts.password ?? TEST_PASSWORD,
    isAdmin: opts.isAdmin ?? false,
    active: opts.active ?? true,
    groupIds,
  });
};

/** The `gh_session=…` cookie a response sets, ready to send back as a Cookie header. */
export const sessionCookieOf = (setCookie: string | string[] | undefined): string => {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const found = all.find((c) => c.startsWith('gh_session='));
  assert.ok(found, 'the response sets the gh_session cookie');
  return found.split(';')[0]!;
};

/**
 * Signs in through the API. Send `headers` with cookie-authenticated requests: it carries the
 * session cookie and the X-CSRF-Token that changes need.
 */
export const signIn = async (app: Api, email: string, password: string = TEST_PASSWORD) => {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  assert.equal(res.statusCode, 200, `sign-in as ${email} failed: ${res.body}`);
  const cookie = sessionCookieOf(res.headers['set-cookie']);
  const csrfToken: string = res.json().csrfToken;
  return { cookie, csrfToken, headers: { cookie, 'x-csrf-token': csrfToken } };
};
