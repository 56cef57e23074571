import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestServer } from '../../../test/support/context.ts';
import { bearerWith } from '../../../test/support/auth.ts';
import { systemActor } from '../../modules/audit/index.ts';
import { addOrganizationContact, createContact, createHousehold, getContact } from '../../modules/contacts/index.ts';
import { readCsvFile } from '../../kernel/csv.ts';
import { updateSetting } from '../../modules/settings/index.ts';
import { newId } from '../../kernel/ids.ts';

let t: Awaited<ReturnType<typeof createTestServer>>;
let headers: Record<string, string>;
const by = { actor: systemActor };

before(async () => {
  t = await createTestServer();
  headers = (await bearerWith(t.ctx)).headers;
  const now = t.ctx.clock.now().toISOString();
  await t.ctx.db
    .insertInto('custom_field')
    .values({ id: newId(), key: 'parking_place', label: 'P-plass', description: '', type: 'number', options: null, visibility: 'staff', applies_to: 'person', required: 0, position: 1, archived: 0, created_at: now, updated_at: now })
    .execute();
});
after(async () => t.close());

test('consents: each change is a new row with the wording and version shown; the contact shows the newest', async () => {
  const p = await createContact(t.ctx, by, { kind: 'person', firstNames: 'Siri', lastName: 'Vik', email: 'siri@example.org' });
  const give = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${p.id}/consents`, headers, payload: { kind: 'info_email', granted: true } });
  assert.equal(give.statusCode, 200, give.body);
  assert.deepEqual(
    { ...give.json().consents.info_email, at: undefined },
    { granted: true, wording: 'I would like to receive information by e-mail.', version: '1', source: 'api', at: undefined },
  );

  // New wording in settings: later consents carry it; the earlier row keeps what was shown then.
  await updateSetting(t.ctx, systemActor, 'consent.info_email.wording', 'Jeg ønsker informasjon pr. e-post.');
  await updateSetting(t.ctx, systemActor, 'consent.info_email.version', '2026-1');
  const withdraw = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${p.id}/consents`, headers, payload: { kind: 'info_email', granted: false } });
  assert.equal(withdraw.json().consents.info_email.granted, false);
  assert.equal(withdraw.json().consents.info_email.version, '2026-1');
  await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${p.id}/consents`, headers, payload: { kind: 'statutes', granted: true, wording: 'Vedtektene av 2025', version: 'v2025' } });

  const history = await t.app.inject({ method: 'GET', url: `/api/v1/contacts/${p.id}/consents`, headers });
  assert.equal(history.statusCode, 200);
  assert.deepEqual(
    history.json().items.map((c: { kind: string; granted: boolean; version: string; wording: string }) => [c.kind, c.granted, c.version, c.wording]),
    [
      ['statutes', true, 'v2025', 'Vedtektene av 2025'],
      ['info_email', false, '2026-1', 'Jeg ønsker informasjon pr. e-post.'],
      ['info_email', true, '1', 'I would like to receive information by e-mail.'],
    ],
    'newest first, same-millisecond changes kept in order',
  );
  const current = await getContact(t.ctx.db, p.id);
  assert.equal(current.consents.info_email?.granted, false);
  assert.equal(current.consents.data_processing, null);

  const bad = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${p.id}/consents`, headers, payload: { kind: 'newsletter', granted: true } });
  assert.equal(bad.statusCode, 400);
  const missing = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/nope/consents`, headers, payload: { kind: 'statutes', granted: true } });
  assert.equal(missing.statusCode, 404);
  const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('entity_id', '=', p.id).where('action', 'like', 'consent.%').execute();
  assert.equal(audit.length, 3);
});

test('personal-data export holds the record, custom values, consent history, links, history and mail; the text summary reads well', async () => {
  const p = await createContact(t.ctx, by, {
    kind: 'person',
    firstNames: 'Åse',
    lastName: 'Ødegård',
    email: 'ase@example.org',
    phoneMobile: '+47 912 34 567',
    birthDate: '1984-05-17',
    addressLines: ['Grønlandsleiret 61 A'],
    postcode: '0190',
    place: 'Oslo',
    tags: ['styret'],
    customFields: { parking_place: 14 },
  });
  const org = await createContact(t.ctx, by, { kind: 'organization', orgName: 'Borettslaget Grønland' });
  await addOrganizationContact(t.ctx, by, org.id, { personId: p.id, role: 'administrative' });
  await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${p.id}/consents`, headers, payload: { kind: 'data_processing', granted: true } });

  const res = await t.app.inject({ method: 'GET', url: `/api/v1/contacts/${p.id}/personal-data`, headers });
  assert.equal(res.statusCode, 200, res.body);
  const data = res.json();
  assert.equal(data.contact.email, 'ase@example.org');
  assert.equal(data.contact.birthDate, '1984-05-17');
  assert.deepEqual(data.customFields, [{ key: 'parking_place', label: 'P-plass', value: '14', archived: false }]);
  assert.equal(data.consents[0].kind, 'data_processing');
  assert.deepEqual(data.contact.organizations.map((o: { displayName: string }) => o.displayName), ['Borettslaget Grønland']);
  assert.deepEqual(data.contact.tags, ['styret']);
  assert.ok(data.history.some((h: { action: string }) => h.action === 'create'));
  assert.equal(data.mail.length, 1, 'the confirmation e-mail sent to her');
  assert.match(data.mail[0].subject, /Borettslaget Grønland/);
  assert.match(res.headers['content-disposition'] as string, /personal-data-\d+\.json/);

  const txt = await t.app.inject({ method: 'GET', url: `/api/v1/contacts/${p.id}/personal-data.txt`, headers });
  assert.equal(txt.statusCode, 200);
  assert.match(txt.headers['content-type'] as string, /^text\/plain/);
  assert.match(txt.body, /About: Ødegård, Åse \(member number \d+\)/);
  assert.match(txt.body, /Mobile phone: \+47 912 34 567/);
  assert.match(txt.body, /P-plass: 14/);
  assert.match(txt.body, /data_processing: given \(version 1/);
  assert.match(txt.body, /Contact for organizations: Borettslaget Grønland \(administrative, pending\)/);
});

test('erase anonymises the person, keeps id and member number, drops them from search and lists, and audits without the values', async () => {
  const p = await createContact(t.ctx, by, { kind: 'person', firstNames: 'Ørjan', lastName: 'Hætta', email: 'orjan_h@example.org', phoneMobile: '+47 400 11 222', note: 'Ringer ofte', tags: ['frivillig'], customFields: { parking_place: 3 } });
  const child = await createContact(t.ctx, by, { kind: 'person', firstNames: 'Lille', lastName: 'Hætta', payerId: p.id });
  const partner = await createContact(t.ctx, by, { kind: 'person', firstNames: 'Mari', lastName: 'Hætta' });
  const household = await createHousehold(t.ctx, by, { name: 'Familien Hætta', primaryId: p.id, secondaryIds: [partner.id] });
  await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${p.id}/consents`, headers, payload: { kind: 'statutes', granted: true } });
  // Mail sent to him (already handed to the mail server), and mail to someone else whose address is alike.
  const org = await createContact(t.ctx, by, { kind: 'organization', orgName: 'Sameiet Hætta' });
  const other = await createContact(t.ctx, by, { kind: 'person', lastName: 'Annen', email: 'orjanxh@example.org' });
  await addOrganizationContact(t.ctx, by, org.id, { personId: p.id, role: 'administrative' });
  await addOrganizationContact(t.ctx, by, org.id, { personId: other.id, role: 'technical' });
  await t.ctx.db.updateTable('mail_message').set({ status: 'sent' }).execute();

  const found = await t.app.inject({ method: 'GET', url: '/api/v1/contacts?q=h%C3%A6tta%20%C3%B8rjan', headers });
  assert.equal(found.json().total, 1);

  const noConfirm = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${p.id}/erase`, headers, payload: { reason: 'asked' } });
  assert.equal(noConfirm.statusCode, 400, 'confirm: true is required');
  const res = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${p.id}/erase`, headers, payload: { confirm: true, reason: 'Asked by the member on 2026-01-10' } });
  assert.equal(res.statusCode, 200, res.body);
  const erased = res.json();
  assert.equal(erased.id, p.id);
  assert.equal(erased.memberNumber, p.memberNumber, 'the member number stays for the books');
  assert.equal(erased.status, 'erased');
  assert.equal(erased.displayName, 'Erased');
  for (const key of ['firstNames', 'email', 'phoneMobile', 'note', 'birthDate', 'postcode']) assert.equal(erased[key], null, key);
  assert.deepEqual(erased.tags, []);
  assert.deepEqual(erased.customFields, {});
  assert.equal(erased.household, null);
  assert.equal(erased.consents.statutes.granted, true, 'consents are kept as the record of what was agreed');

  for (const q of ['haetta orjan', 'Ørjan Hætta', 'orjan_h@example.org', '40011222']) {
    const r = await t.app.inject({ method: 'GET', url: `/api/v1/contacts?q=${encodeURIComponent(q)}`, headers });
    assert.equal(r.json().total, 0, `search "${q}" no longer finds the person`);
  }
  const list = await t.app.inject({ method: 'GET', url: '/api/v1/contacts?pageSize=500', headers });
  assert.ok(!list.json().items.some((c: { id: string }) => c.id === p.id), 'not in the default list');
  const erasedList = await t.app.inject({ method: 'GET', url: `/api/v1/contacts?status=erased&q=${p.memberNumber}`, headers });
  assert.deepEqual(erasedList.json().items.map((c: { id: string }) => c.id), [p.id], 'found by member number among erased contacts');

  assert.equal((await getContact(t.ctx.db, child.id)).payer, null, 'the child pays their own invoices again');
  const hh = await getContact(t.ctx.db, partner.id);
  assert.equal(hh.household?.id, household.id);
  assert.equal(hh.household?.role, 'primary', 'the partner now leads the household');

  const mails = await t.ctx.db.selectFrom('mail_message').select(['to_addresses', 'subject', 'text_body', 'related_id']).execute();
  const his = mails.find((m) => m.related_id === p.id)!;
  assert.deepEqual([his.to_addresses, his.subject, his.text_body], ['[]', '(erased)', ''], 'mail to him is blanked');
  const theirs = mails.find((m) => m.related_id === other.id)!;
  assert.equal(theirs.to_addresses, '["orjanxh@example.org"]', 'a look-alike address is left alone');
  assert.equal((await getContact(t.ctx.db, org.id)).organizationContacts.length, 1, 'he is no longer a contact of the organization');

  const audit = await t.ctx.db.selectFrom('audit_log').select(['before', 'after']).where('entity_id', '=', p.id).where('action', '=', 'erase').executeTakeFirstOrThrow();
  assert.equal(audit.before, null);
  assert.doesNotMatch(audit.after!, /Ørjan|orjan_h@example|400 11 222|Ringer/);
  assert.match(audit.after!, /Asked by the member/);

  const again = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${p.id}/erase`, headers, payload: { confirm: true, reason: 'again' } });
  assert.equal(again.statusCode, 409);
  const change = await t.app.inject({ method: 'PATCH', url: `/api/v1/contacts/${p.id}`, headers, payload: { firstNames: 'Back' } });
  assert.equal(change.statusCode, 409, 'an erased contact cannot be changed');
  assert.equal((await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${org.id}/erase`, headers, payload: { confirm: true, reason: 'x' } })).statusCode, 409, 'organizations are not erased');
});

test('CSV export of a filtered list: BOM, neutralised formulas, filter respected, and it imports back unchanged', async () => {
  await createContact(t.ctx, by, { kind: 'person', firstNames: '=HYPERLINK("http://evil")', lastName: 'Export', email: 'evil@example.org', tags: ['export'], phoneMobile: '+47 915 00 000', customFields: { parking_place: 7 } });
  await createContact(t.ctx, by, { kind: 'person', firstNames: 'Zoë', lastName: 'Ærlig', email: 'zoe@example.org', tags: ['export'], addressLines: ['c/o Hansen', 'Storgata 1, 2. etg'] });
  await createContact(t.ctx, by, { kind: 'person', lastName: 'Not exported', tags: ['other'] });

  const res = await t.app.inject({ method: 'GET', url: '/api/v1/contacts/export.csv?tag=export', headers });
  assert.equal(res.statusCode, 200, res.body);
  assert.match(res.headers['content-type'] as string, /^text\/csv; charset=utf-8/);
  assert.match(res.headers['content-disposition'] as string, /attachment; filename="contacts-2026-01-15\.csv"/);
  const bytes = res.rawPayload;
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM for Excel');
  const csv = readCsvFile(bytes);
  assert.equal(csv.separator, ',');
  assert.equal(csv.rows.length, 2, 'only the filtered contacts');
  const col = (name: string) => csv.header.indexOf(name);
  const evil = csv.rows.find((r) => r.fields[col('Last name')] === 'Export')!.fields;
  assert.equal(evil[col('First names')], `'=HYPERLINK("http://evil")`, 'a formula is neutralised');
  assert.equal(evil[col('Mobile phone')], "'+47 915 00 000");
  assert.equal(evil[col('P-plass')], '7');
  const zoe = csv.rows.find((r) => r.fields[col('Last name')] === 'Ærlig')!.fields;
  assert.equal(zoe[col('First names')], 'Zoë');
  assert.equal(zoe[col('Address line 2')], 'Storgata 1, 2. etg');

  // The export's columns map back by themselves, and nothing changes on re-import.
  const up = await t.app.inject({ method: 'POST', url: '/api/v1/contacts/imports?filename=export.csv', headers: { ...headers, 'content-type': 'text/csv' }, payload: bytes });
  assert.equal(up.statusCode, 201, up.body);
  const mapping = up.json().suggestedMapping;
  assert.equal(mapping['Member number'], 'memberNumber');
  assert.equal(mapping['P-plass'], 'customFields.parking_place');
  assert.equal(mapping['Consent: information by e-mail'], 'consents.info_email');
  const dry = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/imports/${up.json().id}/dry-run`, headers, payload: { mapping } });
  assert.equal(dry.statusCode, 200, dry.body);
  assert.deepEqual(dry.json().rows.map((r: { action: string }) => r.action), ['skip', 'skip'], JSON.stringify(dry.json().rows));

  const bad = await t.app.inject({ method: 'GET', url: '/api/v1/contacts/export.csv?field.nope=1', headers });
  assert.equal(bad.statusCode, 400);
});
