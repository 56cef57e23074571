import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Locator, type Page } from '@playwright/test';

export const ADMIN = { email: 'admin@example.org', password: 'Velvet tram under amber sky 7', name: 'Ada Admin' };
/** The administrator's password after back-office.spec.ts has reset it through the e-mailed link. */
export const ADMIN_RESET_PASSWORD = 'Quiet harbour lamps glow 31';

const SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-results/screenshots');

/** A full-page picture of what the user sees, for people reviewing the design. */
export const screenshot = async (page: Page, name: string): Promise<void> => {
  fs.mkdirSync(SHOTS, { recursive: true });
  // Let loading skeletons turn into data and transitions settle before the picture.
  await expect(page.locator('.mantine-Skeleton-root')).toHaveCount(0);
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
};

/** Password inputs by label (Mantine's show/hide toggle shares the label, so ask for the text box). */
export const passwordField = (scope: Page | Locator, label: string) => scope.getByRole('textbox', { name: label, exact: true });

export const signIn = async (page: Page, email = ADMIN.email, password = ADMIN.password): Promise<void> => {
  await page.goto('/login');
  await page.getByRole('textbox', { name: 'E-mail' }).fill(email);
  await passwordField(page, 'Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Welcome');
};

/** Signs the administrator in whether or not back-office.spec.ts (which runs first) has reset the password. */
export const signInAdmin = async (page: Page): Promise<void> => {
  for (const password of [ADMIN_RESET_PASSWORD, ADMIN.password]) {
    await page.goto('/login');
    await page.getByRole('textbox', { name: 'E-mail' }).fill(ADMIN.email);
    await passwordField(page, 'Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const outcome = await Promise.race([
      page.getByRole('heading', { level: 1, name: /Welcome/ }).waitFor().then(() => 'in' as const),
      page.getByRole('alert').waitFor().then(() => 'refused' as const),
    ]);
    if (outcome === 'in') return;
  }
  throw new Error('The administrator could not sign in with either known password.');
};
