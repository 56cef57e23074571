import { expect, test, type Page } from '@playwright/test';
import { screenshot, signInAdmin } from './helpers.ts';

// One server, one database: these run in order and build on each other.
test.describe.configure({ mode: 'serial' });

const csrfHeaders = async (page: Page) => {
  const me = await page.request.get('/api/v1/auth/me');
  expect(me.ok()).toBe(true);
  return { 'x-csrf-token': ((await me.json()) as { csrfToken: string }).csrfToken };
};

/**
 * One member with an e-mail address and an ordinary membership starting today, billed by a billing
 * run through the API (as billing.spec.ts does through the screen); returns the member's invoice id.
 */
const seedInvoice = async (page: Page): Promise<string> => {
  const headers = await csrfHeaders(page);
  const contact = await page.request.post('/api/v1/contacts', { headers, data: { kind: 'person', firstNames: 'Åse', lastName: 'Ødegård', email: 'ase.odegard@example.org' } });
  expect(contact.status(), await contact.text()).toBe(201);
  const { id: contactId } = (await contact.json()) as { id: string };
  const sub = await page.request.post('/api/v1/subscriptions', { headers, data: { contactId, itemType: 'membership_type', itemId: 'mt_ord' } });
  expect(sub.status(), await sub.text()).toBe(201);
  const run = await page.request.post('/api/v1/billing/runs', { headers, data: {} });
  expect(run.status(), await run.text()).toBe(202);
  const { id: runId } = (await run.json()) as { id: string };
  await expect
    .poll(async () => ((await (await page.request.get(`/api/v1/billing/runs/${runId}`)).json()) as { status: string }).status, { timeout: 30_000 })
    .toBe('done');
  const list = await page.request.get('/api/v1/invoices', { params: { payerId: contactId } });
  const { items } = (await list.json()) as { items: Array<{ id: string; payerId: string }> };
  const mine = items.filter((i) => i.payerId === contactId);
  expect(mine).toHaveLength(1);
  return mine[0]!.id;
};

test('an invoice shows its PDF and delivery history; sending it again puts a message in the outbox', async ({ page }) => {
  await signInAdmin(page);
  const invoiceId = await seedInvoice(page);

  // The invoice page loads the PDF into its preview.
  const pdf = page.waitForResponse((r) => r.url().includes(`/api/v1/invoices/${invoiceId}/pdf`) && r.request().resourceType() === 'document');
  await page.goto(`/billing/invoices/${invoiceId}`);
  await expect(page.getByTestId('invoice-title')).toHaveText(/^Invoice \d+$/);
  const response = await pdf;
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toContain('application/pdf');
  await expect(page.getByTestId('invoice-pdf')).toBeVisible();
  await expect(page.getByTestId('pdf-download')).toHaveAttribute('href', new RegExp(`/api/v1/invoices/${invoiceId}/pdf\\?download=true`));

  // The billing run sent it once (to the payer's e-mail).
  const deliveries = page.getByTestId('invoice-deliveries');
  await expect(deliveries.getByTestId('sent-count')).toHaveText('Sent 1×');
  await expect(deliveries.getByTestId('deliveries-table').locator('tbody tr')).toHaveCount(1);
  const number = ((await page.getByTestId('invoice-title').textContent()) ?? '').replace(/\D/g, '');
  await screenshot(page, 'documents-invoice');

  // Send it again, to another address: the new sending shows as a second row.
  await deliveries.getByRole('button', { name: 'Send again' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.locator('label').getByText('E-mail', { exact: true }).click();
  await dialog.getByRole('textbox', { name: 'To other addresses (optional)' }).fill('kasserer@example.org');
  await dialog.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(deliveries.getByTestId('sent-count')).toHaveText('Sent 2×');
  const rows = deliveries.getByTestId('deliveries-table').locator('tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: 'kasserer@example.org' })).toHaveCount(1);
  // The delivery job runs and the message leaves the queue (stored: no SMTP server in the tests).
  await expect(rows.filter({ hasText: 'kasserer@example.org' })).toContainText(/Stored|Sent/, { timeout: 30_000 });
  await screenshot(page, 'documents-invoice-resent');

  // The outbox holds the message, with the PDF attached.
  await rows.filter({ hasText: 'kasserer@example.org' }).getByRole('link', { name: 'kasserer@example.org' }).click();
  await expect(page).toHaveURL(/\/outbox\?open=/);
  const mail = page.getByTestId('mail-view');
  await expect(mail).toContainText('kasserer@example.org');
  await expect(mail).toContainText(number);
  await expect(mail).toContainText('.pdf');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('outbox-table')).toContainText('kasserer@example.org');
  await screenshot(page, 'documents-outbox');
});
