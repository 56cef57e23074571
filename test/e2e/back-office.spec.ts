import { expect, test } from '@playwright/test';
import { ADMIN, ADMIN_RESET_PASSWORD, passwordField, screenshot, signIn } from './helpers.ts';
import { seedFailedMail } from './seed.ts';

// One server, one database: these run in order and build on each other.
test.describe.configure({ mode: 'serial' });

let resetLink = '';
const BO_PASSWORD = 'Pebble lighthouse winter 55';

const LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#0b4f6c"/>' +
  '<path d="M14 40c8-6 14-6 18 0s10 6 18 0" stroke="#fff" stroke-width="5" fill="none" stroke-linecap="round"/>' +
  '<circle cx="44" cy="20" r="7" fill="#f4d35e"/></svg>';

test('a wrong password is refused with a message, and a reset link can be requested', async ({ page }) => {
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await screenshot(page, 'login');

  await page.getByRole('textbox', { name: 'E-mail' }).fill(ADMIN.email);
  await passwordField(page, 'Password').fill('not the right password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('The e-mail or password is wrong.');
  await expect(page).toHaveURL(/\/login/);

  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await page.getByRole('textbox', { name: 'E-mail' }).fill(ADMIN.email);
  await page.getByRole('button', { name: 'Send link' }).click();
  await expect(page.getByTestId('reset-sent')).toContainText('If the address is registered, a link is on its way');
});

test('sign in, change the organization name, and find the change in the audit trail', async ({ page }) => {
  await signIn(page);
  await expect(page).toHaveURL(/\/$/);
  await screenshot(page, 'dashboard');

  // Settings: change the organization name; the header follows.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await expect(page.getByTestId('setting-value-organization.name')).toHaveText('My organization');
  await screenshot(page, 'settings');
  await page.getByRole('button', { name: 'Edit Organization name' }).click();
  const dialog = page.getByRole('dialog');
  const input = dialog.getByRole('textbox', { name: 'Organization name' });
  await input.fill('');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toContainText('cannot be empty'); // the server's message, shown in the form
  await input.fill('Nordlys Rowing Club');
  await screenshot(page, 'settings-edit');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('setting-value-organization.name')).toHaveText('Nordlys Rowing Club');
  await expect(page.getByRole('banner').getByTestId('org-name')).toHaveText('Nordlys Rowing Club');

  // The logo: an uploaded image becomes a data: URL, previewed, saved and shown in the header.
  await page.getByRole('button', { name: 'Edit Logo' }).click();
  await page.getByRole('dialog').locator('input[type=file]').setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(LOGO_SVG) });
  await expect(page.getByTestId('logo-preview')).toHaveAttribute('src', /^data:image\/svg\+xml;base64,/);
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(page.getByRole('banner').locator('img[src^="data:image/svg+xml"]')).toBeVisible();

  // Audit trail: the change, with the values before and after.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit trail' }).click();
  await expect(page.getByRole('heading', { name: 'Audit trail' })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: 'organization.name' });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('setting');
  await expect(row).toContainText('update');
  await expect(row).toContainText(ADMIN.name);
  await row.getByRole('button', { name: 'Show changes' }).click();
  const diff = page.getByTestId('audit-diff');
  await expect(diff).toBeVisible();
  await expect(diff.getByRole('row').filter({ hasText: 'value' })).toContainText('My organization');
  await expect(diff.getByRole('row').filter({ hasText: 'value' })).toContainText('Nordlys Rowing Club');
  // Filter by record: the link on the id narrows the list to that setting.
  await row.getByText('organization.name').click();
  await expect(page).toHaveURL(/entityType=setting&entityId=organization.name/);
  await expect(page.getByTestId('audit-table').locator('tr[data-row]')).toHaveCount(1);
  await page.getByRole('button', { name: 'Verify chain' }).click();
  await expect(page.getByTestId('verify-result')).toContainText('The chain is intact');
  await screenshot(page, 'audit');
});

test('staff, outbox and jobs pages show their data', async ({ page }) => {
  await signIn(page);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Staff & access' }).click();
  await expect(page.getByTestId('staff-table')).toContainText(ADMIN.email);
  // Sorting and search live in the URL, so a link reproduces the list.
  await page.getByTestId('staff-table').getByRole('button', { name: 'Name', exact: true }).click();
  await expect(page).toHaveURL(/sort=name/);
  await page.getByRole('textbox', { name: 'Search' }).fill('nobody-here');
  await expect(page).toHaveURL(/q=nobody-here/);
  await expect(page.getByText('Nothing matches these filters')).toBeVisible();
  await page.getByRole('button', { name: 'Clear filters' }).last().click();
  await expect(page.getByTestId('staff-table')).toContainText(ADMIN.email);

  // An access group from the area matrix, then a staff member in it.
  await page.getByRole('tab', { name: 'Access groups' }).click();
  await expect(page.getByTestId('groups-table')).toContainText('Administrators');
  await page.getByRole('button', { name: 'New access group' }).click();
  let dialog = page.getByRole('dialog');
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Bookkeepers');
  await dialog.getByRole('textbox', { name: 'Description' }).fill('Invoices and the ledger');
  const matrix = dialog.getByTestId('permission-matrix');
  await matrix.getByRole('row', { name: /Ledger/ }).getByText('Update').click();
  await matrix.getByRole('row', { name: /Billing/ }).getByText('Read').click();
  await screenshot(page, 'staff-group-edit');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog).toBeHidden();
  const group = page.getByRole('row').filter({ hasText: 'Bookkeepers' });
  await expect(group).toContainText('Ledger: Update');
  await expect(group).toContainText('Billing: Read');
  await screenshot(page, 'staff-groups');

  await page.getByRole('tab', { name: 'Staff' }).click();
  await page.getByRole('button', { name: 'New staff member' }).click();
  dialog = page.getByRole('dialog');
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Bo Bookkeeper');
  await dialog.getByRole('textbox', { name: 'E-mail' }).fill('bo@example.org');
  await passwordField(dialog, 'Initial password').fill(BO_PASSWORD);
  await dialog.getByRole('combobox', { name: 'Access groups' }).click();
  await page.getByRole('option', { name: 'Bookkeepers' }).click();
  await dialog.getByRole('heading').click(); // close the picker
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog).toBeHidden();
  const bo = page.getByRole('row').filter({ hasText: 'bo@example.org' });
  await expect(bo).toContainText('Bookkeepers');
  await bo.getByRole('button', { name: 'Deactivate' }).click();
  await expect(bo).toContainText('Deactivated');
  await screenshot(page, 'staff');
  await bo.getByRole('button', { name: 'Activate' }).click();
  await expect(bo).toContainText('Active');

  // An API key is shown once, with a copy button; then revoked.
  await page.getByRole('tab', { name: 'API keys' }).click();
  await page.getByRole('button', { name: 'New API key' }).click();
  dialog = page.getByRole('dialog');
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Accounting export');
  await dialog.getByRole('combobox', { name: 'Access group' }).click();
  await page.getByRole('option', { name: 'Bookkeepers' }).click();
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('new-api-key')).not.toBeEmpty();
  await expect(page.getByRole('dialog').getByRole('button', { name: 'Copy' })).toBeVisible();
  await screenshot(page, 'staff-api-key');
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).last().click();
  const key = page.getByRole('row').filter({ hasText: 'Accounting export' });
  await key.getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  await expect(key).toContainText('Revoked');

  // The reset link requested in the first test waits in the outbox (no SMTP here).
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Communications' }).click();
  await expect(page.getByRole('heading', { name: 'Outbox' })).toBeVisible();
  const mail = page.getByRole('row').filter({ hasText: 'Reset your Guildhall password' });
  await expect(mail).toContainText(ADMIN.email);
  await mail.click();
  let view = page.getByTestId('mail-view');
  await expect(view).toContainText('Reset your Guildhall password');
  const text = (await view.getByTestId('mail-text').textContent()) ?? '';
  resetLink = /https?:\/\/\S+\/reset-password\?token=\S+/.exec(text)?.[0] ?? '';
  expect(resetLink).not.toBe('');
  await page.keyboard.press('Escape');

  // A message whose delivery failed: its HTML is shown sandboxed (no scripts), its job can be retried.
  const failed = seedFailedMail();
  await page.getByTestId('outbox-table').locator('label').filter({ hasText: /^Failed$/ }).click();
  await expect(page).toHaveURL(/status=failed/);
  const welcome = page.getByRole('row').filter({ hasText: failed.subject });
  await expect(welcome).toContainText('Failed');
  await welcome.click();
  view = page.getByTestId('mail-view');
  await expect(view).toContainText('ECONNREFUSED');
  await expect(view).toContainText('membership-card.pdf');
  const html = page.frameLocator('iframe.gh-mail-frame');
  await expect(html.getByRole('heading', { name: 'Welcome aboard, Kari!' })).toBeVisible();
  await expect(html.locator('body')).not.toContainText('scripts must not run');
  await screenshot(page, 'outbox');
  await page.keyboard.press('Escape');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }).click();
  await expect(page.getByRole('heading', { name: 'Jobs' })).toBeVisible();
  const job = page.getByTestId('jobs-table').getByRole('row').filter({ hasText: 'mail.send' });
  await expect(job).toContainText('ECONNREFUSED');
  await expect(job).toContainText('8 / 8');
  await expect(page.getByTestId('scheduled-tasks')).toContainText('housekeeping');
  await screenshot(page, 'jobs');
  await job.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByText('The job will run again shortly.')).toBeVisible();
  // The worker sends it (stores it, without SMTP): the job ends in Done and the message is stored.
  await page.getByRole('tab', { name: /Done/ }).click();
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(page.getByTestId('jobs-table').getByRole('row').filter({ hasText: 'mail.send' })).toHaveCount(2, { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await page.goto(`/outbox?open=${failed.messageId}`);
  await expect(page.getByTestId('mail-view')).toContainText('Stored');
  await page.keyboard.press('Escape');
  await expect(page).not.toHaveURL(/open=/);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Provisioning' }).click();
  await expect(page.getByText('Provisioning is coming soon')).toBeVisible();

  // When the session ends (here: the cookie is gone), the next request sends the user to sign in.
  await page.context().clearCookies();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }).click();
  await expect(page).toHaveURL(/\/login\?next=%2Fjobs&expired=1/);
  await expect(page.getByText('Your session has ended. Sign in again to continue.')).toBeVisible();
});

test('a bookkeeper sees only the areas their access group grants', async ({ page }) => {
  await signIn(page, 'bo@example.org', BO_PASSWORD);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Ledger' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Billing' })).toBeVisible();
  for (const hidden of ['Settings', 'Staff & access', 'Audit trail', 'Jobs', 'Communications', 'Contacts']) {
    await expect(nav.getByRole('link', { name: hidden })).toHaveCount(0);
  }
  await expect(page.getByTestId('failed-jobs')).toHaveCount(0);
  await page.goto('/settings');
  await expect(page.getByText('No access')).toBeVisible();
});

test('switch to Norwegian, sign out, and protected pages ask to sign in', async ({ page }) => {
  await signIn(page);
  await page.getByRole('banner').getByRole('button', { name: 'Language' }).click();
  await page.getByRole('menuitem', { name: 'Norsk' }).click();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Innstillinger' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Endringslogg' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Velkommen');
  // Dates follow the organization's locale (nb-NO): dd.mm.yyyy.
  await nav.getByRole('link', { name: 'Innstillinger' }).click();
  await expect(page.getByRole('heading', { name: 'Innstillinger' })).toBeVisible();
  await expect(page.getByText('Organisasjonsnavn')).toBeVisible();
  await expect(page.getByText(/Endret \d{2}\.\d{2}\.\d{4}/).first()).toBeVisible();
  await screenshot(page, 'settings-nb');

  // The choice is remembered on the user: a reload keeps Norwegian.
  await page.reload();
  await expect(nav.getByRole('link', { name: 'Innstillinger' })).toBeVisible();

  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: 'Logg ut' }).click();
  await expect(page).toHaveURL(/\/login$/);

  await page.goto('/settings');
  await expect(page).toHaveURL(/\/login\?next=%2Fsettings/);
  await expect(page.getByRole('heading', { name: 'Logg inn' })).toBeVisible();
  // Signing in brings the user back where they were going.
  await page.getByRole('textbox', { name: 'E-post' }).fill(ADMIN.email);
  await passwordField(page, 'Passord').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByRole('heading', { name: 'Innstillinger' })).toBeVisible();
  // Back to English for whoever signs in next.
  await page.getByRole('banner').getByRole('button', { name: 'Språk' }).click();
  await page.getByRole('menuitem', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
});

test('the e-mailed link sets a new password; the policy message is shown for a weak one', async ({ page }) => {
  expect(resetLink).not.toBe('');
  await page.goto(new URL(resetLink).pathname + new URL(resetLink).search);
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await passwordField(page, 'New password').fill('password1234');
  await passwordField(page, 'Repeat the new password').fill('password1234');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByTestId('reset-error')).toBeVisible();
  await expect(page.getByTestId('reset-error')).toContainText(/common|password/i);

  const fresh = ADMIN_RESET_PASSWORD;
  await passwordField(page, 'New password').fill(fresh);
  await passwordField(page, 'Repeat the new password').fill(fresh);
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByTestId('reset-done')).toBeVisible();
  await signIn(page, ADMIN.email, fresh);
});
