/**
 * The billing module's public surface. Pure schedule and charge computation for now.
 *
 * Open questions for the billing run (decide them there, with tests):
 * - Disconnect date: seed 004 §2.3 says a group with a disconnect date is never billed again; this
 *   core bills terms that start before it (and the usage of the last period that started before it).
 * - A schedule whose anniversary day differs from its start day begins billing at the next
 *   anniversary: bill or prorate the short first period?
 * - A term that starts before the end date is billed whole, without proration.
 * - `duePeriods` ignores trials: the conversion must move the start when a paid type follows a trial.
 * - Renewals step from the end date's own day, and 12 months for types without a frequency.
 * - Zero-amount fee lines (free products, FM2) are kept so the period counts as billed; hide them on
 *   the invoice?
 * - Amounts are net and the VAT rate is a label; VAT, queued one-off charges, recurring charges,
 *   year-end conversion of discounted types and per-term attribute billing are not here yet.
 * - A changed anchor day or frequency invalidates the cursor (refused); the change must reset it.
 */
export * from './schedule.ts';
export * from './charges.ts';
