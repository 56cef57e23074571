import type { Kysely } from 'kysely';
import { dbKind, lockResource, toNumber } from '../../db/database.ts';
import { nextNumber, reserveNumber } from '../../db/sequences.ts';
import type { DB } from '../../db/schema.ts';
import { conflict, validation } from '../../kernel/app-error.ts';
import { getSetting } from '../settings/index.ts';
import { findContactByMemberNumber } from './contact-store.ts';

/** Member numbers: one series, starting at the setting contacts.first_member_number (default 1001). */
export const MEMBER_NUMBER_SEQUENCE = 'member_number';

/** The next member number; call inside the transaction that creates the contact. */
export const takeMemberNumber = async (tx: Kysely<DB>): Promise<number> =>
  nextNumber(tx, MEMBER_NUMBER_SEQUENCE, await getSetting(tx, 'contacts.first_member_number'));

/** Keeps a member number given from outside (an import of an old register); the series continues after it. */
export const useGivenMemberNumber = async (tx: Kysely<DB>, memberNumber: number): Promise<number> => {
  if (!Number.isSafeInteger(memberNumber) || memberNumber < 1) {
    throw validation(`A member number is a whole number from 1 up; got ${memberNumber}.`, { field: 'memberNumber' });
  }
  const taken = await findContactByMemberNumber(tx, memberNumber);
  if (taken) throw conflict(`Member number ${memberNumber} already belongs to ${taken.display_name}.`, { field: 'memberNumber', contactId: taken.id });
  await reserveNumber(tx, MEMBER_NUMBER_SEQUENCE, memberNumber, await getSetting(tx, 'contacts.first_member_number'));
  return memberNumber;
};

/**
 * Member numbers for many contacts at once (an import): the series is read once, numbers are taken
 * and given numbers reserved in memory in the order rows come, and the series is written back once
 * with `save`. The numbers are exactly those the same takes and reservations one at a time would
 * give. With `lock` (inside the transaction that creates the contacts) the series stays locked
 * until commit, so no one else takes a number in between and a rollback gives the block back;
 * without it (a dry run) the block only tells which numbers a run would take now.
 */
export class MemberNumberBlock {
  private stored: number;
  private readonly first: number;
  private readonly loaded: number;

  private constructor(stored: number, first: number) {
    this.stored = stored;
    this.loaded = stored;
    this.first = first;
  }

  static async open(tx: Kysely<DB>, opts: { lock: boolean }): Promise<MemberNumberBlock> {
    const first = await getSetting(tx, 'contacts.first_member_number');
    if (opts.lock) {
      // The same lock reserveNumber takes, then the row itself (nextNumbers' upsert waits for it).
      await lockResource(tx, `seq:${MEMBER_NUMBER_SEQUENCE}`);
      await tx.insertInto('number_sequence').values({ name: MEMBER_NUMBER_SEQUENCE, next_value: first }).onConflict((oc) => oc.column('name').doNothing()).execute();
    }
    let query = tx.selectFrom('number_sequence').select('next_value').where('name', '=', MEMBER_NUMBER_SEQUENCE);
    if (opts.lock && dbKind(tx) === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return new MemberNumberBlock(row ? toNumber(row.next_value) : first, first);
  }

  /** The number `take` would give now. */
  peek(): number {
    return Math.max(this.stored, this.first);
  }

  /** The next member number (takeMemberNumber). */
  take(): number {
    const n = this.peek();
    this.stored = n + 1;
    return n;
  }

  /** A number given from outside; the series continues after it (useGivenMemberNumber). */
  reserve(memberNumber: number): void {
    this.stored = Math.max(this.stored, memberNumber + 1);
  }

  /** Writes the series back (inside the locked transaction). */
  async save(tx: Kysely<DB>): Promise<void> {
    if (this.stored !== this.loaded) await tx.updateTable('number_sequence').set({ next_value: this.stored }).where('name', '=', MEMBER_NUMBER_SEQUENCE).execute();
  }
}
