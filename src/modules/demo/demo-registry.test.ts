import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { cliActor } from '../audit/index.ts';
import { correspondenceRecipients, listContacts, resolveContactFilter } from '../contacts/index.ts';
import { loadDemoRegistry } from './demo-registry.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

const count = async (table: 'contact' | 'household' | 'consent' | 'organization_contact') =>
  Number((await ctx.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

test('the demo registry: hundreds of persons, organizations with contacts, households, payers, consents, co-op fields; loaded once', async () => {
  const first = await loadDemoRegistry(ctx, cliActor('demo'));
  assert.deepEqual(first, { persons: 420, organizations: 6, households: 30, created: true });

  // Deterministic: the same people every time.
  const firstThree = await ctx.db.selectFrom('contact').select('display_name').orderBy('member_number').limit(3).execute();
  assert.deepEqual(firstThree.map((r) => r.display_name), ['Nygård, Silje', 'Sæther, Åse', 'Dubois, Chloé']);

  const search = async (q: string) => (await listContacts(ctx.db, { filter: await resolveContactFilter(ctx.db, { q }), sort: { column: 'displayName', direction: 'asc' }, limit: 5, offset: 0 })).total;
  assert.ok((await search('odegard')) > 0, 'accent-less search finds Ødegård');
  assert.ok((await search('chloe')) > 0, 'and Chloé');
  const noEmail = await ctx.db.selectFrom('contact').select('id').where('kind', '=', 'person').where('email', 'is', null).execute();
  assert.ok(noEmail.length > 10, 'some persons have no e-mail');
  const payers = await ctx.db.selectFrom('contact as c').innerJoin('contact as p', 'p.id', 'c.payer_id').select(['p.kind']).execute();
  assert.ok(payers.some((p) => p.kind === 'person') && payers.some((p) => p.kind === 'organization'), 'parents and employers pay for others');
  const coop = await ctx.db.selectFrom('contact_field_value as v').innerJoin('custom_field as f', 'f.id', 'v.field_id').select('f.key').distinct().execute();
  assert.deepEqual(coop.map((r) => r.key).sort(), ['parking_place', 'section_number', 'unit_address', 'unit_id']);
  assert.ok((await count('consent')) > 800);

  const links = await ctx.db.selectFrom('organization_contact').select(['organization_id', 'status', 'role']).execute();
  assert.ok(links.some((l) => l.status === 'confirmed') && links.some((l) => l.status === 'pending'));
  const orgWithConfirmed = links.find((l) => l.status === 'confirmed')!.organization_id;
  assert.ok((await correspondenceRecipients(ctx.db, orgWithConfirmed)).length > 0);

  const contacts = await count('contact');
  const again = await loadDemoRegistry(ctx, cliActor('demo'));
  assert.equal(again.created, false);
  assert.equal(await count('contact'), contacts, 'a second run adds nothing');
});
