import { z } from 'zod';
import type { AppContext } from '../../app.ts';
import { addHouseholdMember, createHousehold, loadHousehold, removeHouseholdMember, updateHousehold } from '../../modules/contacts/index.ts';
import { requireAccess } from '../access.ts';
import type { Api } from '../server.ts';
import { contactChangedBy } from './contacts.ts';

export const householdSchema = z.object({
  id: z.string(),
  name: z.string(),
  members: z.array(z.object({ id: z.string(), displayName: z.string(), role: z.enum(['primary', 'secondary']) })),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const id = z.string().min(1).max(64);

/** Households: a primary person and secondaries at the primary's address (area "contacts"). */
export const registerHouseholdRoutes = (app: Api, ctx: AppContext) => {
  const read = requireAccess('contacts', 'read');
  const update = requireAccess('contacts', 'update');

  app.post(
    '/api/v1/households',
    {
      schema: {
        tags: ['contacts'],
        summary: "Make a household of a primary person and secondaries (who take the primary's address). A person is in at most one household (409).",
        body: z.strictObject({ name: z.string().max(500).optional(), primaryId: id, secondaryIds: z.array(id).max(100).optional() }),
        response: { 201: householdSchema },
      },
      preHandler: update,
    },
    async (request, reply) => reply.status(201).send(await createHousehold(ctx, contactChangedBy(request), request.body)),
  );

  app.get(
    '/api/v1/households/:id',
    { schema: { tags: ['contacts'], summary: 'One household with its members, the primary first', params: z.object({ id }), response: { 200: householdSchema } }, preHandler: read },
    async (request) => loadHousehold(ctx.db, request.params.id),
  );

  app.patch(
    '/api/v1/households/:id',
    {
      schema: {
        tags: ['contacts'],
        summary: "Rename a household, or make another member its primary (everyone then takes the new primary's address)",
        params: z.object({ id }),
        body: z.strictObject({ name: z.string().max(500).optional(), primaryId: id.optional() }),
        response: { 200: householdSchema },
      },
      preHandler: update,
    },
    async (request) => updateHousehold(ctx, contactChangedBy(request), request.params.id, request.body),
  );

  app.post(
    '/api/v1/households/:id/members',
    {
      schema: {
        tags: ['contacts'],
        summary: "Add a person as a secondary member; they take the primary's address",
        params: z.object({ id }),
        body: z.strictObject({ contactId: id, role: z.literal('secondary').optional() }),
        response: { 200: householdSchema },
      },
      preHandler: update,
    },
    async (request) => addHouseholdMember(ctx, contactChangedBy(request), request.params.id, request.body.contactId),
  );

  app.delete(
    '/api/v1/households/:id/members/:contactId',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Take a person out of a household (200 with the household). The primary leaves last (409 otherwise); then the household ends (204).',
        params: z.object({ id, contactId: id }),
        response: { 200: householdSchema, 204: z.null().describe('The household ended') },
      },
      preHandler: update,
    },
    async (request, reply) => {
      const household = await removeHouseholdMember(ctx, contactChangedBy(request), request.params.id, request.params.contactId);
      return household ? reply.status(200).send(household) : reply.status(204).send(null);
    },
  );
};
