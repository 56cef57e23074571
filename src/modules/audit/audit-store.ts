import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { lockResource, toNumber } from '../../db/database.ts';
import type { Clock } from '../../kernel/clock.ts';
import { auditRowHash, GENESIS_HASH, toAuditJson, type Actor, type AuditRowContent } from './audit.ts';

export interface AuditInput {
  entityType: string;
  entityId: string;
  action: string;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
}

/**
 * Appends one row to the hash-chained audit trail. Call it inside the transaction that makes the
 * change, so the change and its record commit together or not at all.
 */
export const recordAudit = async (tx: Kysely<DB>, clock: Clock, actor: Actor, input: AuditInput): Promise<number> => {
  await lockResource(tx, 'audit_log');
  const last = await tx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const row: AuditRowContent = {
    seq: last ? toNumber(last.seq) + 1 : 1,
    at: clock.now().toISOString(),
    actor_type: actor.type,
    actor_id: actor.id,
    actor_name: actor.name,
    entity_type: input.entityType,
    entity_id: input.entityId,
    action: input.action,
    before: toAuditJson(input.before),
    after: toAuditJson(input.after),
    request_id: input.requestId ?? null,
    prev_hash: last?.hash ?? GENESIS_HASH,
  };
  await tx.insertInto('audit_log').values({ ...row, hash: auditRowHash(row) }).execute();
  return row.seq;
};
