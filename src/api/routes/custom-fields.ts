import { z } from 'zod';
import type { AppContext } from '../../app.ts';
import { createCustomField, deleteCustomField, FIELD_APPLIES_TO, FIELD_TYPES, FIELD_VISIBILITIES, loadCustomFields, updateCustomField } from '../../modules/contacts/index.ts';
import { requireAccess } from '../access.ts';
import type { Api } from '../server.ts';
import { contactChangedBy } from './contacts.ts';

export const customFieldSchema = z.object({
  id: z.string(),
  key: z.string(),
  label: z.string(),
  description: z.string(),
  type: z.enum(FIELD_TYPES),
  options: z.array(z.string()),
  visibility: z.enum(FIELD_VISIBILITIES),
  appliesTo: z.enum(FIELD_APPLIES_TO),
  required: z.boolean(),
  position: z.number(),
  archived: z.boolean(),
});

const fields = {
  key: z.string().max(100).describe('A slug: lowercase letters, digits and _, starting with a letter (section_number). Made from the label when left out.'),
  label: z.string().max(200),
  description: z.string().max(2000),
  type: z.enum(FIELD_TYPES),
  options: z.array(z.string().max(500)).max(1000).nullable().describe('The choices of a choice field, in order.'),
  visibility: z.enum(FIELD_VISIBILITIES).describe('staff: staff only; member_visible: the member sees it; member_editable: the member may change it.'),
  appliesTo: z.enum(FIELD_APPLIES_TO),
  required: z.boolean(),
  position: z.number().int().min(0).max(1_000_000),
};
const idParams = z.object({ id: z.string().min(1).max(64) });

/** Custom fields on contacts (area "contacts"). */
export const registerCustomFieldRoutes = (app: Api, ctx: AppContext) => {
  const read = requireAccess('contacts', 'read');
  const update = requireAccess('contacts', 'update');

  app.get(
    '/api/v1/custom-fields',
    { schema: { tags: ['contacts'], summary: 'Custom fields, archived ones included, in display order', response: { 200: z.object({ items: z.array(customFieldSchema) }) } }, preHandler: read },
    async () => ({ items: await loadCustomFields(ctx.db) }),
  );

  app.post(
    '/api/v1/custom-fields',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Define a custom field (text, long_text, number, date, boolean, or choice with options)',
        body: z.strictObject({
          key: fields.key.optional(),
          label: fields.label,
          description: fields.description.optional(),
          type: fields.type,
          options: fields.options.optional(),
          visibility: fields.visibility.optional(),
          appliesTo: fields.appliesTo.optional(),
          required: fields.required.optional(),
          position: fields.position.optional(),
        }),
        response: { 201: customFieldSchema },
      },
      preHandler: update,
    },
    async (request, reply) => reply.status(201).send(await createCustomField(ctx, contactChangedBy(request), request.body)),
  );

  app.patch(
    '/api/v1/custom-fields/:id',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Change a custom field. Key and type are fixed once contacts have values (409); choices in use cannot be removed. archived: false restores it.',
        params: idParams,
        body: z.strictObject({
          key: fields.key.optional(),
          label: fields.label.optional(),
          description: fields.description.optional(),
          type: fields.type.optional(),
          options: fields.options.optional(),
          visibility: fields.visibility.optional(),
          appliesTo: fields.appliesTo.optional(),
          required: fields.required.optional(),
          position: fields.position.optional(),
          archived: z.boolean().optional(),
        }),
        response: { 200: customFieldSchema },
      },
      preHandler: update,
    },
    async (request) => updateCustomField(ctx, contactChangedBy(request), request.params.id, request.body),
  );

  app.delete(
    '/api/v1/custom-fields/:id',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Delete an unused custom field (204); one that contacts have values for is archived instead (200 with the field, archived: true)',
        params: idParams,
        response: { 200: customFieldSchema, 204: z.null().describe('Deleted') },
      },
      preHandler: update,
    },
    async (request, reply) => {
      const result = await deleteCustomField(ctx, contactChangedBy(request), request.params.id);
      return 'field' in result ? reply.status(200).send(result.field) : reply.status(204).send(null);
    },
  );
};
