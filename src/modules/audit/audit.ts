import { sha256 } from '../../kernel/ids.ts';

/** Who did something. Every change names one. */
export interface Actor {
  type: 'staff' | 'apikey' | 'system' | 'cli' | 'member' | 'setup';
  id: string | null;
  name: string | null;
}

export const systemActor: Actor = { type: 'system', id: null, name: 'system' };
export const cliActor = (name = process.env.USER ?? 'shell'): Actor => ({ type: 'cli', id: null, name });

export interface AuditRowContent {
  seq: number;
  at: string;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  entity_type: string;
  entity_id: string;
  action: string;
  before: string | null;
  after: string | null;
  request_id: string | null;
  prev_hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The hash covers every field of the row and the previous row's hash, so an edit or a gap breaks the chain. */
export const auditRowHash = (row: AuditRowContent): string =>
  sha256(
    JSON.stringify([
      row.seq,
      row.at,
      row.actor_type,
      row.actor_id,
      row.actor_name,
      row.entity_type,
      row.entity_id,
      row.action,
      row.before,
      row.after,
      row.request_id,
      row.prev_hash,
    ]),
  );

const SECRET_KEY = /password|secret|token|key_hash|api_?key/i;

/** Values are stored as JSON with secrets removed: the trail must never hold a password or key. */
export const redact = (value: unknown): unknown => {
  if (value === null || value === undefined) return value ?? null;
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v);
    }
    return out;
  }
  return value;
};

export const toAuditJson = (value: unknown): string | null =>
  value === undefined || value === null ? null : JSON.stringify(redact(value));

export type ChainProblem = { seq: number; problem: 'altered' | 'missing' | 'broken_link' };

/** Walks rows in seq order and names the first one that does not fit the chain. Pure. */
export const verifyChain = (rows: Iterable<AuditRowContent & { hash: string }>, start?: { seq: number; hash: string }) => {
  let expectedSeq = start ? start.seq + 1 : 1;
  let prevHash = start ? start.hash : GENESIS_HASH;
  let count = 0;
  for (const row of rows) {
    if (row.seq !== expectedSeq) return { ok: false as const, count, first: { seq: expectedSeq, problem: 'missing' as const } };
    if (row.prev_hash !== prevHash) return { ok: false as const, count, first: { seq: row.seq, problem: 'broken_link' as const } };
    if (auditRowHash(row) !== row.hash) return { ok: false as const, count, first: { seq: row.seq, problem: 'altered' as const } };
    prevHash = row.hash;
    expectedSeq++;
    count++;
  }
  return { ok: true as const, count, lastSeq: expectedSeq - 1, lastHash: prevHash };
};
