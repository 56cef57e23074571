import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../app.ts';
import {
  bulkTag,
  CONSENT_KINDS,
  CONTACT_LANGUAGES,
  CONTACT_COUNT_CAP,
  CONTACT_SORTS,
  createContact,
  deleteContact,
  getContact,
  INVOICE_DELIVERIES,
  listContacts,
  listTags,
  resolveContactFilter,
  updateContact,
  type ChangedBy,
} from '../../modules/contacts/index.ts';
import { actorOf, requireAccess } from '../access.ts';
import { offsetOf, pagedOf, parseSort } from '../lists.ts';
import type { Api } from '../server.ts';

/** Who makes a change, for the contacts module. */
export const contactChangedBy = (request: FastifyRequest): ChangedBy => ({ actor: actorOf(request), requestId: request.id });

const ref = z.object({ id: z.string(), displayName: z.string() });
const role = z.enum(['primary', 'secondary']);
const consentState = z.object({ granted: z.boolean(), wording: z.string(), version: z.string(), at: z.string(), source: z.string() }).nullable();
export const fieldValue = z.union([z.string(), z.number(), z.boolean()]);

/** A contact as GET /contacts/:id, POST and PATCH answer (other modules answering with a contact use it too). */
export const contactSchema = z.object({
  id: z.string(),
  kind: z.enum(['person', 'organization']),
  memberNumber: z.number(),
  status: z.enum(['active', 'erased']),
  salutation: z.string().nullable(),
  firstNames: z.string().nullable(),
  initial: z.string().nullable(),
  lastName: z.string().nullable(),
  birthDate: z.string().nullable(),
  gender: z.string().nullable(),
  orgName: z.string().nullable(),
  orgNumber: z.string().nullable(),
  vatNumber: z.string().nullable(),
  displayName: z.string(),
  addressLines: z.array(z.string()),
  postcode: z.string().nullable(),
  place: z.string().nullable(),
  region: z.string().nullable(),
  country: z.string().nullable(),
  phoneHome: z.string().nullable(),
  phoneWork: z.string().nullable(),
  phoneMobile: z.string().nullable(),
  email: z.string().nullable(),
  pseudoEmail: z.boolean(),
  invoiceDelivery: z.enum(INVOICE_DELIVERIES),
  language: z.enum(CONTACT_LANGUAGES).nullable(),
  note: z.string().nullable(),
  payer: ref.nullable(),
  payerFor: z.array(ref),
  household: z.object({ id: z.string(), name: z.string(), role, members: z.array(ref.extend({ role })) }).nullable(),
  tags: z.array(z.string()),
  customFields: z.record(z.string(), fieldValue),
  consents: z.object(Object.fromEntries(CONSENT_KINDS.map((k) => [k, consentState])) as Record<(typeof CONSENT_KINDS)[number], typeof consentState>),
  organizationContacts: z.array(
    z.object({
      id: z.string(),
      personId: z.string(),
      displayName: z.string(),
      email: z.string().nullable(),
      role: z.string(),
      status: z.string(),
      invitedAt: z.string(),
      confirmedAt: z.string().nullable(),
    }),
  ),
  organizations: z.array(z.object({ linkId: z.string(), organizationId: z.string(), displayName: z.string(), role: z.string(), status: z.string() })),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const contactSummarySchema = z.object({
  id: z.string(),
  kind: z.enum(['person', 'organization']),
  memberNumber: z.number(),
  displayName: z.string(),
  email: z.string().nullable(),
  phoneMobile: z.string().nullable(),
  place: z.string().nullable(),
  tags: z.array(z.string()),
  householdRole: role.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

// Generous limits here; the module checks each field and says exactly what is wrong.
const str = (max = 1000) => z.string().max(max).nullable().optional();
const contactFields = {
  salutation: str(),
  firstNames: str(),
  initial: str(),
  lastName: str(),
  birthDate: str(),
  gender: str(),
  orgName: str(),
  orgNumber: str(),
  vatNumber: str(),
  addressLines: z.array(z.string().max(1000)).max(20).nullable().optional(),
  postcode: str(),
  place: str(),
  region: str(),
  country: str(),
  phoneHome: str(),
  phoneWork: str(),
  phoneMobile: str(),
  email: str(),
  invoiceDelivery: z.enum(INVOICE_DELIVERIES).nullable().optional(),
  language: z.enum(CONTACT_LANGUAGES).nullable().optional(),
  note: str(20_000),
  payerId: z.string().max(64).nullable().optional().describe('The contact who receives and pays the invoices; null or "" for none.'),
  tags: z.array(z.string().max(200)).max(200).nullable().optional(),
  customFields: z.record(z.string().max(100), fieldValue.nullable()).nullable().optional().describe('Custom field key → value; null clears it.'),
};
const kind = z.enum(['person', 'organization']);
const contactInput = z.strictObject({ kind, ...contactFields });
const contactPatch = z.strictObject({
  kind: kind.optional(),
  ...contactFields,
  version: z.number().int().optional().describe('The version you read; if the contact changed since, the answer is 409.'),
});

/** The list query's filters (the same keys serve bulk actions, saved views and the CSV export). */
const filterShape = {
  q: z.string().max(200).optional().describe('Search names, organization, e-mail, phone, member number; accents and case do not matter; every word must match.'),
  kind: kind.optional(),
  tag: z.string().max(1000).optional().describe('Comma-separated tags; contacts must have all of them.'),
  hasEmail: z.enum(['true', 'false']).optional().describe('A real (not made-up) e-mail address or not.'),
  householdRole: z.enum(['primary', 'secondary', 'none']).optional(),
  consent: z.string().max(40).optional().describe(`<kind>:granted or <kind>:not_granted; kinds: ${CONSENT_KINDS.join(', ')}.`),
  status: z.enum(['active', 'erased']).optional().describe('Default active.'),
};
export const contactListQuery = z
  .object({
    page: z.coerce.number().int().min(1).max(1_000_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(500).default(50),
    sort: z.string().max(64).optional().describe(`One of ${CONTACT_SORTS.join(', ')}; prefix - for descending. Default displayName.`),
    ...filterShape,
  })
  .catchall(z.string().max(200).describe('field.<key>=<value>: a custom field equals the value'));

const bulkBody = z.strictObject({
  tag: z.string().max(200),
  ids: z.array(z.string().min(1).max(64)).max(10_000).optional(),
  filter: z
    .object({ ...filterShape, hasEmail: z.union([z.enum(['true', 'false']), z.boolean()]).optional() })
    .catchall(z.union([z.string().max(200), z.number(), z.boolean()]))
    .optional()
    .describe('The list query (without page, pageSize, sort); every matching contact is changed.'),
});

const idParams = z.object({ id: z.string().min(1).max(64) });
const noContent = z.null().describe('No content');

/** The member registry: contacts, tags, bulk tagging (area "contacts"). */
export const registerContactRoutes = (app: Api, ctx: AppContext) => {
  const read = requireAccess('contacts', 'read');
  const update = requireAccess('contacts', 'update');

  app.get(
    '/api/v1/contacts',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Contacts: search, filter (kind, tag, hasEmail, householdRole, consent, field.<key>, status), sort and page',
        querystring: contactListQuery,
        response: {
          200: pagedOf(contactSummarySchema).extend({
            total: z.number().describe(`How many contacts match; counting stops at ${CONTACT_COUNT_CAP.toLocaleString('en')} (then totalCapped is true).`),
            totalCapped: z.boolean().describe(`More contacts match than total says (more than ${CONTACT_COUNT_CAP.toLocaleString('en')}); show it as "${CONTACT_COUNT_CAP.toLocaleString('en')}+". Every page can still be fetched.`),
          }),
        },
      },
      preHandler: read,
    },
    async (request) => {
      const q = request.query;
      const sort = parseSort(q.sort, CONTACT_SORTS, { column: 'displayName', direction: 'asc' });
      const filter = await resolveContactFilter(ctx.db, q as Record<string, string>, { ignore: ['page', 'pageSize', 'sort'] });
      const { items, total, totalCapped } = await listContacts(ctx.db, { filter, sort, limit: q.pageSize, offset: offsetOf(q) });
      return { items, page: q.page, pageSize: q.pageSize, total, totalCapped };
    },
  );

  app.get(
    '/api/v1/contacts/tags',
    {
      schema: { tags: ['contacts'], summary: 'Every tag in use, with how many active contacts have it', response: { 200: z.object({ items: z.array(z.object({ tag: z.string(), count: z.number() })) }) } },
      preHandler: read,
    },
    async () => ({ items: await listTags(ctx.db) }),
  );

  for (const mode of ['tag', 'untag'] as const) {
    app.post(
      `/api/v1/contacts/bulk/${mode}`,
      {
        schema: {
          tags: ['contacts'],
          summary: `${mode === 'tag' ? 'Add a tag to' : 'Remove a tag from'} the contacts given by ids, or every contact matching filter, in one transaction. affected counts the contacts that changed.`,
          body: bulkBody,
          response: { 200: z.object({ affected: z.number() }) },
        },
        preHandler: update,
      },
      async (request) => bulkTag(ctx, contactChangedBy(request), mode, request.body as Parameters<typeof bulkTag>[3]),
    );
  }

  app.post(
    '/api/v1/contacts',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Create a person (needs lastName) or an organization (needs orgName); it gets the next member number',
        body: contactInput,
        response: { 201: contactSchema },
      },
      preHandler: update,
    },
    async (request, reply) => reply.status(201).send(await createContact(ctx, contactChangedBy(request), request.body)),
  );

  app.get(
    '/api/v1/contacts/:id',
    { schema: { tags: ['contacts'], summary: 'One contact with payer, household, tags, custom fields, consents and organization links', params: idParams, response: { 200: contactSchema } }, preHandler: read },
    async (request) => getContact(ctx.db, request.params.id),
  );

  app.patch(
    '/api/v1/contacts/:id',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Change a contact: only the fields sent change; "" or null clears one. Send the version you read (stale → 409).',
        params: idParams,
        body: contactPatch,
        response: { 200: contactSchema },
      },
      preHandler: update,
    },
    async (request) => updateContact(ctx, contactChangedBy(request), request.params.id, request.body),
  );

  app.delete(
    '/api/v1/contacts/:id',
    {
      schema: {
        tags: ['contacts'],
        summary: "Delete a contact registered by mistake. 409 while it is someone's payer, a household primary with members, or an organization contact. Use erase for personal data.",
        params: idParams,
        querystring: z.object({ version: z.coerce.number().int().optional() }),
        response: { 204: noContent },
      },
      preHandler: update,
    },
    async (request, reply) => {
      await deleteContact(ctx, contactChangedBy(request), request.params.id, request.query.version);
      return reply.status(204).send(null);
    },
  );
};
