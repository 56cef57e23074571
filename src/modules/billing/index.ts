/**
 * The billing module: the pure schedule (schedule.ts) and charges (charges.ts), the per-row plan of
 * the run (plan.ts, pure), the run itself (run-billing.ts: batches of payers, one transaction each,
 * exactly once), the annual cycle, and billing runs as records with a job and a daily task.
 * Decisions are written at the top of plan.ts.
 */
export * from './schedule.ts';
export * from './charges.ts';
export * from './plan.ts';
export { loadCatalogSnapshot, itemKey, type CatalogItem, type CatalogSnapshot } from './catalog-snapshot.ts';
export { runBilling, openBillingCycle, checkAsOf, type RunOptions, type RunResult, type RunTotals, type PayerPreview, type CycleOptions, type BillingDeps } from './run-billing.ts';
export { startBillingRun, getBillingRun, listBillingRuns, registerBillingJobs, dailyBillingTask, BILLING_RUN_JOB, type BillingRun } from './billing-runs.ts';
