import type { Kysely } from 'kysely';
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
