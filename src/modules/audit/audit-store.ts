import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { insertRows } from '../../db/bulk.ts';
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
export const recordAudit = async (tx: Kysely<DB>, clock: Clock, actor: Actor, input: AuditInput): Promise<number> => (await recordAudits(tx, clock, actor, [input]))[0]!;

const AUDIT_COLUMNS = ['seq', 'at', 'actor_type', 'actor_id', 'actor_name', 'entity_type', 'entity_id', 'action', 'before', 'after', 'request_id', 'prev_hash', 'hash'] as const;

/**
 * Appends many rows to the audit trail at once (a contact import writes one per contact): one lock,
 * one read of the chain's head, the chain of hashes computed here in order, and multi-row inserts.
 * The rows are exactly what as many `recordAudit` calls in a row would store. Call it inside the
 * transaction that makes the changes; returns the seq of each row.
 */
export const recordAudits = async (tx: Kysely<DB>, clock: Clock, actor: Actor, inputs: readonly AuditInput[]): Promise<number[]> => {
  if (inputs.length === 0) return [];
  await lockResource(tx, 'audit_log');
  const last = await tx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  let seq = last ? toNumber(last.seq) : 0;
  let prevHash = last?.hash ?? GENESIS_HASH;
  const seqs: number[] = [];
  const rows = inputs.map((input) => {
    const row: AuditRowContent = {
      seq: ++seq,
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
      prev_hash: prevHash,
    };
    prevHash = auditRowHash(row);
    seqs.push(row.seq);
    return AUDIT_COLUMNS.map((c) => (c === 'hash' ? prevHash : row[c]));
  });
  await insertRows(tx, 'audit_log', AUDIT_COLUMNS, rows, 2000);
  return seqs;
};
