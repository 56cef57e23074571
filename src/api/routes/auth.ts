import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app.ts';
import { AppError } from '../../kernel/app-error.ts';
import { hashToken } from '../../kernel/ids.ts';
import {
  changeOwnPassword,
  completeSetup,
  confirmPasswordReset,
  getStaffItem,
  LANGUAGES,
  requestPasswordReset,
  setupNeeded,
  signIn,
  signOut,
  updateOwnProfile,
} from '../../modules/staff/index.ts';
import { AREAS, actorOf, type Area } from '../access.ts';
import { SESSION_COOKIE, staffPermissions } from '../authenticate.ts';
import { errorBody } from '../errors.ts';
import type { Api } from '../server.ts';

const level = z.enum(['read', 'update']);
const permissionShape = Object.fromEntries(AREAS.map((a) => [a, level.optional()])) as Record<Area, z.ZodOptional<typeof level>>;
/** Permissions as sent: only known areas, each read or update. */
export const permissionsInput = z.strictObject(permissionShape);
export const permissionsOutput = z.object(permissionShape);

export const language = z.enum(LANGUAGES);

export const meSchema = z.object({
  user: z.object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    isAdmin: z.boolean(),
    language: language.nullable(),
    permissions: permissionsOutput,
  }),
  csrfToken: z.string(),
});

const email = z.email('Enter an e-mail address like name@example.org.').max(254);
const newPassword = z.string().max(1024, 'The password is too long.');
const noContent = z.null().describe('No content');

/** Sign-in, set-up and reset happen before there is a session; a stale cookie must not get in the way. */
const replacedSession = new WeakMap<FastifyRequest, string>();
const ignoreSessionCookie = async (request: FastifyRequest) => {
  const cookie = request.cookies?.[SESSION_COOKIE];
  if (cookie) {
    replacedSession.set(request, hashToken(cookie));
    delete request.cookies[SESSION_COOKIE];
  }
};

export const registerAuthRoutes = (app: Api, ctx: AppContext) => {
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, path: '/', secure: ctx.config.publicUrl.startsWith('https:') };

  const setSessionCookie = (reply: FastifyReply, token: string) => reply.setCookie(SESSION_COOKIE, token, cookieOptions);

  const meOf = async (staffId: string, csrfToken: string) => {
    const user = await getStaffItem(ctx.db, staffId);
    if (!user) throw new AppError('unauthenticated', 'Sign in first.');
    return {
      user: { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin, language: user.language, permissions: await staffPermissions(ctx, user.id, user.isAdmin) },
      csrfToken,
    };
  };

  /** The signed-in staff session of this request; API keys have no user. */
  const sessionOf = (request: FastifyRequest) => {
    const auth = request.auth;
    if (!auth || auth.via !== 'session' || !auth.actor.id || !auth.csrfToken) {
      throw new AppError('unauthenticated', auth ? 'This needs a signed-in staff member; an API key has no user.' : 'You are not signed in.');
    }
    return { staffId: auth.actor.id, csrfToken: auth.csrfToken, sessionIdHash: auth.sessionIdHash ?? null };
  };

  app.get(
    '/api/v1/auth/me',
    { schema: { tags: ['auth'], summary: 'The signed-in staff user, their permissions and the CSRF token to send as X-CSRF-Token', response: { 200: meSchema, 401: errorBody } } },
    async (request) => {
      const s = sessionOf(request);
      return meOf(s.staffId, s.csrfToken);
    },
  );

  app.patch(
    '/api/v1/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change your own name or language',
        body: z.strictObject({ name: z.string().min(1, 'Your name cannot be empty.').max(200).optional(), language: language.nullable().optional() }),
        response: { 200: meSchema },
      },
    },
    async (request) => {
      const s = sessionOf(request);
      await updateOwnProfile(ctx, actorOf(request), s.staffId, request.body, request.id);
      return meOf(s.staffId, s.csrfToken);
    },
  );

  app.post(
    '/api/v1/auth/login',
    {
      onRequest: ignoreSessionCookie,
      schema: {
        tags: ['auth'],
        summary: 'Sign in with e-mail and password; sets the gh_session cookie (a new session every time)',
        security: [],
        body: z.strictObject({ email: z.string().min(1, 'Enter your e-mail address.').max(320), password: z.string().min(1, 'Enter your password.').max(1024) }),
        response: { 200: meSchema, 401: errorBody, 429: errorBody },
      },
    },
    async (request, reply) => {
      try {
        const { staffId, session } = await signIn(ctx, {
          ...request.body,
          ip: request.ip,
          userAgent: request.headers['user-agent'] ?? null,
          previousSessionIdHash: replacedSession.get(request) ?? null,
        });
        setSessionCookie(reply, session.token);
        ctx.log.info({ staffId, reqId: request.id }, 'staff signed in');
        return meOf(staffId, session.csrfToken);
      } catch (e) {
        if (e instanceof AppError && e.code === 'too_many_requests') {
          const wait = (e.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
          if (wait) reply.header('retry-after', String(wait));
        }
        throw e;
      }
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { schema: { tags: ['auth'], summary: 'Sign out: the session ends on the server and the cookie is cleared', response: { 204: noContent } } },
    async (request, reply) => {
      if (request.auth?.via === 'session' && request.auth.sessionIdHash) await signOut(ctx, request.auth.sessionIdHash);
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change your own password; your other sessions end',
        body: z.strictObject({ currentPassword: z.string().min(1, 'Enter your current password.').max(1024), newPassword }),
        response: { 204: noContent },
      },
    },
    async (request, reply) => {
      const s = sessionOf(request);
      await changeOwnPassword(ctx, actorOf(request), { staffId: s.staffId, sessionIdHash: s.sessionIdHash, requestId: request.id, ...request.body });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/password-reset',
    {
      onRequest: ignoreSessionCookie,
      schema: {
        tags: ['auth'],
        summary: 'Mail a single-use password-reset link (valid one hour). Answers the same whether or not the address has an account.',
        security: [],
        body: z.strictObject({ email }),
        response: { 202: z.object({ ok: z.literal(true) }) },
      },
    },
    async (request, reply) => {
      await requestPasswordReset(ctx, request.body);
      return reply.status(202).send({ ok: true as const });
    },
  );

  app.post(
    '/api/v1/auth/password-reset/confirm',
    {
      onRequest: ignoreSessionCookie,
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with the token from a reset link; every session of the user ends',
        security: [],
        body: z.strictObject({ token: z.string().min(1).max(200), password: newPassword }),
        response: { 204: noContent },
      },
    },
    async (request, reply) => {
      await confirmPasswordReset(ctx, { ...request.body, requestId: request.id });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/setup',
    { schema: { tags: ['auth'], summary: 'Whether first-run setup is needed (no staff user exists yet)', security: [], response: { 200: z.object({ needed: z.boolean() }) } } },
    async () => ({ needed: await setupNeeded(ctx) }),
  );

  app.post(
    '/api/v1/setup',
    {
      onRequest: ignoreSessionCookie,
      schema: {
        tags: ['auth'],
        summary: 'First run: create the first administrator with the token from the setup link, and sign in',
        security: [],
        body: z.strictObject({ token: z.string().min(1).max(200), email, name: z.string().min(1, 'Enter your name.').max(200), password: newPassword }),
        response: { 201: meSchema },
      },
    },
    async (request, reply) => {
      const { staffId, session } = await completeSetup(ctx, {
        ...request.body,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
        requestId: request.id,
      });
      setSessionCookie(reply, session.token);
      return reply.status(201).send(await meOf(staffId, session.csrfToken));
    },
  );
};
