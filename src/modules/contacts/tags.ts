import type { Kysely } from 'kysely';
import { inTransaction, toNumber } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { conflict, validation } from '../../kernel/app-error.ts';
import { recordAudit } from '../audit/index.ts';
import { normalizeTags, problemsError, type ChangedBy, type ContactDeps } from './contact.ts';
import { byText, loadTags } from './contact-store.ts';
import { contactIdsMatching, resolveContactFilter, type RawContactFilter } from './list-contacts.ts';

/** Tags: free labels on contacts, listed with how many contacts carry each, and set or removed in bulk. */

export const listTags = async (db: Kysely<DB>): Promise<Array<{ tag: string; count: number }>> =>
  (
    await db
      .selectFrom('contact_tag')
      .innerJoin('contact', 'contact.id', 'contact_tag.contact_id')
      .where('contact.status', '=', 'active')
      .select(['contact_tag.tag', (eb) => eb.fn.countAll().as('n')])
      .groupBy('contact_tag.tag')
      .execute()
  )
    .map((r) => ({ tag: r.tag, count: toNumber(r.n) }))
    .sort((a, b) => byText(a.tag, b.tag));

export interface BulkTagInput {
  tag: string;
  ids?: string[];
  filter?: RawContactFilter;
}

export const BULK_MAX_IDS = 10_000;

/**
 * Adds (`tag`) or removes (`untag`) one tag on the contacts named by `ids` or matched by `filter`,
 * all in one transaction. Each contact that changes gets its own audit row (so its history shows
 * it) and a new version; contacts that already had (or lacked) the tag are left alone.
 * `affected` counts the contacts that changed.
 */
export const bulkTag = async (deps: ContactDeps, by: ChangedBy, mode: 'tag' | 'untag', input: BulkTagInput): Promise<{ affected: number }> => {
  const problems: Array<{ path: string; message: string }> = [];
  const [tag] = normalizeTags([input.tag ?? ''], problems, 'tag');
  if (problems.length) throw problemsError(problems);
  if (!tag) throw validation('Give the tag to ' + (mode === 'tag' ? 'add.' : 'remove.'), { field: 'tag' });
  if ((input.ids === undefined) === (input.filter === undefined)) {
    throw validation('Give either ids (the chosen contacts) or filter (every contact the list shows), not both or neither.', { field: 'ids' });
  }
  const filter = input.filter ? await resolveContactFilter(deps.db, input.filter, { ignore: ['page', 'pageSize', 'sort'] }) : null;
  if (filter && filter.status !== 'active') throw conflict('Erased contacts cannot be tagged or untagged.');

  return inTransaction(deps.db, async (tx) => {
    let ids: string[];
    if (filter) ids = await contactIdsMatching(tx, filter);
    else {
      ids = [...new Set(input.ids)];
      if (ids.length > BULK_MAX_IDS) throw validation(`At most ${BULK_MAX_IDS} ids at a time; use a filter for more.`, { field: 'ids' });
      const found = new Map<string, string>();
      for (let i = 0; i < ids.length; i += 500) {
        const rows = await tx.selectFrom('contact').select(['id', 'status']).where('id', 'in', ids.slice(i, i + 500)).execute();
        for (const r of rows) found.set(r.id, r.status);
      }
      const missing = ids.filter((id) => !found.has(id));
      if (missing.length) throw validation(`No contact has the id ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` (and ${missing.length - 10} more)` : ''}.`, { field: 'ids', missing });
      if (ids.some((id) => found.get(id) !== 'active')) throw conflict('Erased contacts cannot be tagged or untagged; leave them out.');
    }

    let affected = 0;
    const now = deps.clock.now().toISOString();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const tags = await loadTags(tx, chunk);
      for (const id of chunk) {
        const before = tags.get(id) ?? [];
        const has = before.includes(tag);
        if (has === (mode === 'tag')) continue;
        if (mode === 'tag') await tx.insertInto('contact_tag').values({ contact_id: id, tag }).execute();
        else await tx.deleteFrom('contact_tag').where('contact_id', '=', id).where('tag', '=', tag).execute();
        await tx.updateTable('contact').set((eb) => ({ version: eb('version', '+', 1), updated_at: now })).where('id', '=', id).execute();
        const after = mode === 'tag' ? [...before, tag].sort(byText) : before.filter((t) => t !== tag);
        await recordAudit(tx, deps.clock, by.actor, { entityType: 'contact', entityId: id, action: mode, before: { tags: before }, after: { tags: after }, requestId: by.requestId });
        affected++;
      }
    }
    return { affected };
  });
};
