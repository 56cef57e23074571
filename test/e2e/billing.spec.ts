import { expect, test, type Page } from '@playwright/test';
import { screenshot, signInAdmin } from './helpers.ts';

// One server, one database: these run in order and build on each other.
test.describe.configure({ mode: 'serial' });

const MEMBERS = [
  { firstNames: 'Liv', lastName: 'Fakturasen' },
  { firstNames: 'Odd', lastName: 'Fakturasen' },
];

/**
 * Two members with an ordinary membership starting today, made through the API as the signed-in
 * administrator (the contact page's subscription dialog has its own test). The daily run has
 * already run at start-up, so they are due and not yet billed.
 */
const seedMembers = async (page: Page) => {
  const me = await page.request.get('/api/v1/auth/me');
  expect(me.ok()).toBe(true);
  const { csrfToken } = (await me.json()) as { csrfToken: string };
  const headers = { 'x-csrf-token': csrfToken };
  for (const m of MEMBERS) {
    const contact = await page.request.post('/api/v1/contacts', { headers, data: { kind: 'person', ...m } });
    expect(contact.status(), await contact.text()).toBe(201);
    const { id } = (await contact.json()) as { id: string };
    const sub = await page.request.post('/api/v1/subscriptions', { headers, data: { contactId: id, itemType: 'membership_type', itemId: 'mt_ord' } });
    expect(sub.status(), await sub.text()).toBe(201);
  }
};

test('preview a billing run, run it and watch it finish, then credit one of its invoices', async ({ page }) => {
  await signInAdmin(page);
  await seedMembers(page);

  // The Billing area opens on its runs page.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Billing' }).click();
  await expect(page.getByRole('heading', { name: 'Billing runs', level: 1 })).toBeVisible();

  // Preview: nothing is written, both members are listed with their lines.
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  const totals = page.getByTestId('preview-totals');
  await expect(totals.getByTestId('totals-invoices')).toHaveText('2');
  await expect(totals.getByTestId('totals-by-item')).toContainText('ORD');
  const preview = page.getByTestId('preview-table');
  await expect(preview).toContainText('Fakturasen, Liv');
  await expect(preview).toContainText('Fakturasen, Odd');
  await expect(preview).toContainText('Ordinary member');
  await screenshot(page, 'billing-run-preview');

  // Run it (asks first), then the progress is polled until the run is done.
  await page.getByRole('button', { name: 'Run billing' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Issue the invoices for everything due');
  await dialog.getByRole('button', { name: 'Run billing' }).click();
  const progress = page.getByTestId('run-progress');
  await expect(progress).toBeVisible();
  await expect(progress.getByTestId('run-status')).toHaveText('Done', { timeout: 30_000 });
  const summary = progress.getByTestId('run-summary');
  await expect(summary.getByTestId('totals-invoices')).toHaveText('2');
  await expect(page.getByTestId('runs-table')).toContainText('Done');
  await screenshot(page, 'billing-run-done');

  // The run's invoices, then one of them.
  await progress.getByRole('link', { name: 'Show the invoices of this run' }).click();
  await expect(page.getByRole('heading', { name: 'Invoices', level: 1 })).toBeVisible();
  await expect(page).toHaveURL(/billingRunId=/);
  const rows = page.getByTestId('invoices-table').locator('tbody tr');
  await expect(rows).toHaveCount(2);
  await rows.filter({ hasText: 'Fakturasen, Liv' }).click();
  await expect(page.getByTestId('invoice-title')).toHaveText(/^Invoice \d+$/);
  await expect(page.getByTestId('invoice-status')).toHaveText('Issued');
  await expect(page.getByTestId('invoice-lines')).toContainText('Ordinary member');
  await expect(page.getByTestId('payment-reference')).toHaveText(/^\d+$/);
  const total = (await page.getByTestId('invoice-total').textContent()) ?? '';
  await expect(page.getByTestId('invoice-open')).toHaveText(total);
  await screenshot(page, 'billing-invoice');

  // Credit all of it, with a reason: the invoice has nothing open any more and links the credit note.
  await page.getByRole('button', { name: 'Create credit note' }).click();
  const modal = page.getByRole('dialog');
  await expect(modal.getByTestId('credit-lines')).toContainText('Ordinary member');
  await modal.getByRole('textbox', { name: 'Reason' }).fill('Joined by mistake');
  await modal.getByRole('button', { name: 'Issue credit note' }).click();
  await expect(modal).toBeHidden();
  await expect(page.getByTestId('invoice-credited')).toHaveText(total);
  await expect(page.getByTestId('invoice-open')).not.toHaveText(total);
  const notes = page.getByTestId('credit-notes');
  await expect(notes).toContainText('Joined by mistake');
  await screenshot(page, 'billing-invoice-credited');

  // The credit note itself points back at the invoice.
  await notes.getByRole('link', { name: /^Credit note \d+$/ }).click();
  await expect(page.getByTestId('invoice-title')).toHaveText(/^Credit note \d+$/);
  await expect(page.getByTestId('invoice-details')).toContainText('Joined by mistake');
});
