import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';

export interface JobSpec {
  type: string;
  payload: unknown;
  /**
   * A deterministic id makes the job exactly-once: enqueuing the same id twice keeps the first
   * (e.g. `mail:<message id>`, `invoice-email:<invoice id>:<send count>`).
   */
  id?: string;
  runAt?: Date;
  maxAttempts?: number;
}

/**
 * Writes a durable job. Call it with the transaction that makes the change the job follows from,
 * so the job exists if and only if the change committed (the transactional outbox).
 */
export const enqueueJob = async (tx: Kysely<DB>, clock: Clock, spec: JobSpec): Promise<string> => {
  const now = clock.now();
  const id = spec.id ?? newId(now.getTime());
  await tx
    .insertInto('job')
    .values({
      id,
      type: spec.type,
      payload: JSON.stringify(spec.payload ?? null),
      status: 'pending',
      run_at: (spec.runAt ?? now).toISOString(),
      attempts: 0,
      max_attempts: spec.maxAttempts ?? 8,
      last_error: null,
      locked_by: null,
      locked_at: null,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
      finished_at: null,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return id;
};
