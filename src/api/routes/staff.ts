import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../app.ts';
import { notFound } from '../../kernel/app-error.ts';
import {
  API_KEY_SORTS,
  createAccessGroup,
  createApiKey,
  createStaffUser,
  deleteAccessGroup,
  deleteStaffUser,
  getGroupItem,
  getStaffItem,
  GROUP_SORTS,
  listApiKeys,
  listGroups,
  listStaff,
  revokeApiKey,
  STAFF_SORTS,
  updateAccessGroup,
  updateStaffUser,
  type ChangedBy,
} from '../../modules/staff/index.ts';
import { actorOf, requireAccess } from '../access.ts';
import { listQuery, offsetOf, pagedOf, parseSort } from '../lists.ts';
import type { Api } from '../server.ts';
import { language, permissionsInput, permissionsOutput, registerAuthRoutes } from './auth.ts';

const staffItem = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  isAdmin: z.boolean(),
  active: z.boolean(),
  language: language.nullable(),
  groupIds: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const groupItem = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  permissions: permissionsOutput,
  builtin: z.boolean(),
  memberIds: z.array(z.string()),
});

const apiKeyItem = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  groupId: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

const idParams = z.object({ id: z.string().min(1).max(64) });
const ids = z.array(z.string().min(1).max(64)).max(500);
const staffFields = {
  email: z.email('Enter an e-mail address like name@example.org.').max(254),
  name: z.string().min(1, 'Enter a name.').max(200),
  password: z.string().max(1024, 'The password is too long.'),
  isAdmin: z.boolean(),
  active: z.boolean(),
  language: language.nullable(),
  groupIds: ids,
};
const groupFields = {
  name: z.string().min(1, 'Enter a name.').max(100),
  description: z.string().max(1000),
  permissions: permissionsInput,
  memberIds: ids,
};
const noContent = z.null().describe('No content');
/** PATCH bodies take any subset of these (`.partial()`); both refuse unknown fields. */
const createStaffBody = z.strictObject({
  email: staffFields.email,
  name: staffFields.name,
  password: staffFields.password.optional(),
  isAdmin: staffFields.isAdmin.optional(),
  active: staffFields.active.optional(),
  language: staffFields.language.optional(),
  groupIds: staffFields.groupIds.optional(),
});
const createGroupBody = z.strictObject({
  name: groupFields.name,
  description: groupFields.description.optional(),
  permissions: groupFields.permissions,
  memberIds: groupFields.memberIds.optional(),
});

const changedBy = (request: FastifyRequest): ChangedBy => ({
  actor: actorOf(request),
  grantor: request.auth?.permissions ?? {},
  requestId: request.id,
  sessionIdHash: request.auth?.sessionIdHash ?? null,
});

/** Staff users, access groups and API keys (area "staff"), plus sign-in and setup. */
export const registerStaffRoutes = (app: Api, ctx: AppContext) => {
  registerAuthRoutes(app, ctx);
  const read = requireAccess('staff', 'read');
  const update = requireAccess('staff', 'update');

  // ---- staff users
  app.get(
    '/api/v1/staff',
    {
      schema: { tags: ['staff'], summary: `Staff users. Search q in e-mail and name; sort by ${STAFF_SORTS.join(', ')}.`, querystring: listQuery, response: { 200: pagedOf(staffItem) } },
      preHandler: read,
    },
    async (request) => {
      const q = request.query;
      const sort = parseSort(q.sort, STAFF_SORTS, { column: 'email', direction: 'asc' });
      const { items, total } = await listStaff(ctx.db, { q: q.q, sort, limit: q.pageSize, offset: offsetOf(q) });
      return { items, page: q.page, pageSize: q.pageSize, total };
    },
  );

  app.post(
    '/api/v1/staff',
    {
      schema: {
        tags: ['staff'],
        summary: 'Create a staff user. Without a password they set one through a reset link.',
        body: createStaffBody,
        response: { 201: staffItem },
      },
      preHandler: update,
    },
    async (request, reply) => reply.status(201).send(await createStaffUser(ctx, changedBy(request), request.body)),
  );

  app.get(
    '/api/v1/staff/:id',
    { schema: { tags: ['staff'], summary: 'One staff user', params: idParams, response: { 200: staffItem } }, preHandler: read },
    async (request) => (await getStaffItem(ctx.db, request.params.id)) ?? Promise.reject(notFound('The staff user')),
  );

  app.patch(
    '/api/v1/staff/:id',
    {
      schema: {
        tags: ['staff'],
        summary: 'Change a staff user. The last active administrator cannot be demoted or deactivated; a new password ends their sessions.',
        params: idParams,
        body: createStaffBody.partial(),
        response: { 200: staffItem },
      },
      preHandler: update,
    },
    async (request) => updateStaffUser(ctx, changedBy(request), request.params.id, request.body),
  );

  app.delete(
    '/api/v1/staff/:id',
    { schema: { tags: ['staff'], summary: 'Delete a staff user (not the last active administrator)', params: idParams, response: { 204: noContent } }, preHandler: update },
    async (request, reply) => {
      await deleteStaffUser(ctx, changedBy(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  // ---- access groups
  app.get(
    '/api/v1/access-groups',
    {
      schema: { tags: ['staff'], summary: `Access groups. Search q in the name; sort by ${GROUP_SORTS.join(', ')}.`, querystring: listQuery, response: { 200: pagedOf(groupItem) } },
      preHandler: read,
    },
    async (request) => {
      const q = request.query;
      const sort = parseSort(q.sort, GROUP_SORTS, { column: 'name', direction: 'asc' });
      const { items, total } = await listGroups(ctx.db, { q: q.q, sort, limit: q.pageSize, offset: offsetOf(q) });
      return { items, page: q.page, pageSize: q.pageSize, total };
    },
  );

  app.post(
    '/api/v1/access-groups',
    {
      schema: {
        tags: ['staff'],
        summary: 'Create an access group: each area read or update. You cannot grant more than you have.',
        body: createGroupBody,
        response: { 201: groupItem },
      },
      preHandler: update,
    },
    async (request, reply) => reply.status(201).send(await createAccessGroup(ctx, changedBy(request), request.body)),
  );

  app.get(
    '/api/v1/access-groups/:id',
    { schema: { tags: ['staff'], summary: 'One access group', params: idParams, response: { 200: groupItem } }, preHandler: read },
    async (request) => (await getGroupItem(ctx.db, request.params.id)) ?? Promise.reject(notFound('The access group')),
  );

  app.patch(
    '/api/v1/access-groups/:id',
    {
      schema: {
        tags: ['staff'],
        summary: 'Change an access group (the built-in Administrators group keeps its name and full access)',
        params: idParams,
        body: createGroupBody.partial(),
        response: { 200: groupItem },
      },
      preHandler: update,
    },
    async (request) => updateAccessGroup(ctx, changedBy(request), request.params.id, request.body),
  );

  app.delete(
    '/api/v1/access-groups/:id',
    { schema: { tags: ['staff'], summary: 'Delete an access group (not a built-in one, nor one live API keys use)', params: idParams, response: { 204: noContent } }, preHandler: update },
    async (request, reply) => {
      await deleteAccessGroup(ctx, changedBy(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  // ---- API keys
  app.get(
    '/api/v1/api-keys',
    {
      schema: { tags: ['staff'], summary: `API keys (never the keys themselves). Sort by ${API_KEY_SORTS.join(', ')}.`, querystring: listQuery, response: { 200: pagedOf(apiKeyItem) } },
      preHandler: read,
    },
    async (request) => {
      const q = request.query;
      const sort = parseSort(q.sort, API_KEY_SORTS, { column: 'created_at', direction: 'desc' });
      const { items, total } = await listApiKeys(ctx.db, { q: q.q, sort, limit: q.pageSize, offset: offsetOf(q) });
      return { items, page: q.page, pageSize: q.pageSize, total };
    },
  );

  app.post(
    '/api/v1/api-keys',
    {
      schema: {
        tags: ['staff'],
        summary: 'Create an API key bound to an access group. The key is in this response only; store it now.',
        body: z.strictObject({ name: z.string().min(1, 'Enter a name.').max(100), groupId: z.string().min(1).max(64) }),
        response: { 201: apiKeyItem.extend({ key: z.string() }) },
      },
      preHandler: update,
    },
    async (request, reply) => reply.status(201).send(await createApiKey(ctx, changedBy(request), request.body)),
  );

  app.delete(
    '/api/v1/api-keys/:id',
    { schema: { tags: ['staff'], summary: 'Revoke an API key: it stops working at once', params: idParams, response: { 204: noContent } }, preHandler: update },
    async (request, reply) => {
      await revokeApiKey(ctx, changedBy(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
