import { Box, Tabs } from '@mantine/core';
import { Outlet, useLocation, useRouter } from '@tanstack/react-router';
import { RequireAccess } from '../ui/components.tsx';
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
  const router = useRouter();
  const { pathname } = useLocation();
  const current = SUB_PAGES.find((p) => pathname === p.path || pathname.startsWith(`${p.path}/`))?.path ?? null;
  return (
    <RequireAccess area="billing">
      <Box maw={1280} mx="auto" mb="lg">
        <Tabs value={current} variant="pills" radius="md" onChange={(v) => v && void router.navigate({ href: v })}>
          <Tabs.List aria-label={t('billing.area')}>
            {SUB_PAGES.map((p) => (
              <Tabs.Tab
                key={p.path}
                value={p.path}
                renderRoot={(props) => (
                  <a
                    {...props}
                    href={p.path}
                    onClick={(e) => {
                      // A real link (open in a new tab works); a plain click is routed without a page load.
                      if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
                      e.preventDefault();
                      (props.onClick as ((e: React.MouseEvent) => void) | undefined)?.(e);
                    }}
                  />
                )}
              >
                {t(p.label)}
              </Tabs.Tab>
            ))}
          </Tabs.List>
        </Tabs>
      </Box>
      <Outlet />
    </RequireAccess>
  );
};
