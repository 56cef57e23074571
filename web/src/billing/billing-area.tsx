import { AreaTabs } from '../ui/area-tabs.tsx';
import { useT } from '../ui/language.tsx';
import type { MessageKey } from '../ui/i18n.ts';

const SUB_PAGES: Array<{ path: string; label: MessageKey }> = [
  { path: '/billing/runs', label: 'billing.tab.runs' },
  { path: '/billing/invoices', label: 'billing.tab.invoices' },
  { path: '/billing/catalog', label: 'billing.tab.catalog' },
  { path: '/billing/print', label: 'documents.tab.print' },
  { path: '/billing/statements', label: 'documents.tab.statements' },
  { path: '/billing/reminders', label: 'documents.tab.reminders' },
  { path: '/billing/templates', label: 'documents.tab.templates' },
];

/** The Billing area: its sub-pages (runs, invoices, catalog) as tabs above the page. */
export const BillingArea = () => {
  const t = useT();
  return <AreaTabs area="billing" label={t('billing.area')} pages={SUB_PAGES} />;
};
