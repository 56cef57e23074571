import { expect, test, type Page } from '@playwright/test';
import { screenshot, signInAdmin } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

/**
 * A member with two manual invoices (450.00 and 300.00, no VAT), issued through the API as the
 * signed-in administrator, the way billing.spec.ts seeds its members.
 */
const seedInvoices = async (page: Page) => {
  const me = await page.request.get('/api/v1/auth/me');
  expect(me.ok()).toBe(true);
  const { csrfToken } = (await me.json()) as { csrfToken: string };
  const headers = { 'x-csrf-token': csrfToken };
  const contact = await page.request.post('/api/v1/contacts', { headers, data: { kind: 'person', firstNames: 'Kari', lastName: 'Betalersen' } });
  expect(contact.status(), await contact.text()).toBe(201);
  const { id: payerId } = (await contact.json()) as { id: string };
  const numbers: number[] = [];
  for (const [description, unitPrice] of [
    ['Workshop key deposit', '450.00'],
    ['Laser cutter course', '300.00'],
  ]) {
    const draft = await page.request.post('/api/v1/invoices', { headers, data: { payerId, lines: [{ description, unitPrice, vatRate: '0' }] } });
    expect(draft.status(), await draft.text()).toBe(201);
    const { id, version } = (await draft.json()) as { id: string; version: number };
    const issued = await page.request.post(`/api/v1/invoices/${id}/issue`, { headers, data: { version } });
    expect(issued.ok(), await issued.text()).toBe(true);
    numbers.push(((await issued.json()) as { number: number }).number);
  }
  return numbers;
};

test('record payments from the open-invoice list with the keyboard, see the invoice paid and the ledger balanced', async ({ page }) => {
  await signInAdmin(page);
  const [first, second] = await seedInvoices(page);

  // Payments opens on the open-invoice list; narrow it to the payer.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Payments' }).click();
  await expect(page.getByRole('heading', { name: 'Open invoices', level: 1 })).toBeVisible();
  await page.getByRole('textbox', { name: 'Search' }).fill('Betalersen');
  await expect(page).toHaveURL(/q=Betalersen/);
  const list = page.getByTestId('open-invoices');
  const row1 = list.locator(`tr[data-row="${first}"]`);
  const row2 = list.locator(`tr[data-row="${second}"]`);
  await expect(row1).toBeVisible();
  await expect(row2).toBeVisible();
  await expect(list.locator('tbody tr')).toHaveCount(2);

  // The amount is prefilled with what is open; Enter records it and moves to the next row.
  const amount1 = row1.getByRole('textbox', { name: `Amount for invoice ${first}` });
  await expect(amount1).toHaveValue(/^450[.,]00$/);
  await page.getByText('Start at the first row').click();
  await expect(amount1).toBeFocused();
  await page.keyboard.press('Enter');
  const amount2 = row2.getByRole('textbox', { name: `Amount for invoice ${second}` });
  await expect(amount2).toBeFocused();
  await expect(row1.getByTestId('row-result')).toHaveText(/Receipt \d+/);

  // The second one is paid in part: type 100 over the suggestion, pick cash with the arrow keys, Enter.
  await page.keyboard.type('100');
  await page.keyboard.press('Tab');
  await expect(row2.getByRole('combobox', { name: `Method for invoice ${second}` })).toBeFocused();
  await row2.getByRole('combobox', { name: `Method for invoice ${second}` }).selectOption('cash');
  await page.keyboard.press('Enter');
  await expect(row2.getByTestId('row-result')).toHaveText(/Receipt \d+/);
  await screenshot(page, 'payments-quick-entry');

  // The first invoice is paid; it lists the payment.
  await row1.getByRole('link', { name: String(first) }).click();
  await expect(page.getByTestId('invoice-title')).toHaveText(`Invoice ${first}`);
  await expect(page.getByTestId('invoice-status')).toHaveText('Paid');
  await expect(page.getByTestId('invoice-open')).toHaveText(/^0[.,]00/);
  await expect(page.getByTestId('invoice-payments')).toContainText(/Receipt \d+/);
  await screenshot(page, 'payments-invoice-paid');

  // The second still has 200.00 open and offers to record the rest.
  await page.goto('/payments/open?q=Betalersen');
  await expect(list.locator('tbody tr')).toHaveCount(1);
  await expect(list.locator(`tr[data-row="${second}"]`)).toContainText(/200[.,]00/);

  // The trial balance: debits equal credits, the chain is intact and the books check out.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Ledger' }).click();
  await expect(page.getByRole('heading', { name: 'Trial balance', level: 1 })).toBeVisible();
  await expect(page.getByTestId('trial-balanced')).toBeVisible();
  const debit = await page.getByTestId('trial-total-debit').textContent();
  await expect(page.getByTestId('trial-total-credit')).toHaveText(debit ?? '');
  // The first visit starts a stored check (off the server's thread); a later one can be asked for.
  await expect(page.getByTestId('ledger-verify')).toHaveText('Chain intact');
  await expect(page.getByTestId('ledger-check')).toHaveText('Books check out');
  const firstCheck = await page.request.get('/api/v1/ledger/checks/latest').then((r) => r.json());
  await page.getByTestId('ledger-check-now').click();
  await expect(page.getByTestId('ledger-check')).toHaveText('Books check out');
  await expect.poll(async () => (await page.request.get('/api/v1/ledger/checks/latest').then((r) => r.json())).check.id).not.toBe(firstCheck.check.id);
  await expect(page.getByTestId('trial-balance')).toContainText('19200-0000');
  await expect(page.getByTestId('trial-balance')).toContainText('19000-0000');
  await screenshot(page, 'ledger-trial-balance');
});
