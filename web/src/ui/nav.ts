import type { ComponentType } from 'react';
import type { MessageKey } from './i18n.ts';
import {
  IconBilling,
  IconContacts,
  IconDashboard,
  IconHistory,
  IconJobs,
  IconLedger,
  IconMail,
  IconPayments,
  IconProvisioning,
  IconReports,
  IconSettings,
  IconShield,
} from './icons.tsx';
import type { AccessLevel, Area } from './types.ts';

export interface NavItem {
  path: string;
  label: MessageKey;
  icon: ComponentType<{ size?: number }>;
  /** Hidden unless the user holds this (admins see everything). */
  access?: { area: Area; level: AccessLevel };
  /** Not built yet: the page shows "coming soon". */
  soon?: boolean;
}

export interface NavSection {
  label?: MessageKey;
  items: NavItem[];
}

/** The back office's areas, in the order staff meet them. */
export const NAV: NavSection[] = [
  { items: [{ path: '/', label: 'nav.dashboard', icon: IconDashboard }] },
  {
    label: 'nav.sectionMembers',
    items: [
      { path: '/contacts', label: 'nav.contacts', icon: IconContacts, access: { area: 'contacts', level: 'read' } },
      { path: '/billing', label: 'nav.billing', icon: IconBilling, access: { area: 'billing', level: 'read' } },
      { path: '/payments', label: 'nav.payments', icon: IconPayments, access: { area: 'payments', level: 'read' } },
      { path: '/ledger', label: 'nav.ledger', icon: IconLedger, access: { area: 'ledger', level: 'read' } },
    ],
  },
  {
    label: 'nav.sectionOperations',
    items: [
      { path: '/outbox', label: 'nav.communications', icon: IconMail, access: { area: 'communications', level: 'read' } },
      { path: '/provisioning', label: 'nav.provisioning', icon: IconProvisioning, access: { area: 'provisioning', level: 'read' }, soon: true },
      { path: '/reports', label: 'nav.reports', icon: IconReports, access: { area: 'reports', level: 'read' }, soon: true },
    ],
  },
  {
    label: 'nav.sectionAdministration',
    items: [
      { path: '/settings', label: 'nav.settings', icon: IconSettings, access: { area: 'settings', level: 'read' } },
      { path: '/staff', label: 'nav.staff', icon: IconShield, access: { area: 'staff', level: 'read' } },
      { path: '/audit', label: 'nav.audit', icon: IconHistory, access: { area: 'staff', level: 'read' } },
      { path: '/jobs', label: 'nav.jobs', icon: IconJobs, access: { area: 'settings', level: 'read' } },
    ],
  },
];
