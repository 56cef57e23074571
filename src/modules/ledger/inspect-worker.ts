/**
 * The worker thread behind `inspectOffThread`: opens its own connection to the database, reads the
 * whole check in one snapshot (one read transaction; REPEATABLE READ on PostgreSQL, so a payment
 * committed half-way cannot look like a mismatch) and posts its progress and findings back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, type DatabaseTarget } from '../../db/database.ts';
import { inspectLedger, type LedgerInspection } from './check-invariants.ts';
import { verifyLedger, type LedgerAnchor } from './verify-ledger.ts';

const { target, anchors, verifyOnly } = workerData as { target: DatabaseTarget; anchors: LedgerAnchor[]; verifyOnly: boolean };
const opened = openDatabase(target, { poolSize: 1 });
/** The last progress sent (whole percent and step): only a change is posted, at most about a hundred. */
let sent = '';
try {
  const tx = opened.db.transaction();
  const onProgress = (fraction: number, step: string) => {
    const now = `${Math.floor(fraction * 100)} ${step}`;
    if (now === sent) return;
    sent = now;
    parentPort!.postMessage({ type: 'progress', fraction, step });
  };
  const inspection = await (target.kind === 'postgres' ? tx.setIsolationLevel('repeatable read') : tx).execute(async (db): Promise<LedgerInspection> => {
    if (!verifyOnly) return inspectLedger(db, { anchors, onProgress });
    // The chain walk alone (GET /ledger/verify).
    const verification = await verifyLedger(db, { anchors, onProgress: (f) => onProgress(f, 'chain') });
    return { verification, violations: verification.ok ? [] : [verification.firstBad!.message] };
  });
  parentPort!.postMessage({ type: 'done', inspection });
} catch (e) {
  parentPort!.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
} finally {
  await opened.close();
}
