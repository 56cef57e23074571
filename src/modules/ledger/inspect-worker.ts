/**
 * The worker thread behind `inspectOffThread`: opens its own connection to the database, reads the
 * whole check in one snapshot (one read transaction; REPEATABLE READ on PostgreSQL, so a payment
 * committed half-way cannot look like a mismatch) and posts its progress and findings back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, type DatabaseTarget } from '../../db/database.ts';
import { inspectLedger, type LedgerInspection } from './check-invariants.ts';
import { lastSeq, verifyLedger, type LedgerAnchor } from './verify-ledger.ts';

const { target, anchors, verifyOnly } = workerData as { target: DatabaseTarget; anchors: LedgerAnchor[]; verifyOnly: boolean };
const opened = openDatabase(target, { poolSize: 1 });
let sentAt = 0;
try {
  const tx = opened.db.transaction();
  const onProgress = (fraction: number, step: string) => {
    const now = Date.now();
    if (now - sentAt < 200 && fraction < 1) return;
    sentAt = now;
    parentPort!.postMessage({ type: 'progress', fraction, step });
  };
  const inspection = await (target.kind === 'postgres' ? tx.setIsolationLevel('repeatable read') : tx).execute(async (db): Promise<LedgerInspection> => {
    if (!verifyOnly) return inspectLedger(db, { anchors, onProgress });
    // The chain walk alone (GET /ledger/verify): its progress is entries of the head's seq.
    const head = await lastSeq(db);
    const verification = await verifyLedger(db, { anchors, onProgress: (n) => onProgress(head ? n / head : 1, 'chain') });
    return { verification, violations: verification.ok ? [] : [verification.firstBad!.message] };
  });
  parentPort!.postMessage({ type: 'done', inspection });
} catch (e) {
  parentPort!.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
} finally {
  await opened.close();
}
