import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { systemActor } from '../audit/index.ts';
import { updateSetting } from '../settings/index.ts';
import { inTransaction } from '../../db/database.ts';
import { createContact, createContactInTx, getContact, updateContact, updateContactInTx } from './index.ts';

let ctx: TestContext;
const by = { actor: systemActor };
before(async () => {
  ctx = await createTestContext();
});
after(async () => ctx.close());

test('member numbers start at 1001 and stay unique and gapless under concurrent creates', async () => {
  const created = await Promise.all(Array.from({ length: 8 }, (_, i) => createContact(ctx, by, { kind: 'person', lastName: `Concurrent ${i}` })));
  const numbers = created.map((c) => c.memberNumber).sort((a, b) => a - b);
  assert.deepEqual(numbers, [1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008]);
});

test('raising contacts.first_member_number makes the series jump forward; it never goes back', async () => {
  await updateSetting({ db: ctx.db, clock: ctx.clock }, systemActor, 'contacts.first_member_number', 5000);
  assert.equal((await createContact(ctx, by, { kind: 'person', lastName: 'Jump' })).memberNumber, 5000);
  await updateSetting({ db: ctx.db, clock: ctx.clock }, systemActor, 'contacts.first_member_number', 10);
  assert.equal((await createContact(ctx, by, { kind: 'person', lastName: 'Next' })).memberNumber, 5001);
});

test('a failed create gives its member number back (the transaction rolls back)', async () => {
  await assert.rejects(
    inTransaction(ctx.db, async (tx) => {
      await createContactInTx(tx, ctx.clock, by, { kind: 'person', lastName: 'Rolled back' });
      throw new Error('stop');
    }),
    /stop/,
  );
  assert.equal((await createContact(ctx, by, { kind: 'person', lastName: 'After rollback' })).memberNumber, 5002);
});

test('an import can keep an old member number; the series continues after it and a taken one is refused', async () => {
  const kept = await createContact(ctx, by, { kind: 'person', lastName: 'Old member' }, { memberNumber: 9000 });
  assert.equal(kept.memberNumber, 9000);
  assert.equal((await createContact(ctx, by, { kind: 'person', lastName: 'New' })).memberNumber, 9001);
  await assert.rejects(createContact(ctx, by, { kind: 'person', lastName: 'Dup' }, { memberNumber: 9000 }), /Member number 9000 already belongs to Old member/);
});

test('several contacts can be created and changed inside one caller transaction', async () => {
  const ids = await inTransaction(ctx.db, async (tx) => {
    const a = await createContactInTx(tx, ctx.clock, by, { kind: 'person', firstNames: 'Åse', lastName: 'Ødegård' });
    const b = await createContactInTx(tx, ctx.clock, by, { kind: 'organization', orgName: 'Journalists United', email: 'post@ju.example' });
    await updateContactInTx(tx, ctx.clock, by, a.id, { payerId: b.id, phoneMobile: '912 34 567' });
    return [a.id, b.id];
  });
  const a = await getContact(ctx.db, ids[0]!);
  assert.equal(a.displayName, 'Ødegård, Åse');
  assert.deepEqual(a.payer, { id: ids[1], displayName: 'Journalists United' });
  assert.equal(a.version, 2);
  const b = await getContact(ctx.db, ids[1]!);
  assert.deepEqual(b.payerFor, [{ id: ids[0], displayName: 'Ødegård, Åse' }]);
  assert.equal(b.invoiceDelivery, 'email');
  // Clearing the e-mail switches invoices to print unless the change says otherwise.
  const cleared = await updateContact(ctx, by, ids[1]!, { email: '' });
  assert.equal(cleared.email, null);
  assert.equal(cleared.invoiceDelivery, 'print');
});
