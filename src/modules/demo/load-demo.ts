import type { AppContext } from '../../app.ts';
import { FULL_ACCESS, type Permissions } from '../../api/access.ts';
import { cliActor } from '../audit/index.ts';
import { updateSetting } from '../settings/index.ts';
import { createAccessGroup, createAdministrator, createStaffUser } from '../staff/index.ts';
import { loadDemoBilling, type DemoBillingResult } from './demo-billing.ts';
import { loadDemoRegistry, type DemoRegistryResult } from './demo-registry.ts';

/** The password of every demo account; printed by `guildhall demo`. Demo data only. */
export const DEMO_PASSWORD = 'Bjørkvik verksted 2026';

const ORGANIZATION: Record<string, string> = {
  'organization.name': 'Bjørkvik Makerspace',
  'organization.address': 'Storgata 12\n0182 Oslo\nNorway',
  'organization.org_number': '923 456 789',
  'organization.vat_number': 'NO 923 456 789 MVA',
  'organization.currency': 'NOK',
  'organization.locale': 'nb-NO',
  'organization.time_zone': 'Europe/Oslo',
  'organization.billing_email': 'kasserer@bjorkvik.example',
};

const GROUPS: Array<{ name: string; description: string; permissions: Permissions }> = [
  {
    name: 'Treasurers',
    description: 'Bill dues, record payments, keep the books.',
    permissions: { contacts: 'read', billing: 'update', payments: 'update', ledger: 'update', reports: 'update', communications: 'update' },
  },
  {
    name: 'Volunteers',
    description: 'Keep the member registry and take payments at the door.',
    permissions: { contacts: 'update', payments: 'update', communications: 'read', reports: 'read' },
  },
];

const STAFF = [
  { email: 'admin@bjorkvik.example', name: 'Ada Admin', group: null },
  { email: 'kasserer@bjorkvik.example', name: 'Kari Kasserer', group: 'Treasurers' },
  { email: 'frivillig@bjorkvik.example', name: 'Frode Frivillig', group: 'Volunteers' },
] as const;

export interface DemoResult {
  organization: string;
  accounts: Array<{ email: string; role: string; created: boolean }>;
  password: string;
  registry: DemoRegistryResult;
  billing: DemoBillingResult;
}

/**
 * Loads a demo organization. Safe to run again: what exists is left as it is.
 * Each module adds its own demo data here as it lands (members, invoices, payments, …).
 */
export const loadDemo = async (ctx: AppContext): Promise<DemoResult> => {
  const actor = cliActor('demo');
  for (const [key, value] of Object.entries(ORGANIZATION)) await updateSetting(ctx, actor, key, value);

  const by = { actor, grantor: FULL_ACCESS };
  const rows = await ctx.db.selectFrom('access_group').select(['id', 'name']).execute();
  const groups = new Map(rows.map((g) => [g.name, g.id]));
  for (const g of GROUPS) {
    if (!groups.has(g.name)) groups.set(g.name, (await createAccessGroup(ctx, by, g)).id);
  }

  const existing = new Set((await ctx.db.selectFrom('staff_user').select('email').execute()).map((r) => r.email));
  const accounts: DemoResult['accounts'] = [];
  for (const s of STAFF) {
    const created = !existing.has(s.email);
    if (created) {
      if (s.group === null) await createAdministrator(ctx, actor, { email: s.email, name: s.name, password: DEMO_PASSWORD });
      else await createStaffUser(ctx, by, { email: s.email, name: s.name, password: DEMO_PASSWORD, groupIds: [groups.get(s.group) as string] });
    }
    accounts.push({ email: s.email, role: s.group ?? 'Administrator', created });
  }
  const registry = await loadDemoRegistry(ctx, actor);
  // Subscriptions and a year of daily billing runs up to today (demo-billing.ts).
  const billing = await loadDemoBilling(ctx, actor);
  return { organization: ORGANIZATION['organization.name']!, accounts, password: DEMO_PASSWORD, registry, billing };
};
