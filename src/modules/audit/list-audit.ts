import type { Executor } from '../../db/database.ts';
import { ilike, toNumber } from '../../db/database.ts';
import type { AuditLogTable } from '../../db/schema.ts';

export interface AuditEntry {
  seq: number;
  at: string;
  actorType: string;
  actorId: string | null;
  actorName: string | null;
  entityType: string;
  entityId: string;
  action: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

export interface AuditFilter {
  entityType?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  /** Text found in the entity id or the actor's name. */
  q?: string;
}

export interface AuditPage {
  sort: { column: 'seq' | 'at'; direction: 'asc' | 'desc' };
  limit: number;
  offset: number;
}

const parseJson = (text: string | null): unknown => {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

export const toAuditEntry = (r: AuditLogTable): AuditEntry => ({
  seq: toNumber(r.seq),
  at: r.at,
  actorType: r.actor_type,
  actorId: r.actor_id,
  actorName: r.actor_name,
  entityType: r.entity_type,
  entityId: r.entity_id,
  action: r.action,
  before: parseJson(r.before),
  after: parseJson(r.after),
  requestId: r.request_id,
});

/** The audit trail, filtered and paged; a record's history is `{ entityType, entityId }`. */
export const listAudit = async (db: Executor, filter: AuditFilter, page: AuditPage): Promise<{ items: AuditEntry[]; total: number }> => {
  let query = db.selectFrom('audit_log');
  if (filter.entityType) query = query.where('entity_type', '=', filter.entityType);
  if (filter.entityId) query = query.where('entity_id', '=', filter.entityId);
  if (filter.actorId) query = query.where('actor_id', '=', filter.actorId);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.q) {
    const like = `%${filter.q}%`;
    const op = ilike(db);
    query = query.where((eb) => eb.or([eb('entity_id', op, like), eb('actor_name', op, like)]));
  }
  const { count } = await query.select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
  const { column, direction } = page.sort;
  let rows = query.selectAll().orderBy(column, direction);
  // `at` can repeat; seq breaks the tie in the same direction so pages never overlap.
  if (column !== 'seq') rows = rows.orderBy('seq', direction);
  const items = await rows.limit(page.limit).offset(page.offset).execute();
  return { items: items.map(toAuditEntry), total: toNumber(count) };
};
