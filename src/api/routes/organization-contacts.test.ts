import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestServer } from '../../../test/support/context.ts';
import { bearerWith } from '../../../test/support/auth.ts';
import { systemActor } from '../../modules/audit/index.ts';
import { correspondenceRecipients, createContact } from '../../modules/contacts/index.ts';
import { hashToken } from '../../kernel/ids.ts';

let t: Awaited<ReturnType<typeof createTestServer>>;
let headers: Record<string, string>;
const by = { actor: systemActor };

before(async () => {
  t = await createTestServer();
  headers = (await bearerWith(t.ctx)).headers;
});
after(async () => t.close());

/** The confirmation link in the newest mail to `to`, and the mail. */
const lastMailTo = async (to: string) => {
  const m = await t.ctx.db.selectFrom('mail_message').selectAll().where('to_addresses', '=', JSON.stringify([to])).orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirstOrThrow();
  const token = /confirm-contact\?token=([\w-]+)/.exec(m.text_body)?.[1];
  assert.ok(token, m.text_body);
  return { mail: m, token: decodeURIComponent(token) };
};

test('adding an organization contact mails a confirmation link; until confirmed the person gets no correspondence', async () => {
  const org = await createContact(t.ctx, by, { kind: 'organization', orgName: 'Journalists United', email: 'post@ju.example' });
  const eva = await createContact(t.ctx, by, { kind: 'person', firstNames: 'Eva', lastName: 'Strand', email: 'eva@ju.example', language: 'nb' });

  const res = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${org.id}/organization-contacts`, headers, payload: { personId: eva.id, role: 'administrative' } });
  assert.equal(res.statusCode, 201, res.body);
  const link = res.json();
  assert.equal(link.status, 'pending');
  assert.equal(link.role, 'administrative');
  assert.equal(link.displayName, 'Strand, Eva');
  assert.equal(link.confirmedAt, null);

  const { mail, token } = await lastMailTo('eva@ju.example');
  assert.match(mail.subject, /Bekreft at du er administrativ kontaktperson for Journalists United/, 'in the person\'s language');
  assert.match(mail.text_body, /http:\/\/localhost:8080\/confirm-contact\?token=/);
  assert.equal(mail.related_type, 'contact');
  const stored = await t.ctx.db.selectFrom('organization_contact').select('confirm_token_hash').where('id', '=', link.id).executeTakeFirstOrThrow();
  assert.equal(stored.confirm_token_hash, hashToken(token), 'only the hash of the token is stored');

  assert.deepEqual(await correspondenceRecipients(t.ctx.db, org.id), [], 'a pending contact receives nothing');

  const info = await t.app.inject({ method: 'GET', url: `/api/v1/public/contact-confirmations/${token}` });
  assert.equal(info.statusCode, 200, info.body);
  assert.deepEqual(info.json(), { organization: 'Journalists United', person: 'Eva Strand', role: 'administrative' });

  const confirm = await t.app.inject({ method: 'POST', url: `/api/v1/public/contact-confirmations/${token}` });
  assert.equal(confirm.statusCode, 200, confirm.body);
  assert.deepEqual(confirm.json(), { confirmed: true });
  assert.deepEqual(await correspondenceRecipients(t.ctx.db, org.id), [{ personId: eva.id, name: 'Eva Strand', email: 'eva@ju.example', role: 'administrative' }]);

  const again = await t.app.inject({ method: 'POST', url: `/api/v1/public/contact-confirmations/${token}` });
  assert.equal(again.statusCode, 404, 'the link works once');
  assert.match(again.json().error.message, /not valid/);

  const shown = await t.app.inject({ method: 'GET', url: `/api/v1/contacts/${org.id}`, headers });
  assert.equal(shown.json().organizationContacts[0].status, 'confirmed');
  const person = await t.app.inject({ method: 'GET', url: `/api/v1/contacts/${eva.id}`, headers });
  assert.deepEqual(person.json().organizations.map((o: { displayName: string; role: string; status: string }) => [o.displayName, o.role, o.status]), [['Journalists United', 'administrative', 'confirmed']]);

  const history = await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_type']).where('entity_type', '=', 'contact').where('entity_id', '=', org.id).where('action', 'like', 'organization_contact.%').orderBy('seq').execute();
  assert.deepEqual(history.map((h) => [h.action, h.actor_type]), [['organization_contact.add', 'apikey'], ['organization_contact.confirm', 'member']]);
});

test('one administrative contact per organization (409 naming the current one); any number of technical contacts', async () => {
  const org = await createContact(t.ctx, by, { kind: 'organization', orgName: 'Fjordnett AS' });
  const a = await createContact(t.ctx, by, { kind: 'person', firstNames: 'Ane', lastName: 'Fjeld', email: 'ane@fjordnett.example' });
  const b = await createContact(t.ctx, by, { kind: 'person', firstNames: 'Bjørn', lastName: 'Li', email: 'bjorn@fjordnett.example' });
  const c = await createContact(t.ctx, by, { kind: 'person', firstNames: 'Cato', lastName: 'Moe', email: 'cato@fjordnett.example' });
  const add = (personId: string, role: string) => t.app.inject({ method: 'POST', url: `/api/v1/contacts/${org.id}/organization-contacts`, headers, payload: { personId, role } });

  assert.equal((await add(a.id, 'administrative')).statusCode, 201);
  const second = await add(b.id, 'administrative');
  assert.equal(second.statusCode, 409);
  assert.match(second.json().error.message, /already has an administrative contact \(Fjeld, Ane\)/);
  assert.equal((await add(b.id, 'technical')).statusCode, 201);
  assert.equal((await add(c.id, 'technical')).statusCode, 201);
  assert.equal((await add(a.id, 'technical')).statusCode, 201, 'the administrative contact may also be technical');
  assert.equal((await add(c.id, 'technical')).statusCode, 409, 'the same role twice is refused');

  const noEmail = await createContact(t.ctx, by, { kind: 'person', lastName: 'Utenpost' });
  const refused = await add(noEmail.id, 'technical');
  assert.equal(refused.statusCode, 400);
  assert.match(refused.json().error.message, /no e-mail address to confirm with/);
  const toPerson = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${a.id}/organization-contacts`, headers, payload: { personId: b.id, role: 'technical' } });
  assert.equal(toPerson.statusCode, 400, 'contacts are added to organizations only');
  assert.equal((await add(org.id, 'technical')).statusCode, 400, 'an organization contact is a person');

  // Removing the administrative link frees the role.
  const links = (await t.app.inject({ method: 'GET', url: `/api/v1/contacts/${org.id}`, headers })).json().organizationContacts as Array<{ id: string; role: string; personId: string }>;
  const adminLink = links.find((l) => l.role === 'administrative')!;
  const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/contacts/${org.id}/organization-contacts/${adminLink.id}`, headers });
  assert.equal(del.statusCode, 204);
  assert.equal((await add(b.id, 'administrative')).statusCode, 201);
  const wrongOrg = await t.app.inject({ method: 'DELETE', url: `/api/v1/contacts/${a.id}/organization-contacts/${links[0]!.id}`, headers });
  assert.equal(wrongOrg.statusCode, 404);
});

test('resend makes a new link and the old one stops working; links expire after 14 days', async () => {
  const org = await createContact(t.ctx, by, { kind: 'organization', orgName: 'Kystlaget' });
  const p = await createContact(t.ctx, by, { kind: 'person', firstNames: 'Per', lastName: 'Sjø', email: 'per@kyst.example' });
  const link = (await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${org.id}/organization-contacts`, headers, payload: { personId: p.id, role: 'technical' } })).json();
  const first = (await lastMailTo('per@kyst.example')).token;

  t.ctx.clock.advance(1000);
  const resend = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${org.id}/organization-contacts/${link.id}/resend`, headers });
  assert.equal(resend.statusCode, 200, resend.body);
  const second = (await lastMailTo('per@kyst.example')).token;
  assert.notEqual(first, second);
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/public/contact-confirmations/${first}` })).statusCode, 404, 'the old link was replaced');

  t.ctx.clock.advance(14 * 24 * 3600_000 + 1000);
  assert.equal((await t.app.inject({ method: 'POST', url: `/api/v1/public/contact-confirmations/${second}` })).statusCode, 404, 'expired after 14 days');
  assert.deepEqual(await correspondenceRecipients(t.ctx.db, org.id), []);

  await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${org.id}/organization-contacts/${link.id}/resend`, headers });
  const third = (await lastMailTo('per@kyst.example')).token;
  assert.equal((await t.app.inject({ method: 'POST', url: `/api/v1/public/contact-confirmations/${third}` })).statusCode, 200);
  const done = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${org.id}/organization-contacts/${link.id}/resend`, headers });
  assert.equal(done.statusCode, 409, 'nothing to resend once confirmed');

  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/public/contact-confirmations/not-a-token' })).statusCode, 404);
  const reader = (await bearerWith(t.ctx, { contacts: 'read' })).headers;
  assert.equal((await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${org.id}/organization-contacts/${link.id}/resend`, headers: reader })).statusCode, 403);
});

test('a person confirms from a browser that also carries a staff session: the public link ignores the session', async () => {
  const { createStaff, signIn } = await import('../../../test/support/staff.ts');
  const org = await createContact(t.ctx, by, { kind: 'organization', orgName: 'Frivillighetssentralen' });
  const ola = await createContact(t.ctx, by, { kind: 'person', firstNames: 'Ola', lastName: 'Dahl', email: 'ola@fs.example' });
  const added = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${org.id}/organization-contacts`, headers, payload: { personId: ola.id, role: 'technical' } });
  assert.equal(added.statusCode, 201, added.body);
  const { token } = await lastMailTo('ola@fs.example');
  await createStaff(t.ctx, { email: 'volunteer@fs.example', isAdmin: true });
  const session = await signIn(t.app, 'volunteer@fs.example');
  const confirm = await t.app.inject({ method: 'POST', url: `/api/v1/public/contact-confirmations/${token}`, headers: { cookie: session.cookie } });
  assert.equal(confirm.statusCode, 200, confirm.body);
  assert.equal((await correspondenceRecipients(t.ctx.db, org.id)).length, 1);
});
