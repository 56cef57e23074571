import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestServer } from '../../../test/support/context.ts';
import { bearerWith } from '../../../test/support/auth.ts';
import { newId } from '../../kernel/ids.ts';

/** The member registry through the API, as the web app and integrations use it. */
let t: Awaited<ReturnType<typeof createTestServer>>;
let editor: { headers: Record<string, string> };
let reader: { headers: Record<string, string> };
before(async () => {
  t = await createTestServer();
  editor = await bearerWith(t.ctx, { contacts: 'update' }, 'registry editor');
  reader = await bearerWith(t.ctx, { contacts: 'read' }, 'volunteer');
});
after(async () => t.close());

type Json = Record<string, any>;
const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers = editor.headers) => {
  const res = await t.app.inject({ method, url: `/api/v1${url}`, headers, ...(body === undefined ? {} : { payload: body as object }) });
  return { status: res.statusCode, body: (res.body ? res.json() : null) as Json, requestId: res.headers['x-request-id'] };
};
const create = async (input: Json) => {
  const res = await call('POST', '/contacts', input);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
};
const count = async (table: 'contact' | 'audit_log' | 'household' | 'custom_field') =>
  Number((await t.ctx.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

test('POST /contacts creates a person with the next member number and answers the whole contact', async () => {
  const res = await call('POST', '/contacts', {
    kind: 'person',
    salutation: 'Ms',
    firstNames: 'Åse',
    lastName: 'Ødegård',
    birthDate: '1984-05-17',
    email: 'Ase@Example.no',
    phoneMobile: '+47 912 34 567',
    addressLines: ['Grønlandsleiret 61 A'],
    postcode: '0190',
    place: 'Oslo',
    country: 'no',
    language: 'nb',
    note: 'Prefers phone calls',
    tags: ['board', 'board', ' volunteer '],
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const c = res.body;
  assert.equal(c.memberNumber, 1001);
  assert.equal(c.displayName, 'Ødegård, Åse');
  assert.equal(c.email, 'ase@example.no');
  assert.equal(c.country, 'NO');
  assert.equal(c.invoiceDelivery, 'email');
  assert.deepEqual(c.tags, ['board', 'volunteer']);
  assert.deepEqual(c.consents, { statutes: null, data_processing: null, info_email: null, info_sms: null });
  assert.equal(c.household, null);
  assert.equal(c.payer, null);
  assert.equal(c.version, 1);
  assert.equal(c.status, 'active');
  assert.deepEqual((await call('GET', `/contacts/${c.id}`, undefined, reader.headers)).body, c);
});

test('bad input gets a 400 naming each field with what to do, and nothing is stored', async () => {
  const before = await count('contact');
  const res = await call('POST', '/contacts', { kind: 'person', firstNames: 'Kari', email: 'kari(at)example.org', country: 'Norwegia', birthDate: '17.13.1984' });
  assert.equal(res.status, 400);
  assert.equal(res.body.error.code, 'validation');
  const issues = res.body.error.details.issues as Array<{ path: string; message: string }>;
  assert.deepEqual(issues.map((i) => i.path), ['lastName', 'birthDate', 'country', 'email']);
  assert.match(res.body.error.message, /A person needs a last name\./);
  assert.match(res.body.error.message, /"kari\(at\)example\.org" is not an e-mail address\. Write it like name@example\.org\./);
  const org = await call('POST', '/contacts', { kind: 'organization', lastName: 'Nordmann' });
  assert.equal(org.status, 400);
  assert.match(org.body.error.message, /An organization needs a name\..*An organization has no last name/);
  const unknown = await call('POST', '/contacts', { kind: 'person', lastName: 'X', shoeSize: 44 });
  assert.equal(unknown.status, 400, 'unknown fields are refused');
  assert.equal(await count('contact'), before);
});

test('member numbers stay unique and sequential when many contacts are created at once', async () => {
  const created = await Promise.all(Array.from({ length: 6 }, (_, i) => call('POST', '/contacts', { kind: 'person', lastName: `Parallel ${i}` })));
  const numbers = created.map((r) => r.body.memberNumber as number).sort((a, b) => a - b);
  assert.equal(new Set(numbers).size, 6);
  assert.equal(numbers[5]! - numbers[0]!, 5, 'no gaps');
});

test('PATCH changes only what is sent, clears with "", and refuses a stale version with 409', async () => {
  const c = await create({ kind: 'person', firstNames: 'Kari', lastName: 'Nordmann', email: 'kari@example.no', place: 'Oslo' });
  const first = await call('PATCH', `/contacts/${c.id}`, { version: 1, place: 'Bergen', phoneWork: '22 33 44 55' });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.equal(first.body.place, 'Bergen');
  assert.equal(first.body.email, 'kari@example.no', 'untouched fields stay');
  assert.equal(first.body.version, 2);

  const stale = await call('PATCH', `/contacts/${c.id}`, { version: 1, place: 'Tromsø' });
  assert.equal(stale.status, 409);
  assert.match(stale.body.error.message, /Someone else changed this contact.*Reload it/);
  assert.equal(stale.body.error.details.currentVersion, 2);
  assert.equal((await call('GET', `/contacts/${c.id}`)).body.place, 'Bergen', 'the stale change was not applied');

  const cleared = await call('PATCH', `/contacts/${c.id}`, { version: 2, phoneWork: '', email: null });
  assert.equal(cleared.body.phoneWork, null);
  assert.equal(cleared.body.email, null);
  assert.equal(cleared.body.invoiceDelivery, 'print', 'without an e-mail, invoices are printed');
  assert.equal((await call('PATCH', `/contacts/${c.id}`, { kind: 'organization' })).status, 400);
});

test('a read-only key can look but gets 403 on every change', async () => {
  const c = await create({ kind: 'person', lastName: 'Readonly' });
  assert.equal((await call('GET', '/contacts', undefined, reader.headers)).status, 200);
  assert.equal((await call('GET', '/contacts/tags', undefined, reader.headers)).status, 200);
  assert.equal((await call('GET', '/custom-fields', undefined, reader.headers)).status, 200);
  for (const [method, url, body] of [
    ['POST', '/contacts', { kind: 'person', lastName: 'No' }],
    ['PATCH', `/contacts/${c.id}`, { place: 'Oslo' }],
    ['DELETE', `/contacts/${c.id}`, undefined],
    ['POST', '/contacts/bulk/tag', { tag: 'x', ids: [c.id] }],
    ['POST', '/custom-fields', { label: 'Shoe size', type: 'number' }],
    ['POST', '/households', { primaryId: c.id }],
    ['POST', '/saved-views', { area: 'contacts', name: 'Everyone', query: {}, shared: true }],
  ] as const) {
    const res = await call(method, url, body, reader.headers);
    assert.equal(res.status, 403, `${method} ${url}`);
  }
  assert.equal((await call('GET', '/contacts')).status, 200);
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/contacts' })).statusCode, 401);
});

test('every change is in the record history: who, when, before and after', async () => {
  const c = await create({ kind: 'person', firstNames: 'Ola', lastName: 'Historie', place: 'Oslo' });
  const patched = await call('PATCH', `/contacts/${c.id}`, { place: 'Bergen' });
  await call('POST', '/contacts/bulk/tag', { tag: 'history', ids: [c.id] });
  const history = await call('GET', `/audit/history/contact/${c.id}`, undefined, reader.headers);
  assert.equal(history.status, 200, JSON.stringify(history.body));
  const items = history.body.items as Json[];
  assert.deepEqual(items.map((i) => i.action), ['tag', 'update', 'create']);
  assert.equal(items[2]!.after.lastName, 'Historie');
  assert.equal(items[2]!.actorName, 'registry editor');
  assert.deepEqual(items[1]!.before, { place: 'Oslo' });
  assert.deepEqual(items[1]!.after, { place: 'Bergen' });
  assert.equal(items[1]!.requestId, patched.requestId);
  assert.deepEqual(items[0]!.after, { tags: ['history'] });
});

test('a housing co-op expressed as custom fields: typed values, choice lists, refusals with reasons', async () => {
  const fields = [
    { label: 'Section number', type: 'number', description: 'Seksjonsnummer: identifies the unit.', required: false },
    { key: 'parking_place', label: 'Parking place', type: 'number' },
    { key: 'unit_id', label: 'Unit id', type: 'text', visibility: 'member_visible' },
    { key: 'unit_address', label: 'Unit address', type: 'choice', options: ['Grønlandsleiret 61 A', 'Grønlandsleiret 61 B', 'Grønlandsleiret 61 C', 'Grønlandsleiret 61 (kjeller)'] },
  ];
  for (const f of fields) assert.equal((await call('POST', '/custom-fields', f)).status, 201);
  const list = (await call('GET', '/custom-fields', undefined, reader.headers)).body.items as Json[];
  assert.deepEqual(list.map((f) => [f.key, f.type, f.position]), [
    ['section_number', 'number', 0],
    ['parking_place', 'number', 1],
    ['unit_id', 'text', 2],
    ['unit_address', 'choice', 3],
  ]);

  const owner = await create({
    kind: 'person',
    lastName: 'Eier',
    customFields: { section_number: '12', parking_place: 3, unit_id: 'H0101', unit_address: 'Grønlandsleiret 61 B' },
  });
  assert.deepEqual(owner.customFields, { section_number: 12, parking_place: 3, unit_id: 'H0101', unit_address: 'Grønlandsleiret 61 B' });
  assert.deepEqual((await call('GET', `/contacts/${owner.id}`)).body, owner, 'the created contact reads back the same');

  const badChoice = await call('POST', '/contacts', { kind: 'person', lastName: 'X', customFields: { unit_address: 'Storgata 1' } });
  assert.equal(badChoice.status, 400);
  assert.equal(
    badChoice.body.error.message,
    '"Storgata 1" is not one of the choices for Unit address: Grønlandsleiret 61 A, Grønlandsleiret 61 B, Grønlandsleiret 61 C, Grønlandsleiret 61 (kjeller).',
  );
  assert.equal(badChoice.body.error.details.issues[0].path, 'customFields.unit_address');
  const badNumber = await call('PATCH', `/contacts/${owner.id}`, { customFields: { section_number: 'abc' } });
  assert.equal(badNumber.status, 400);
  assert.equal(badNumber.body.error.message, 'Section number must be a number, like 12 or 3.5; got "abc".');

  const filtered = await call('GET', `/contacts?${new URLSearchParams({ 'field.unit_address': 'Grønlandsleiret 61 B', 'field.section_number': '12' })}`, undefined, reader.headers);
  assert.deepEqual(filtered.body.items.map((i: Json) => i.id), [owner.id]);
  assert.equal((await call('GET', '/contacts?field.shoe=1')).status, 400);

  const cleared = await call('PATCH', `/contacts/${owner.id}`, { customFields: { parking_place: null } });
  assert.deepEqual(Object.keys(cleared.body.customFields), ['section_number', 'unit_id', 'unit_address']);

  // Definitions protect the values stored under them.
  const section = list[0]!;
  const typeChange = await call('PATCH', `/custom-fields/${section.id}`, { type: 'text' });
  assert.equal(typeChange.status, 409);
  assert.match(typeChange.body.error.message, /1 contact has a value for Section number, so its type cannot change/);
  const unitAddress = list[3]!;
  const dropChoice = await call('PATCH', `/custom-fields/${unitAddress.id}`, { options: ['Grønlandsleiret 61 A'] });
  assert.equal(dropChoice.status, 409);
  assert.match(dropChoice.body.error.message, /The choice "Grønlandsleiret 61 B" is used by 1 contact/);
  const added = await call('PATCH', `/custom-fields/${unitAddress.id}`, { options: [...unitAddress.options, 'Grønlandsleiret 61 D'], label: 'Unit address (entrance)' });
  assert.equal(added.status, 200);
  assert.equal(added.body.options.length, 5);
  assert.equal((await call('POST', '/custom-fields', { label: 'Floor', type: 'choice' })).body.error.message, 'A choice field needs at least one option, such as "Grønlandsleiret 61 A".');
  assert.match((await call('POST', '/custom-fields', { key: 'Section Number', label: 'x', type: 'text' })).body.error.message, /lowercase letters, digits and _/);
  assert.equal((await call('POST', '/custom-fields', { key: 'unit_id', label: 'Again', type: 'text' })).status, 409);

  // Delete: a field with values is archived (and hidden from contacts), an unused one is deleted.
  const archived = await call('DELETE', `/custom-fields/${section.id}`);
  assert.equal(archived.status, 200);
  assert.equal(archived.body.archived, true);
  assert.equal('section_number' in (await call('GET', `/contacts/${owner.id}`)).body.customFields, false);
  const refused = await call('PATCH', `/contacts/${owner.id}`, { customFields: { section_number: 14 } });
  assert.match(refused.body.error.message, /archived; restore it/);
  assert.equal((await call('PATCH', `/custom-fields/${section.id}`, { archived: false })).body.archived, false);
  assert.equal((await call('GET', `/contacts/${owner.id}`)).body.customFields.section_number, 12, 'values come back on restore');
  const parking = list[1]!;
  assert.equal((await call('DELETE', `/custom-fields/${parking.id}`)).status, 204);
  assert.equal((await call('GET', '/custom-fields')).body.items.length, 3);
});

test('households: secondaries take the primary address, follow it when it changes, and a person is in one household only', async () => {
  const primary = await create({ kind: 'person', firstNames: 'Per', lastName: 'Hansen', addressLines: ['Storgata 1'], postcode: '0155', place: 'Oslo', country: 'NO' });
  const partner = await create({ kind: 'person', firstNames: 'Pia', lastName: 'Hansen', place: 'Bergen' });
  const child = await create({ kind: 'person', firstNames: 'Pelle', lastName: 'Hansen' });
  const res = await call('POST', '/households', { primaryId: primary.id, secondaryIds: [partner.id] });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const household = res.body;
  assert.equal(household.name, 'Hansen household');
  assert.deepEqual(household.members.map((m: Json) => [m.displayName, m.role]), [['Hansen, Per', 'primary'], ['Hansen, Pia', 'secondary']]);
  const p = (await call('GET', `/contacts/${partner.id}`)).body;
  assert.deepEqual([p.addressLines, p.postcode, p.place, p.country], [['Storgata 1'], '0155', 'Oslo', 'NO']);
  assert.equal(p.household.role, 'secondary');
  assert.equal(p.household.members.length, 2);

  const added = await call('POST', `/households/${household.id}/members`, { contactId: child.id, role: 'secondary' });
  assert.equal(added.status, 200);
  assert.equal((await call('GET', `/contacts/${child.id}`)).body.place, 'Oslo');
  const twice = await call('POST', '/households', { primaryId: child.id });
  assert.equal(twice.status, 409);
  assert.match(twice.body.error.message, /Hansen, Pelle already belongs to the household "Hansen household"; remove them from it first\./);

  await call('PATCH', `/contacts/${primary.id}`, { addressLines: ['Nygata 2'], postcode: '5003', place: 'Bergen' });
  for (const id of [partner.id, child.id]) {
    const m = (await call('GET', `/contacts/${id}`)).body;
    assert.deepEqual([m.addressLines, m.postcode, m.place], [['Nygata 2'], '5003', 'Bergen'], 'secondaries move with the primary');
  }
  const history = (await call('GET', `/audit/history/contact/${partner.id}`)).body.items.map((i: Json) => i.action);
  assert.deepEqual(history, ['household_address', 'household_address', 'household_join', 'create']);

  const leavePrimary = await call('DELETE', `/households/${household.id}/members/${primary.id}`);
  assert.equal(leavePrimary.status, 409);
  assert.match(leavePrimary.body.error.message, /primary member\. Make another member primary first/);
  const deleted = await call('DELETE', `/contacts/${primary.id}`);
  assert.equal(deleted.status, 409);
  assert.match(deleted.body.error.message, /primary member of the household "Hansen household"/);

  const renamed = await call('PATCH', `/households/${household.id}`, { name: 'Familien Hansen', primaryId: partner.id });
  assert.equal(renamed.status, 200);
  assert.deepEqual(renamed.body.members.map((m: Json) => [m.displayName, m.role]), [['Hansen, Pia', 'primary'], ['Hansen, Pelle', 'secondary'], ['Hansen, Per', 'secondary']]);
  const left = await call('DELETE', `/households/${household.id}/members/${child.id}`);
  assert.equal(left.status, 200);
  assert.equal(left.body.members.length, 2);
  assert.equal((await call('GET', `/contacts/${child.id}`)).body.household, null);
  assert.equal((await call('GET', `/contacts?householdRole=primary`)).body.items.some((i: Json) => i.id === partner.id), true);
  const org = await create({ kind: 'organization', orgName: 'Hansen AS' });
  assert.match((await call('POST', `/households/${household.id}/members`, { contactId: org.id })).body.error.message, /households are made of persons/);
  assert.equal((await call('GET', `/households/${household.id}`, undefined, reader.headers)).body.name, 'Familien Hansen');
});

test('payers: must exist and be active, not the contact itself, and never a circle; payerFor lists who they pay for', async () => {
  const parent = await create({ kind: 'person', lastName: 'Forelder' });
  const child = await create({ kind: 'person', lastName: 'Barn', payerId: parent.id });
  assert.deepEqual(child.payer, { id: parent.id, displayName: 'Forelder' });
  assert.deepEqual((await call('GET', `/contacts/${child.id}`)).body, child, 'the created contact reads back the same');
  assert.deepEqual((await call('GET', `/contacts/${parent.id}`)).body.payerFor, [{ id: child.id, displayName: 'Barn' }]);

  const circle = await call('PATCH', `/contacts/${parent.id}`, { payerId: child.id });
  assert.equal(circle.status, 400);
  assert.match(circle.body.error.message, /Barn cannot pay for this contact: this contact already pays for Barn.*circle/);
  const grandchild = await create({ kind: 'person', lastName: 'Barnebarn', payerId: child.id });
  assert.match((await call('PATCH', `/contacts/${parent.id}`, { payerId: grandchild.id })).body.error.message, /circle/, 'longer circles too');
  assert.match((await call('PATCH', `/contacts/${parent.id}`, { payerId: parent.id })).body.error.message, /cannot be its own payer/);
  assert.match((await call('POST', '/contacts', { kind: 'person', lastName: 'X', payerId: newId() })).body.error.message, /No contact has the id/);

  const deleting = await call('DELETE', `/contacts/${parent.id}`);
  assert.equal(deleting.status, 409);
  assert.match(deleting.body.error.message, /Forelder pays for Barn; choose another payer for them first\./);
  assert.equal((await call('PATCH', `/contacts/${child.id}`, { payerId: null })).body.payer, null);
  assert.equal((await call('DELETE', `/contacts/${parent.id}`)).status, 204, 'once nobody depends on it, it can go');
});

test('delete: refused for an organization contact; otherwise the contact is gone and the deletion audited', async () => {
  const org = await create({ kind: 'organization', orgName: 'Journalists United' });
  const person = await create({ kind: 'person', firstNames: 'Tekla', lastName: 'Teknisk' });
  await t.ctx.db
    .insertInto('organization_contact')
    .values({ id: newId(), organization_id: org.id, person_id: person.id, role: 'technical', status: 'pending', confirm_token_hash: null, invited_at: '2026-01-15T10:00:00.000Z', confirmed_at: null })
    .execute();
  const refused = await call('DELETE', `/contacts/${person.id}`);
  assert.equal(refused.status, 409);
  assert.match(refused.body.error.message, /Teknisk, Tekla is a contact for Journalists United; remove them there first\./);
  assert.equal((await call('GET', `/contacts/${org.id}`)).body.organizationContacts[0].displayName, 'Teknisk, Tekla');

  const gone = await create({ kind: 'person', lastName: 'Feilregistrert' });
  assert.equal((await call('DELETE', `/contacts/${gone.id}?version=1`)).status, 204);
  assert.equal((await call('GET', `/contacts/${gone.id}`)).status, 404);
  const history = (await call('GET', `/audit/history/contact/${gone.id}`)).body.items;
  assert.equal(history[0].action, 'delete');
  assert.equal(history[0].before.lastName, 'Feilregistrert');
});

test('bulk tag and untag: by a filter or by ids, in one go, counting only contacts that changed', async () => {
  for (const place of ['Tromsø', 'Tromsø', 'Bodø']) await create({ kind: 'person', lastName: `Nordlending ${place}`, place });
  const byFilter = await call('POST', '/contacts/bulk/tag', { tag: 'north', filter: { q: 'nordlending', kind: 'person' } });
  assert.equal(byFilter.status, 200, JSON.stringify(byFilter.body));
  assert.deepEqual(byFilter.body, { affected: 3 });
  assert.deepEqual((await call('POST', '/contacts/bulk/tag', { tag: 'north', filter: { q: 'nordlending' } })).body, { affected: 0 }, 'tagging again changes nothing');
  const tagged = (await call('GET', '/contacts?tag=north')).body;
  assert.equal(tagged.total, 3);
  const tags = (await call('GET', '/contacts/tags')).body.items as Json[];
  assert.deepEqual(tags.find((x) => x.tag === 'north'), { tag: 'north', count: 3 });

  const first = tagged.items[0].id;
  assert.deepEqual((await call('POST', '/contacts/bulk/untag', { tag: 'north', ids: [first] })).body, { affected: 1 });
  assert.equal((await call('GET', '/contacts?tag=north')).body.total, 2);
  assert.equal((await call('GET', `/contacts/${first}`)).body.version, 1 + 2, 'each tag change is a new version');

  assert.equal((await call('POST', '/contacts/bulk/tag', { tag: 'x' })).status, 400);
  assert.equal((await call('POST', '/contacts/bulk/tag', { tag: 'a,b', ids: [first] })).status, 400);
  const missing = await call('POST', '/contacts/bulk/tag', { tag: 'x', ids: [first, 'NOPE'] });
  assert.equal(missing.status, 400);
  assert.match(missing.body.error.message, /No contact has the id NOPE/);
  assert.equal((await call('POST', '/contacts/bulk/tag', { tag: 'x', filter: { nope: '1' } })).status, 400);
  assert.equal((await call('GET', '/contacts?tag=x')).body.total, 0, 'a refused bulk action changes nothing');
});

test('saved views: own views are private to their owner, shared views need update access and are seen by all', async () => {
  const other = await bearerWith(t.ctx, { contacts: 'read' }, 'other volunteer');
  const mine = await call('POST', '/saved-views', { area: 'contacts', name: 'My northerners', query: { tag: 'north', sort: '-createdAt', hasEmail: false } }, reader.headers);
  assert.equal(mine.status, 201, JSON.stringify(mine.body));
  assert.deepEqual(mine.body.query, { tag: 'north', sort: '-createdAt', hasEmail: 'false' });
  assert.equal(mine.body.shared, false);
  const shared = await call('POST', '/saved-views', { area: 'contacts', name: 'Board', query: { tag: 'board' }, shared: true });
  assert.equal(shared.status, 201);

  const seenByMe = (await call('GET', '/saved-views?area=contacts', undefined, reader.headers)).body.items.map((v: Json) => v.name);
  assert.deepEqual(seenByMe, ['Board', 'My northerners']);
  const seenByOther = (await call('GET', '/saved-views?area=contacts', undefined, other.headers)).body.items.map((v: Json) => v.name);
  assert.deepEqual(seenByOther, ['Board']);
  assert.equal((await call('DELETE', `/saved-views/${mine.body.id}`, undefined, other.headers)).status, 404, "someone else's view does not exist for them");
  assert.equal((await call('DELETE', `/saved-views/${shared.body.id}`, undefined, other.headers)).status, 403);

  const bad = await call('POST', '/saved-views', { area: 'contacts', name: 'Bad', query: { colour: 'red' } }, reader.headers);
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /"colour" is not part of a contacts list query/);
  assert.equal((await call('POST', '/saved-views', { area: 'contacts', name: 'Board', query: {} })).status, 409);
  assert.equal((await call('DELETE', `/saved-views/${mine.body.id}`, undefined, reader.headers)).status, 204);
  assert.deepEqual((await call('GET', '/saved-views?area=contacts', undefined, reader.headers)).body.items.map((v: Json) => v.name), ['Board']);
});

test('the list endpoint: search, filters, sort and paging together, with clear refusals', async () => {
  const res = await call('GET', `/contacts?${new URLSearchParams({ q: 'ODEGARD', sort: '-memberNumber', pageSize: '10' })}`, undefined, reader.headers);
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.items.map((i: Json) => i.displayName), ['Ødegård, Åse']);
  assert.deepEqual(Object.keys(res.body.items[0]).sort(), ['createdAt', 'displayName', 'email', 'householdRole', 'id', 'kind', 'memberNumber', 'phoneMobile', 'place', 'tags', 'updatedAt']);
  assert.equal(res.body.pageSize, 10);
  assert.deepEqual([res.body.total, res.body.totalCapped], [1, false], 'an exact count (it stops only past 10,000)');
  const sorted = (await call('GET', '/contacts?sort=memberNumber&pageSize=3&page=2')).body;
  assert.equal(sorted.items.length, 3);
  assert.ok(sorted.items[0].memberNumber < sorted.items[2].memberNumber);
  assert.match((await call('GET', '/contacts?sort=shoeSize')).body.error.message, /Cannot sort by "shoeSize"/);
  assert.equal((await call('GET', '/contacts?kind=robot')).status, 400);
  assert.equal((await call('GET', '/contacts/NOPE')).status, 404);
});
