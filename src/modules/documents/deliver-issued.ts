import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { getSetting } from '../settings/index.ts';

/**
 * Whether the billing run sends what it issues (setting billing.send_after_run, on by default):
 * then every invoice it issues is written as sent once and its first sending is queued in the same
 * transaction — by e-mail or for print, as each payer prefers — with `queueFirstSendings`.
 */
export const sendsAfterRun = (db: Kysely<DB>): Promise<boolean> => getSetting(db, 'billing.send_after_run');
