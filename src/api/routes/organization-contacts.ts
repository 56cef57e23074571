import { z } from 'zod';
import type { AppContext } from '../../app.ts';
import {
  addOrganizationContact,
  confirmContact,
  getContactConfirmation,
  ORGANIZATION_CONTACT_ROLES,
  removeOrganizationContact,
  resendOrganizationContact,
} from '../../modules/contacts/index.ts';
import { requireAccess } from '../access.ts';
import type { Api } from '../server.ts';
import { contactChangedBy } from './contacts.ts';

const link = z.object({
  id: z.string(),
  personId: z.string(),
  displayName: z.string(),
  email: z.string().nullable(),
  role: z.enum(ORGANIZATION_CONTACT_ROLES),
  status: z.enum(['pending', 'confirmed']),
  invitedAt: z.string(),
  confirmedAt: z.string().nullable(),
});
const orgParams = z.object({ id: z.string().min(1).max(64) });
const linkParams = z.object({ id: z.string().min(1).max(64), linkId: z.string().min(1).max(64) });
const tokenParams = z.object({ token: z.string().min(1).max(200) });
const noContent = z.null().describe('No content');

/**
 * Organization contacts (one administrative, any number of technical) and the public confirmation
 * link they get by e-mail (`${publicUrl}/confirm-contact?token=…`, valid 14 days).
 */
export const registerOrganizationContactRoutes = (app: Api, ctx: AppContext) => {
  const update = requireAccess('contacts', 'update');
  const toLink = (l: Awaited<ReturnType<typeof addOrganizationContact>>) => ({ ...l, role: l.role as 'administrative' | 'technical', status: l.status as 'pending' | 'confirmed' });

  app.post(
    '/api/v1/contacts/:id/organization-contacts',
    {
      schema: {
        tags: ['contacts'],
        summary:
          'Add a person as the organization\'s administrative contact (one per organization; a second is 409) or a technical contact. ' +
          'The person gets an e-mail with a confirmation link and receives no correspondence for the organization until they confirm.',
        params: orgParams,
        body: z.strictObject({ personId: z.string().min(1).max(64), role: z.enum(ORGANIZATION_CONTACT_ROLES) }),
        response: { 201: link },
      },
      preHandler: update,
    },
    async (request, reply) => reply.status(201).send(toLink(await addOrganizationContact(ctx, contactChangedBy(request), request.params.id, request.body))),
  );

  app.delete(
    '/api/v1/contacts/:id/organization-contacts/:linkId',
    { schema: { tags: ['contacts'], summary: 'Remove a person from the organization\'s contacts', params: linkParams, response: { 204: noContent } }, preHandler: update },
    async (request, reply) => {
      await removeOrganizationContact(ctx, contactChangedBy(request), request.params.id, request.params.linkId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/contacts/:id/organization-contacts/:linkId/resend',
    {
      schema: { tags: ['contacts'], summary: 'Mail a new confirmation link to a pending contact (the old link stops working)', params: linkParams, response: { 200: link } },
      preHandler: update,
    },
    async (request) => toLink(await resendOrganizationContact(ctx, contactChangedBy(request), request.params.id, request.params.linkId)),
  );

  // Public: the person follows the link from the e-mail; no sign-in.
  app.get(
    '/api/v1/public/contact-confirmations/:token',
    {
      schema: {
        tags: ['public'],
        summary: 'What a confirmation link is about (organization, person, role); 404 when it is expired, replaced or used',
        security: [],
        params: tokenParams,
        response: { 200: z.object({ organization: z.string(), person: z.string(), role: z.enum(ORGANIZATION_CONTACT_ROLES) }) },
      },
    },
    async (request) => {
      const c = await getContactConfirmation(ctx, request.params.token);
      return { ...c, role: c.role as 'administrative' | 'technical' };
    },
  );

  app.post(
    '/api/v1/public/contact-confirmations/:token',
    {
      schema: {
        tags: ['public'],
        summary: 'Confirm being the organization\'s contact; from then on the person receives its correspondence',
        security: [],
        params: tokenParams,
        response: { 200: z.object({ confirmed: z.literal(true) }) },
      },
    },
    async (request) => confirmContact(ctx, request.params.token),
  );
};
