/** The billing module's public surface. Pure schedule and charge computation for now. */
export * from './schedule.ts';
export * from './charges.ts';
