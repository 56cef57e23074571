import { registerMailJobs } from '../modules/mail/index.ts';
import { registerBillingJobs } from '../modules/billing/index.ts';
import { registerDocumentJobs } from '../modules/documents/index.ts';
import { registerLedgerJobs } from '../modules/ledger/index.ts';
import { housekeepingTask } from './housekeeping.ts';
import { JobRegistry } from './registry.ts';

/** Every module's job handlers and scheduled tasks. Add a line when a module gains a job type. */
export const jobModules: Array<(registry: JobRegistry) => void> = [
  registerMailJobs,
  registerBillingJobs,
  registerDocumentJobs,
  registerLedgerJobs,
  (r) => r.schedule(housekeepingTask),
];

/** The registry a running Guildhall uses. */
export const defaultJobRegistry = (): JobRegistry => {
  const registry = new JobRegistry();
  for (const register of jobModules) register(registry);
  return registry;
};
