import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { systemActor } from '../audit/index.ts';
import { createContact } from '../contacts/index.ts';
import { newId } from '../../kernel/ids.ts';
import {
  addAccountAttribute,
  addPriceVersion,
  catalogItemKey,
  createAccountType,
  createMembershipType,
  createProduct,
  getAccountType,
  listAccountTypes,
  listMembershipTypes,
  loadAccountTypes,
  loadCatalogItems,
  priceInForce,
  removeAccountAttribute,
  updateAccountAttribute,
  updateAccountType,
  updateMembershipType,
} from './index.ts';

let ctx: TestContext;
const by = { actor: systemActor, requestId: 'req-at' };
const list = { page: 1, pageSize: 100, sort: { column: 'position' as const, direction: 'asc' as const } };
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

const typeByCode = async (code: string) => (await listMembershipTypes(ctx.db, list)).items.find((t) => t.code === code)!;
const auditOf = (id: string) => ctx.db.selectFrom('audit_log').select(['entity_type', 'action', 'before', 'after']).where('entity_id', '=', id).orderBy('seq').execute();

let subscribers = 0;

/** A running subscription of an item, written directly (the subscriptions module is not the catalog's). */
const subscribe = async (itemType: string, itemId: string, status = 'active') => {
  const contact = await createContact(ctx, by, { kind: 'person', firstNames: 'Usage', lastName: `Tester ${++subscribers}` });
  const id = newId(ctx.clock.now().getTime());
  const now = ctx.clock.now().toISOString();
  await ctx.db
    .insertInto('subscription')
    .values({
      id, contact_id: contact.id, payer_id: contact.id, item_type: itemType, item_id: itemId, quantity: '1', status, start_date: '2026-01-01', anchor_day: 1,
      end_date: null, disconnect_date: null, auto_renew: 1, special_price_minor: null, campaign_code_id: null, campaign_price_minor: null, trial_ends_on: null,
      fee_cursor: null, usage_cursor: null, next_due: '2026-01-01', paid_through: null, follows_id: null, replaces_id: null, note: null, version: 1, created_at: now, updated_at: now,
    })
    .execute();
  return id;
};

test('an account type: term fee as a price version, attributes with included quantity and rate, audited as one change', async () => {
  const web = await createAccountType(ctx, by, {
    code: 'web-s',
    name: 'Web hosting S',
    frequency: 'month',
    termPeriods: 3,
    glAccount: '31000-0000',
    vatRate: '25',
    price: '297',
    attributes: [
      { code: 'Disk_MB', description: 'Disk space', unit: 'MB', included: '1024', rate: '0.05' },
      { code: 'traffic_gb', description: 'Traffic', unit: 'GB', included: '50,5', rate: '2', per: 'term', vatRate: '0', glAccount: '31100-0000' },
    ],
  });
  assert.equal(web.code, 'WEB-S');
  assert.equal(web.termPeriods, 3);
  assert.deepEqual(web.prices.map((p) => [p.effectiveFrom, p.amount.minor]), [['2026-01-15', 29700n]]);
  const [disk, traffic] = web.attributes;
  assert.deepEqual([disk!.code, disk!.included, disk!.rate.minor, disk!.per, disk!.vatRate, disk!.glAccount], ['disk_mb', '1024', 5n, 'period', '25', null], 'VAT defaults to the type');
  assert.deepEqual([traffic!.code, traffic!.included, traffic!.rate.minor, traffic!.per, traffic!.vatRate, traffic!.glAccount], ['traffic_gb', '50.5', 200n, 'term', '0', '31100-0000']);
  const audit = await auditOf(web.id);
  assert.deepEqual(audit.map((a) => [a.entity_type, a.action]), [['account_type', 'create']]);
  assert.match(audit[0]!.after!, /"rate":"0.05"/);
  assert.equal((await getAccountType(ctx.db, web.id)).attributes.length, 2);
  assert.deepEqual((await listAccountTypes(ctx.db, { ...list, q: 'hosting' })).items.map((t) => t.code), ['WEB-S']);
});

test('bad account types and attributes are refused with a message, and nothing is stored', async () => {
  const count = async () => (await listAccountTypes(ctx.db, list)).total;
  const before = await count();
  const ok = { code: 'VPS', name: 'VPS', frequency: 'month' as const, price: '100' };
  await assert.rejects(createAccountType(ctx, by, { ...ok, code: 'web-s' }), /code WEB-S already exists/);
  await assert.rejects(createAccountType(ctx, by, { ...ok, code: 'a b' }), /1–20 letters, digits/);
  await assert.rejects(createAccountType(ctx, by, { ...ok, frequency: 'never' as never }), /month, quarter, year/);
  await assert.rejects(createAccountType(ctx, by, { ...ok, termPeriods: 0 }), /Periods per term must be a whole number from 1 to 120/);
  await assert.rejects(createAccountType(ctx, by, { ...ok, price: '-1' }), /cannot be negative/);
  await assert.rejects(createAccountType(ctx, by, { ...ok, attributes: [{ code: 'cpu', description: 'CPU', rate: '-1' }] }), /The rate cannot be negative/);
  await assert.rejects(createAccountType(ctx, by, { ...ok, attributes: [{ code: 'cpu', description: 'CPU', rate: '1', included: '-3' }] }), /included quantity must be a number of at least 0/);
  await assert.rejects(createAccountType(ctx, by, { ...ok, attributes: [{ code: '9cpu', description: 'CPU', rate: '1' }] }), /starting with a letter, like disk_mb/);
  await assert.rejects(createAccountType(ctx, by, { ...ok, attributes: [{ code: 'cpu', description: ' ', rate: '1' }] }), /Describe the attribute/);
  await assert.rejects(
    createAccountType(ctx, by, { ...ok, attributes: [{ code: 'cpu', description: 'CPU', rate: '1' }, { code: 'CPU', description: 'CPU again', rate: '1' }] }),
    /attribute cpu is listed twice/,
  );
  await assert.rejects(createAccountType(ctx, by, { ...ok, attributes: [{ code: 'cpu', description: 'CPU', rate: '1', per: 'day' as never }] }), /period, term/);
  assert.equal(await count(), before);
  assert.equal((await ctx.db.selectFrom('catalog_price').select('id').where('item_type', '=', 'account_type').execute()).length, before, 'no orphan prices');
});

test('attributes: add, change, remove; codes unique per type; usage recorded under a code keeps it', async () => {
  const t = await createAccountType(ctx, by, { code: 'MAIL', name: 'Mail', frequency: 'quarter', price: '0', vatRate: '25' });
  const added = await addAccountAttribute(ctx, by, t.id, { code: 'boxes', description: 'Mailboxes', unit: 'pcs', included: '5', rate: '10' });
  const boxes = added.attributes[0]!;
  assert.equal(boxes.vatRate, '25');
  await assert.rejects(addAccountAttribute(ctx, by, t.id, { code: 'BOXES', description: 'Again', rate: '1' }), /already has an attribute boxes/);
  const changed = await updateAccountAttribute(ctx, by, t.id, boxes.id, { rate: '12.50', included: '10', code: 'mailboxes' });
  assert.deepEqual([changed.attributes[0]!.code, changed.attributes[0]!.rate.minor, changed.attributes[0]!.included], ['mailboxes', 1250n, '10']);
  // Usage recorded under the code: the code stays, and the attribute cannot be removed.
  const sub = await subscribe('account_type', t.id);
  await ctx.db.insertInto('usage_record').values({ id: newId(ctx.clock.now().getTime()), subscription_id: sub, attribute_code: 'mailboxes', used_on: '2026-01-20', quantity: '12', source: 'staff', external_ref: null, created_at: ctx.clock.now().toISOString() }).execute();
  await assert.rejects(updateAccountAttribute(ctx, by, t.id, boxes.id, { code: 'boxes' }), /recorded as mailboxes, so its code cannot change/);
  await assert.rejects(removeAccountAttribute(ctx, by, t.id, boxes.id), /cannot be removed; set its rate to 0/);
  const other = await addAccountAttribute(ctx, by, t.id, { code: 'aliases', description: 'Aliases', rate: '1' });
  assert.deepEqual(other.attributes.map((a) => a.code), ['mailboxes', 'aliases']);
  const removed = await removeAccountAttribute(ctx, by, t.id, other.attributes[1]!.id);
  assert.deepEqual(removed.attributes.map((a) => a.code), ['mailboxes']);
  await assert.rejects(updateAccountAttribute(ctx, by, t.id, 'nope', { rate: '1' }), /attribute was not found|not found/i);
  const audit = await auditOf(t.id);
  assert.deepEqual(audit.map((a) => a.action), ['create', 'add_attribute', 'update_attribute', 'add_attribute', 'remove_attribute']);
  assert.deepEqual(JSON.parse(audit[2]!.after!), { code: 'mailboxes', included: '10', rate: '12.50' });
  // The period cannot change while a subscription runs; the name can.
  await assert.rejects(updateAccountType(ctx, by, t.id, { frequency: 'month' }), /1 subscription of MAIL is running, so its period and term cannot change/);
  await assert.rejects(updateAccountType(ctx, by, t.id, { termPeriods: 4 }), /cannot change/);
  assert.equal((await updateAccountType(ctx, by, t.id, { name: 'E-mail' })).name, 'E-mail');
  await ctx.db.updateTable('subscription').set({ status: 'ended' }).where('id', '=', sub).execute();
  assert.equal((await updateAccountType(ctx, by, t.id, { frequency: 'month', termPeriods: 12 })).termPeriods, 12);
  const archived = await updateAccountType(ctx, by, t.id, { archived: true });
  assert.equal(archived.archived, true);
  assert.equal((await auditOf(t.id)).at(-1)!.action, 'archive');
  assert.equal((await listAccountTypes(ctx.db, { ...list, archived: false })).items.some((x) => x.id === t.id), false);
});

test('term fee versions: append-only like other prices', async () => {
  const t = (await listAccountTypes(ctx.db, { ...list, q: 'WEB-S' })).items[0]!;
  const changed = await addPriceVersion(ctx, by, 'account_type', t.id, { amount: '320', effectiveFrom: '2026-04-01' });
  assert.equal(priceInForce(changed.prices, '2026-03-31')!.amount.minor, 29700n);
  assert.equal(priceInForce(changed.prices, '2026-04-01')!.amount.minor, 32000n);
  await assert.rejects(addPriceVersion(ctx, by, 'account_type', t.id, { amount: '1', effectiveFrom: '2026-04-01' }), /already a price effective from 2026-04-01/);
  await assert.rejects(addPriceVersion(ctx, by, 'account_type', 'nope', { amount: '1', effectiveFrom: '2026-04-01' }), /account type was not found|not found/i);
});

test('membership types carry a G/L account, a VAT rate and the type they follow; loops and bad values refused', async () => {
  const fm1 = await typeByCode('FM1');
  const fm2 = await typeByCode('FM2');
  assert.equal(fm2.followsId, fm1.id, 'the seeded FM2 follows FM1');
  assert.equal(fm1.vatRate, '0');
  const inst = await createMembershipType(ctx, by, { code: 'INST', name: 'Institution', frequency: 'year', price: '1500', glAccount: '30100-0000', vatRate: '0' });
  assert.deepEqual([inst.glAccount, inst.vatRate, inst.followsId], ['30100-0000', '0', null]);
  const sec = await createMembershipType(ctx, by, { code: 'INST2', name: 'Institution, extra', frequency: 'year', price: '0', invoiced: false, followsId: inst.id });
  assert.equal(sec.followsId, inst.id);
  const changed = await updateMembershipType(ctx, by, inst.id, { glAccount: '30200-0000', vatRate: '12,50' });
  assert.deepEqual([changed.glAccount, changed.vatRate], ['30200-0000', '12.5']);
  await assert.rejects(updateMembershipType(ctx, by, inst.id, { glAccount: '302' }), /NNNNN-NNNN/);
  await assert.rejects(updateMembershipType(ctx, by, inst.id, { vatRate: '101' }), /VAT rate must be a percent/);
  await assert.rejects(updateMembershipType(ctx, by, inst.id, { followsId: inst.id }), /cannot follow itself/);
  await assert.rejects(updateMembershipType(ctx, by, inst.id, { followsId: sec.id }), /cannot follow itself, directly or through other types/);
  await assert.rejects(createMembershipType(ctx, by, { code: 'NOF', name: 'No', frequency: 'year', price: '0', followsId: 'nope' }), /no membership type with id "nope" to follow/);
  await assert.rejects(updateMembershipType(ctx, by, inst.id, { archived: true }), /INST2 follows INST; change that first/);
  const audit = await auditOf(inst.id);
  assert.deepEqual(JSON.parse(audit.at(-1)!.after!), { glAccount: '30200-0000', vatRate: '12.5' });
  assert.equal((await updateMembershipType(ctx, by, sec.id, { followsId: null })).followsId, null);
});

test('loadCatalogItems: one map for a batch of mixed refs, with prices and attributes; unknown refs absent', async () => {
  const ord = await typeByCode('ORD');
  const tri = await typeByCode('TRI');
  const fm2 = await typeByCode('FM2');
  const ppp = await createProduct(ctx, by, { code: 'PPP', name: 'PPP', kind: 'upgrade', frequency: 'once', price: '49', vatRate: '25', glAccount: '31000-0000' });
  const web = (await listAccountTypes(ctx.db, { ...list, q: 'WEB-S' })).items[0]!;
  const refs = [
    ...Array.from({ length: 50 }, () => ({ itemType: 'membership_type', itemId: ord.id })),
    { itemType: 'membership_type', itemId: tri.id },
    { itemType: 'membership_type', itemId: fm2.id },
    { itemType: 'product', itemId: ppp.id },
    { itemType: 'account_type', itemId: web.id },
    { itemType: 'account_type', itemId: 'gone' },
  ];
  const items = await loadCatalogItems(ctx.db, refs);
  assert.equal(items.size, 5);
  const o = items.get(catalogItemKey('membership_type', ord.id))!;
  assert.deepEqual([o.code, o.frequency, o.termPeriods, o.invoiced, o.vatRate, o.prices[0]!.amount.minor], ['ORD', 'year', 1, true, '0', 45000n]);
  const t = items.get(catalogItemKey('membership_type', tri.id))!;
  assert.deepEqual([t.trialDays, t.convertsToId !== null], [30, true]);
  assert.equal(items.get(catalogItemKey('membership_type', fm2.id))!.followsId, (await typeByCode('FM1')).id);
  assert.equal(items.get(catalogItemKey('membership_type', fm2.id))!.invoiced, false);
  const p = items.get(catalogItemKey('product', ppp.id))!;
  assert.deepEqual([p.frequency, p.glAccount, p.vatRate, p.attributes.length], ['once', '31000-0000', '25', 0]);
  const w = items.get(catalogItemKey('account_type', web.id))!;
  assert.deepEqual([w.frequency, w.termPeriods, w.attributes.map((a) => a.code), w.prices.length], ['month', 3, ['disk_mb', 'traffic_gb'], 2]);
  assert.equal(items.has(catalogItemKey('account_type', 'gone')), false);
  assert.equal((await loadCatalogItems(ctx.db, [])).size, 0);
  const types = await loadAccountTypes(ctx.db, [web.id, web.id, 'gone']);
  assert.deepEqual([...types.keys()], [web.id]);
});
