import type { Kysely } from 'kysely';
import { toNumber } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { notFound } from '../../kernel/app-error.ts';
import { toCustomField } from './contact-store.ts';
import type { CustomField } from './custom-field.ts';

export const getCustomField = async (db: Kysely<DB>, id: string): Promise<CustomField> => {
  const row = await db.selectFrom('custom_field').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('The custom field');
  return toCustomField(row);
};

/** How many contacts have a value for the field (optionally: this value, or contacts of this kind). */
export const countFieldValues = async (db: Kysely<DB>, fieldId: string, opts: { value?: string; kind?: string } = {}): Promise<number> => {
  let q = db.selectFrom('contact_field_value as v').where('v.field_id', '=', fieldId);
  if (opts.value !== undefined) q = q.where('v.value', '=', opts.value);
  if (opts.kind) q = q.innerJoin('contact as c', 'c.id', 'v.contact_id').where('c.kind', '=', opts.kind);
  return toNumber((await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
};

export const fieldSnapshot = (f: CustomField) => {
  const { id: _id, ...rest } = f;
  return rest;
};
