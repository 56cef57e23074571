import { z } from 'zod';
import type { AppContext } from '../../app.ts';
import {
  CONSENT_KINDS,
  consentHistory,
  eraseContact,
  exportPersonalData,
  getContact,
  personalDataText,
  recordConsent,
} from '../../modules/contacts/index.ts';
import { requireAccess } from '../access.ts';
import type { Api } from '../server.ts';
import { contactChangedBy, contactSchema } from './contacts.ts';

const idParams = z.object({ id: z.string().min(1).max(64) });

const consentRecord = z.object({
  id: z.string(),
  kind: z.enum(CONSENT_KINDS),
  granted: z.boolean(),
  wording: z.string(),
  version: z.string(),
  source: z.string().describe('staff, member, import or api'),
  actorName: z.string().nullable(),
  at: z.string(),
});

/** Consents (append-only history), the personal-data export and erasure (GDPR). Area contacts. */
export const registerContactPrivacyRoutes = (app: Api, ctx: AppContext) => {
  const read = requireAccess('contacts', 'read');
  const update = requireAccess('contacts', 'update');

  app.post(
    '/api/v1/contacts/:id/consents',
    {
      schema: {
        tags: ['contacts'],
        summary:
          'Record that a consent was given or withdrawn. Wording and version default to the current ones in settings (consent.<kind>.wording/.version). ' +
          'Earlier rows are kept as the history. Answers the contact.',
        params: idParams,
        body: z.strictObject({
          kind: z.enum(CONSENT_KINDS),
          granted: z.boolean(),
          wording: z.string().max(10_000).optional(),
          version: z.string().max(50).optional(),
        }),
        response: { 200: contactSchema },
      },
      preHandler: update,
    },
    async (request) => {
      await recordConsent(ctx, contactChangedBy(request), request.params.id, request.body);
      return getContact(ctx.db, request.params.id);
    },
  );

  app.get(
    '/api/v1/contacts/:id/consents',
    {
      schema: { tags: ['contacts'], summary: 'Every consent given or withdrawn, newest first', params: idParams, response: { 200: z.object({ items: z.array(consentRecord) }) } },
      preHandler: read,
    },
    async (request) => {
      await getContact(ctx.db, request.params.id);
      return { items: await consentHistory(ctx.db, request.params.id) };
    },
  );

  app.get(
    '/api/v1/contacts/:id/personal-data',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Everything held about the contact (GDPR access request): record, custom fields, consent history, links, change history, e-mails sent',
        params: idParams,
        response: {
          200: z.object({
            exportedAt: z.string(),
            controller: z.string().describe('The organization holding the data'),
            contact: contactSchema,
            customFields: z.array(z.object({ key: z.string(), label: z.string(), value: z.string(), archived: z.boolean() })),
            consents: z.array(consentRecord),
            history: z.array(z.object({ seq: z.number(), at: z.string(), actorType: z.string(), actorId: z.string().nullable(), actorName: z.string().nullable(), entityType: z.string(), entityId: z.string(), action: z.string(), before: z.unknown(), after: z.unknown(), requestId: z.string().nullable() })),
            mail: z.array(z.object({ id: z.string(), to: z.array(z.string()), subject: z.string(), status: z.string(), createdAt: z.string(), sentAt: z.string().nullable(), text: z.string() })),
          }),
        },
      },
      preHandler: read,
    },
    async (request, reply) => {
      const data = await exportPersonalData(ctx, request.params.id);
      reply.header('content-disposition', `attachment; filename="personal-data-${data.contact.memberNumber}.json"`);
      return data;
    },
  );

  app.get(
    '/api/v1/contacts/:id/personal-data.txt',
    { schema: { tags: ['contacts'], summary: 'The same as a readable text summary', params: idParams }, preHandler: read },
    async (request, reply) => {
      const data = await exportPersonalData(ctx, request.params.id);
      return reply
        .type('text/plain; charset=utf-8')
        .header('content-disposition', `attachment; filename="personal-data-${data.contact.memberNumber}.txt"`)
        .send(personalDataText(data));
    },
  );

  app.post(
    '/api/v1/contacts/:id/erase',
    {
      schema: {
        tags: ['contacts'],
        summary:
          'Erase a person (GDPR): personal fields are anonymised, tags and custom values deleted, links removed; the id and member number stay so the books keep their references. Cannot be undone.',
        params: idParams,
        body: z.strictObject({ confirm: z.literal(true), reason: z.string().min(1).max(500) }),
        response: { 200: contactSchema },
      },
      preHandler: update,
    },
    async (request) => {
      await eraseContact(ctx, contactChangedBy(request), request.params.id, request.body);
      return getContact(ctx.db, request.params.id);
    },
  );
};
