import type { Kysely } from 'kysely';
import { inTransaction } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { conflict, forbidden, notFound, validation } from '../../kernel/app-error.ts';
import { newId } from '../../kernel/ids.ts';
import { recordAudit } from '../audit/index.ts';
import type { ChangedBy, ContactDeps } from './contact.ts';
import { byText } from './contact-store.ts';
import { CONTACT_SORTS, FIELD_PREFIX, FILTER_KEYS, resolveContactFilter } from './list-contacts.ts';

/**
 * Saved views: a list's filters and sort under a name. Shared views are seen by all staff; own
 * views only by the staff user (or API key) who saved them.
 */
export const VIEW_AREAS = ['contacts'] as const;
export type ViewArea = (typeof VIEW_AREAS)[number];

export interface SavedView {
  id: string;
  area: ViewArea;
  name: string;
  query: Record<string, string>;
  shared: boolean;
}

/** The list-query keys a view may keep besides the filters. */
const VIEW_EXTRA_KEYS = ['sort', 'pageSize'] as const;

const toView = (r: DB['saved_view']): SavedView => ({
  id: r.id,
  area: r.area as ViewArea,
  name: r.name,
  query: JSON.parse(r.query) as Record<string, string>,
  shared: r.owner_id === null,
});

const assertArea = (area: string): ViewArea => {
  if (!VIEW_AREAS.includes(area as ViewArea)) throw validation(`There are no saved views for "${area}"; areas: ${VIEW_AREAS.join(', ')}.`, { field: 'area' });
  return area as ViewArea;
};

/** Views the caller may see in an area: the shared ones and their own, by name. */
export const listSavedViews = async (db: Kysely<DB>, ownerId: string | null, area: string): Promise<SavedView[]> => {
  assertArea(area);
  const rows = await db
    .selectFrom('saved_view')
    .selectAll()
    .where('area', '=', area)
    .where((eb) => (ownerId ? eb.or([eb('owner_id', 'is', null), eb('owner_id', '=', ownerId)]) : eb('owner_id', 'is', null)))
    .execute();
  return rows.map(toView).sort((a, b) => byText(a.name.toLowerCase(), b.name.toLowerCase()) || byText(a.id, b.id));
};

export interface SavedViewInput {
  area: string;
  name: string;
  query: Record<string, string | boolean | number>;
  shared?: boolean;
}

/** Checks a view's query like the list would (unknown filters and bad values are refused) and keeps it as text. */
const checkQuery = async (db: Kysely<DB>, query: SavedViewInput['query']): Promise<Record<string, string>> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) {
    const value = String(v).trim();
    if (value === '') continue;
    if (!(FILTER_KEYS as readonly string[]).includes(k) && !k.startsWith(FIELD_PREFIX) && !(VIEW_EXTRA_KEYS as readonly string[]).includes(k)) {
      throw validation(`"${k}" is not part of a contacts list query. Keys: ${[...FILTER_KEYS, ...VIEW_EXTRA_KEYS].join(', ')}, field.<key>.`, { field: `query.${k}` });
    }
    out[k] = value;
  }
  await resolveContactFilter(db, out, { ignore: VIEW_EXTRA_KEYS });
  if (out.sort && !(CONTACT_SORTS as readonly string[]).includes(out.sort.replace(/^[-+]/, ''))) {
    throw validation(`Cannot sort by "${out.sort}". Sort by one of: ${CONTACT_SORTS.join(', ')} (prefix with - for descending).`, { field: 'query.sort' });
  }
  if (out.pageSize && !/^\d+$/.test(out.pageSize)) throw validation('pageSize must be a whole number.', { field: 'query.pageSize' });
  return out;
};

/**
 * Saves a view. A shared view needs update access to the area (`canShare`); an own view needs
 * only a signed-in caller with an id.
 */
export const createSavedView = async (deps: ContactDeps, by: ChangedBy & { canShare: boolean }, input: SavedViewInput): Promise<SavedView> => {
  const area = assertArea(input.area);
  const name = input.name.replace(/\s+/g, ' ').trim();
  if (!name) throw validation('Give the view a name.', { field: 'name' });
  if (name.length > 100) throw validation('A view name can be at most 100 characters.', { field: 'name' });
  const shared = input.shared ?? false;
  if (shared && !by.canShare) throw forbidden(`Saving a view for everyone needs update access to ${area}; save it as your own view instead.`);
  if (!shared && !by.actor.id) throw validation('Only a signed-in staff user or an API key can have own views; save it as shared.', { field: 'shared' });
  const query = await checkQuery(deps.db, input.query);
  return inTransaction(deps.db, async (tx) => {
    const taken = await tx.selectFrom('saved_view').select(['owner_id']).where('area', '=', area).where('name', '=', name).executeTakeFirst();
    if (taken) throw conflict(`There is already a view named "${name}"; choose another name.`, { field: 'name' });
    const now = deps.clock.now().toISOString();
    const row = { id: newId(deps.clock.now().getTime()), area, name, query: JSON.stringify(query), owner_id: shared ? null : by.actor.id, created_at: now, updated_at: now };
    await tx.insertInto('saved_view').values(row).execute();
    const view = toView(row);
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'saved_view', entityId: view.id, action: 'create', after: { area, name, query, shared }, requestId: by.requestId });
    return view;
  });
};

/** Deletes a view: one's own, or a shared one with update access. Someone else's own view does not exist for the caller. */
export const deleteSavedView = async (deps: ContactDeps, by: ChangedBy & { canShare: boolean }, id: string): Promise<void> =>
  inTransaction(deps.db, async (tx) => {
    const row = await tx.selectFrom('saved_view').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || (row.owner_id !== null && row.owner_id !== by.actor.id)) throw notFound('The saved view');
    if (row.owner_id === null && !by.canShare) throw forbidden(`Deleting a shared view needs update access to ${row.area}.`);
    await tx.deleteFrom('saved_view').where('id', '=', id).execute();
    const view = toView(row);
    await recordAudit(tx, deps.clock, by.actor, { entityType: 'saved_view', entityId: id, action: 'delete', before: { area: view.area, name: view.name, query: view.query, shared: view.shared }, requestId: by.requestId });
  });
