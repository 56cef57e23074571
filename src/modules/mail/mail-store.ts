import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { ilike, toNumber } from '../../db/database.ts';
import { notFound } from '../../kernel/app-error.ts';
import type { OutgoingAttachment } from './queue-mail.ts';

export interface MailListItem {
  id: string;
  to: string[];
  cc: string[];
  from: string;
  subject: string;
  status: string;
  createdAt: string;
  sentAt: string | null;
  attempts: number;
  lastError: string | null;
  relatedType: string | null;
  relatedId: string | null;
}

export interface MailDetail extends MailListItem {
  textBody: string;
  htmlBody: string | null;
  attachments: Array<{ filename: string; contentType: string; size: number }>;
}

export const MAIL_SORTS = ['created_at', 'sent_at', 'subject', 'status'] as const;
export type MailSort = (typeof MAIL_SORTS)[number];

// The list never reads bodies or attachment bytes.
const LIST_COLUMNS = [
  'id',
  'to_addresses',
  'cc_addresses',
  'from_address',
  'subject',
  'status',
  'created_at',
  'sent_at',
  'attempts',
  'last_error',
  'related_type',
  'related_id',
] as const;

const list = (json: string | null): string[] => (json ? (JSON.parse(json) as string[]) : []);

const toItem = (r: {
  id: string;
  to_addresses: string;
  cc_addresses: string | null;
  from_address: string;
  subject: string;
  status: string;
  created_at: string;
  sent_at: string | null;
  attempts: number;
  last_error: string | null;
  related_type: string | null;
  related_id: string | null;
}): MailListItem => ({
  id: r.id,
  to: list(r.to_addresses),
  cc: list(r.cc_addresses),
  from: r.from_address,
  subject: r.subject,
  status: r.status,
  createdAt: r.created_at,
  sentAt: r.sent_at,
  attempts: toNumber(r.attempts),
  lastError: r.last_error,
  relatedType: r.related_type,
  relatedId: r.related_id,
});

/** The outbox, newest first by default; `q` matches subject or recipients. */
export const listMail = async (
  db: Kysely<DB>,
  filter: { status?: string; q?: string; relatedType?: string; relatedId?: string },
  page: { offset: number; limit: number; sort: { column: MailSort; direction: 'asc' | 'desc' } },
): Promise<{ items: MailListItem[]; total: number }> => {
  let query = db.selectFrom('mail_message');
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.relatedType) query = query.where('related_type', '=', filter.relatedType);
  if (filter.relatedId) query = query.where('related_id', '=', filter.relatedId);
  if (filter.q) {
    const pattern = `%${filter.q}%`;
    const op = ilike(db);
    query = query.where((eb) => eb.or([eb('subject', op, pattern), eb('to_addresses', op, pattern), eb('cc_addresses', op, pattern)]));
  }
  const [rows, count] = await Promise.all([
    query
      .select([...LIST_COLUMNS])
      .orderBy(page.sort.column, page.sort.direction)
      .orderBy('id', page.sort.direction)
      .offset(page.offset)
      .limit(page.limit)
      .execute(),
    query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toItem), total: toNumber(count.n) };
};

/** One message with its bodies; attachments are described (name, type, size), not returned. */
export const getMail = async (db: Kysely<DB>, id: string): Promise<MailDetail> => {
  const row = await db.selectFrom('mail_message').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('The message');
  const attachments = row.attachments ? (JSON.parse(row.attachments) as OutgoingAttachment[]) : [];
  return {
    ...toItem(row),
    textBody: row.text_body,
    htmlBody: row.html_body,
    attachments: attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: Buffer.from(a.contentBase64, 'base64').length })),
  };
};
