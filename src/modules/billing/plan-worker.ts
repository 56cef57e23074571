/**
 * The worker thread that plans the billing run's batches ahead (plan-ahead.ts): on its own SQLite connection it pages
 * through the payers with something due and plans each batch (plan-batch.ts), one batch per request
 * from the run, each in one read transaction (one snapshot), while the run writes the batch before.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, type DatabaseTarget } from '../../db/database.ts';
import type { CatalogSnapshot } from './catalog-snapshot.ts';
import { duePayers, planBatch, planContext, type PlannerSetup } from './plan-batch.ts';
import { loadPayerSnapshots } from '../invoices/index.ts';
import { creditToSettle } from '../payments/index.ts';
import type { AheadReply, AheadRequest } from './plan-ahead.ts';

const setup = workerData as PlannerSetup & { target: DatabaseTarget; catalog: CatalogSnapshot };
// Each batch reads its own payers' rows once: a small page cache (the run's connection keeps its 64 MiB).
const opened = openDatabase(setup.target, { poolSize: 1, cacheMiB: 8 });
const only = setup.onlyItems ? new Set(setup.onlyItems) : undefined;
/** The run's clock at the request: new ids (converted subscriptions) are stamped as the run would. */
let nowMs = 0;
const ctx = planContext(setup, setup.catalog, () => nowMs);

let after = '';
let ended = false;
const post = (m: AheadReply) => parentPort!.postMessage(m);

/** One request at a time, in the order asked: each continues after the last payer of the one before. */
let queue = Promise.resolve();
parentPort!.on('message', (m: AheadRequest) => {
  if (m.type === 'stop') {
    queue = queue.then(() => opened.close()).then(() => process.exit(0));
    return;
  }
  queue = queue.then(async () => {
    if (ended) return post({ type: 'end', ask: m.ask });
    nowMs = m.nowMs;
    try {
      const planned = await opened.db.transaction().execute(async (tx) => {
        const due = await duePayers(tx, setup.asOf, after, setup.batchSize, only);
        if (!due.payers.length) return null;
        const plan = await planBatch(tx, due, ctx, only);
        // What writing would read about the payers. A payer that cannot be invoiced (erased) is left
        // to the run, which reads the payers again under the lock and says why.
        const billed = plan.invoices.map((i) => i.payerId);
        const payers = await loadPayerSnapshots(tx, billed).catch(() => null);
        if (payers) plan.ahead = { payers, creditCandidates: await creditToSettle(tx, billed) };
        return { due, plan };
      });
      if (!planned) {
        ended = true;
        return post({ type: 'end', ask: m.ask });
      }
      after = planned.due.payers[planned.due.payers.length - 1]!;
      post({ type: 'plan', ask: m.ask, due: planned.due, plan: planned.plan });
    } catch (e) {
      ended = true;
      post({ type: 'error', ask: m.ask, message: e instanceof Error ? e.message : String(e) });
    }
  });
});
