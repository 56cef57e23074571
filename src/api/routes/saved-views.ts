import { z } from 'zod';
import type { AppContext } from '../../app.ts';
import { createSavedView, deleteSavedView, listSavedViews, VIEW_AREAS } from '../../modules/contacts/index.ts';
import { allows, requireAccess } from '../access.ts';
import type { Api } from '../server.ts';
import { contactChangedBy } from './contacts.ts';

const savedView = z.object({ id: z.string(), area: z.enum(VIEW_AREAS), name: z.string(), query: z.record(z.string(), z.string()), shared: z.boolean() });

/**
 * Saved views of a list (area "contacts" now). Shared views are for all staff and need update
 * access to create or delete; own views belong to the caller, need only read access, and nobody
 * else sees them.
 */
export const registerSavedViewRoutes = (app: Api, ctx: AppContext) => {
  const read = requireAccess('contacts', 'read');

  app.get(
    '/api/v1/saved-views',
    {
      schema: {
        tags: ['contacts'],
        summary: "Saved views of an area: the shared ones and the caller's own",
        querystring: z.object({ area: z.enum(VIEW_AREAS).default('contacts') }),
        response: { 200: z.object({ items: z.array(savedView) }) },
      },
      preHandler: read,
    },
    async (request) => ({ items: await listSavedViews(ctx.db, request.auth!.actor.id, request.query.area) }),
  );

  app.post(
    '/api/v1/saved-views',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Save a list query under a name: own (default) or shared with all staff (needs update access). Names are unique per area.',
        body: z.strictObject({
          area: z.enum(VIEW_AREAS),
          name: z.string().max(500),
          query: z.record(z.string().max(100), z.union([z.string().max(1000), z.number(), z.boolean()])).describe('The list query: filters (q, kind, tag, hasEmail, householdRole, consent, status, field.<key>), sort and pageSize'),
          shared: z.boolean().optional(),
        }),
        response: { 201: savedView },
      },
      preHandler: read,
    },
    async (request, reply) =>
      reply.status(201).send(await createSavedView(ctx, { ...contactChangedBy(request), canShare: allows(request.auth!.permissions, 'contacts', 'update') }, request.body)),
  );

  app.delete(
    '/api/v1/saved-views/:id',
    {
      schema: { tags: ['contacts'], summary: 'Delete your own view, or a shared one (needs update access)', params: z.object({ id: z.string().min(1).max(64) }), response: { 204: z.null().describe('No content') } },
      preHandler: read,
    },
    async (request, reply) => {
      await deleteSavedView(ctx, { ...contactChangedBy(request), canShare: allows(request.auth!.permissions, 'contacts', 'update') }, request.params.id);
      return reply.status(204).send(null);
    },
  );
};
