import type { Database } from '../../db/database.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { Actor } from '../audit/index.ts';

export interface LedgerDeps {
  db: Database;
  clock: Clock;
}

export interface ChangedBy {
  actor: Actor;
  requestId?: string | null;
}

/** The name a posting records as its author. */
export const authorOf = (by: ChangedBy): string => by.actor.name ?? by.actor.type;
