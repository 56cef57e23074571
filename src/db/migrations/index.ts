import type { Migration } from 'kysely/migration';
import * as m0001 from './0001_foundation.ts';

/** Forward-only, in order. Add a file and list it here; never edit one that has shipped. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
};
