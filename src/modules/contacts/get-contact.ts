import type { Executor } from '../../db/database.ts';
import { notFound } from '../../kernel/app-error.ts';
import type { Contact } from './contact.ts';
import { loadContact } from './contact-store.ts';

/** One contact with everything the contact page shows; 404 when there is none. */
export const getContact = async (db: Executor, id: string): Promise<Contact> => {
  const contact = await loadContact(db, id);
  if (!contact) throw notFound('The contact');
  return contact;
};
