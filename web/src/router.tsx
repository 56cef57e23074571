import { createRootRouteWithContext, createRoute, createRouter, Outlet, redirect, useRouter } from '@tanstack/react-router';
import type { QueryClient } from '@tanstack/react-query';
import { Box, Center, EmptyState, Loader } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { ApiError } from './ui/api.ts';
import { AppLayout } from './ui/layout.tsx';
import { ComingSoon, ErrorState, RequireAccess, ToDashboardButton } from './ui/components.tsx';
import { IconSearch } from './ui/icons.tsx';
import { useT } from './ui/language.tsx';
import { NAV } from './ui/nav.ts';
import { parseSearch, stringifySearch } from './ui/search.ts';
import { meQuery, useOrganization } from './ui/session.ts';
import { LoginPage } from './admin/login.tsx';
import { ForgotPasswordPage } from './admin/forgot-password.tsx';
import { ResetPasswordPage } from './admin/reset-password.tsx';
import { SetupPage } from './admin/setup.tsx';
import { DashboardPage } from './admin/dashboard.tsx';
import { SettingsPage } from './admin/settings.tsx';
import { StaffPage } from './admin/staff.tsx';
import { AuditPage } from './admin/audit.tsx';
import { OutboxPage } from './admin/outbox.tsx';
import { JobsPage } from './admin/jobs.tsx';
import { ContactsPage } from './contacts/list.tsx';
import { ContactPage } from './contacts/contact-page.tsx';
import { EditContactPage, NewContactPage } from './contacts/contact-form.tsx';
import { CustomFieldsPage } from './contacts/custom-fields.tsx';
import { ImportPage } from './contacts/import.tsx';
import { ConfirmContactPage } from './contacts/confirm-contact.tsx';
import { CatalogPage } from './catalog/catalog-page.tsx';
import { BillingArea } from './billing/billing-area.tsx';
import { BillingRunsPage } from './billing/runs-page.tsx';
import { MailTemplatesPage } from './documents/mail-templates.tsx';
import { PrintPage } from './documents/print-page.tsx';
import { RemindersPage } from './documents/reminders-page.tsx';
import { StatementsPage } from './documents/statements-page.tsx';
import { TemplatesPage } from './documents/templates-page.tsx';
import { InvoicesPage } from './invoices/list.tsx';
import { InvoicePage } from './invoices/invoice-page.tsx';
import { EditInvoicePage, NewInvoicePage } from './invoices/composer.tsx';
import { LedgerArea } from './ledger/shared.tsx';
import { AccountsPage } from './ledger/accounts.tsx';
import { EntriesPage, EntryPage } from './ledger/entries.tsx';
import { JournalPage, JournalsPage } from './ledger/journals.tsx';
import { TrialBalancePage } from './ledger/trial-balance.tsx';
import { HoldingPage } from './ledger/holding.tsx';
import { PaymentsArea } from './payments/shared.tsx';
import { OpenInvoicesPage } from './payments/open-invoices.tsx';
import { RecordPaymentPage } from './payments/record-payment.tsx';
import { PaymentsPage } from './payments/payments-list.tsx';
import { PaymentPage } from './payments/payment-page.tsx';
import { AgeingPage, CashReceivedPage } from './payments/reports.tsx';

interface RouterContext {
  queryClient: QueryClient;
}

const NotFound = () => {
  const t = useT();
  return (
    <Box pt={60}>
      <EmptyState withIndicatorBackground icon={<IconSearch size={24} />} title={t('notFound.title')} description={t('notFound.description')}>
        <EmptyState.Actions>
          <ToDashboardButton />
        </EmptyState.Actions>
      </EmptyState>
    </Box>
  );
};

const Root = () => {
  const org = useOrganization();
  useDocumentTitle(`${org.name} · Guildhall`);
  return <Outlet />;
};

const rootRoute = createRootRouteWithContext<RouterContext>()({ component: Root, notFoundComponent: NotFound });

// Pages anyone may open.
const loginRoute = createRoute({ getParentRoute: () => rootRoute, path: '/login', component: LoginPage });
const forgotRoute = createRoute({ getParentRoute: () => rootRoute, path: '/forgot-password', component: ForgotPasswordPage });
const resetRoute = createRoute({ getParentRoute: () => rootRoute, path: '/reset-password', component: ResetPasswordPage });
const setupRoute = createRoute({ getParentRoute: () => rootRoute, path: '/setup', component: SetupPage });
const confirmContactRoute = createRoute({ getParentRoute: () => rootRoute, path: '/confirm-contact', component: ConfirmContactPage });

/** Everything below needs a signed-in staff member; others are sent to sign in and brought back. */
const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  component: AppLayout,
  notFoundComponent: NotFound,
  beforeLoad: async ({ context, location }) => {
    try {
      await context.queryClient.ensureQueryData(meQuery);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) throw redirect({ href: `/login${stringifySearch({ next: location.href })}` });
      throw e;
    }
  },
});

const page = (path: string, component: () => React.ReactNode) => createRoute({ getParentRoute: () => appRoute, path, component });

/** The Billing area (runs, invoices, catalog): its tabs above each page; access checked once for all. */
const billingRoute = createRoute({ getParentRoute: () => appRoute, id: 'billing-area', component: BillingArea });
const billingPage = (path: string, component: () => React.ReactNode) => createRoute({ getParentRoute: () => billingRoute, path, component });
const billingIndexRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/billing',
  beforeLoad: () => {
    throw redirect({ href: '/billing/runs', replace: true });
  },
});

/** The Payments area (quick entry, payments, A/R reports) and the Ledger area, each with its tabs. */
const paymentsRoute = createRoute({ getParentRoute: () => appRoute, id: 'payments-area', component: PaymentsArea });
const paymentsPage = (path: string, component: () => React.ReactNode) => createRoute({ getParentRoute: () => paymentsRoute, path, component });
const ledgerRoute = createRoute({ getParentRoute: () => appRoute, id: 'ledger-area', component: LedgerArea });
const ledgerPage = (path: string, component: () => React.ReactNode) => createRoute({ getParentRoute: () => ledgerRoute, path, component });
const areaIndex = (path: string, to: string) =>
  createRoute({
    getParentRoute: () => appRoute,
    path,
    beforeLoad: () => {
      throw redirect({ href: to, replace: true });
    },
  });

const soonPages = NAV.flatMap((s) => s.items)
  .filter((item) => item.soon)
  .map((item) =>
    page(item.path, function SoonPage() {
      const t = useT();
      const body = <ComingSoon area={t(item.label)} />;
      return item.access ? <RequireAccess area={item.access.area}>{body}</RequireAccess> : body;
    }),
  );

const routeTree = rootRoute.addChildren([
  loginRoute,
  forgotRoute,
  resetRoute,
  setupRoute,
  confirmContactRoute,
  appRoute.addChildren([
    page('/', DashboardPage),
    page('/settings', () => (
      <RequireAccess area="settings">
        <SettingsPage />
      </RequireAccess>
    )),
    page('/staff', () => (
      <RequireAccess area="staff">
        <StaffPage />
      </RequireAccess>
    )),
    page('/audit', () => (
      <RequireAccess area="staff">
        <AuditPage />
      </RequireAccess>
    )),
    page('/outbox', () => (
      <RequireAccess area="communications">
        <OutboxPage />
      </RequireAccess>
    )),
    page('/outbox/templates', () => (
      <RequireAccess area="communications">
        <MailTemplatesPage />
      </RequireAccess>
    )),
    page('/contacts', () => (
      <RequireAccess area="contacts">
        <ContactsPage />
      </RequireAccess>
    )),
    page('/contacts/new', NewContactPage),
    page('/contacts/fields', () => (
      <RequireAccess area="contacts">
        <CustomFieldsPage />
      </RequireAccess>
    )),
    page('/contacts/import', ImportPage),
    page('/contacts/$id', () => (
      <RequireAccess area="contacts">
        <ContactPage />
      </RequireAccess>
    )),
    page('/contacts/$id/edit', EditContactPage),
    billingIndexRoute,
    billingRoute.addChildren([
      billingPage('/billing/runs', BillingRunsPage),
      billingPage('/billing/invoices', InvoicesPage),
      billingPage('/billing/invoices/new', NewInvoicePage),
      billingPage('/billing/invoices/$id', InvoicePage),
      billingPage('/billing/invoices/$id/edit', EditInvoicePage),
      billingPage('/billing/catalog', CatalogPage),
      billingPage('/billing/print', PrintPage),
      billingPage('/billing/statements', StatementsPage),
      billingPage('/billing/reminders', RemindersPage),
      billingPage('/billing/templates', TemplatesPage),
    ]),
    areaIndex('/payments', '/payments/open'),
    paymentsRoute.addChildren([
      paymentsPage('/payments/open', OpenInvoicesPage),
      paymentsPage('/payments/new', RecordPaymentPage),
      paymentsPage('/payments/receipts', PaymentsPage),
      paymentsPage('/payments/ageing', AgeingPage),
      paymentsPage('/payments/cash', CashReceivedPage),
      paymentsPage('/payments/$id', PaymentPage),
    ]),
    areaIndex('/ledger', '/ledger/trial-balance'),
    ledgerRoute.addChildren([
      ledgerPage('/ledger/trial-balance', TrialBalancePage),
      ledgerPage('/ledger/entries', EntriesPage),
      ledgerPage('/ledger/entries/$id', EntryPage),
      ledgerPage('/ledger/journals', JournalsPage),
      ledgerPage('/ledger/journals/$id', JournalPage),
      ledgerPage('/ledger/accounts', AccountsPage),
      ledgerPage('/ledger/holding', HoldingPage),
    ]),
    page('/jobs', () => (
      <RequireAccess area="settings">
        <JobsPage />
      </RequireAccess>
    )),
    ...soonPages,
  ]),
]);

const Pending = () => (
  <Center h="60vh">
    <Loader color="guild" />
  </Center>
);

/** A page that could not load (the server is down, say): say so, and offer to try again. */
const RouteError = ({ error, reset }: { error: unknown; reset: () => void }) => {
  const router = useRouter();
  return (
    <Box maw={640} mx="auto" p="xl">
      <ErrorState
        error={error}
        onRetry={() => {
          reset();
          void router.invalidate();
        }}
      />
    </Box>
  );
};

export const createAppRouter = (queryClient: QueryClient) =>
  createRouter({
    routeTree,
    context: { queryClient },
    parseSearch,
    stringifySearch,
    defaultPreload: false,
    defaultPendingComponent: Pending,
    defaultErrorComponent: RouteError,
    scrollRestoration: true,
  });

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
