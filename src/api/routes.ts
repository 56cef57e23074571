import type { AppContext } from '../app.ts';
import type { Api } from './server.ts';
import { registerSettingsRoutes } from './routes/settings.ts';
import { registerAuditRoutes } from './routes/audit.ts';
import { registerJobRoutes } from './routes/jobs.ts';
import { registerMailRoutes } from './routes/mail.ts';
import { registerStaffRoutes } from './routes/staff.ts';
import { registerContactRoutes } from './routes/contacts.ts';
import { registerCustomFieldRoutes } from './routes/custom-fields.ts';
import { registerHouseholdRoutes } from './routes/households.ts';
import { registerSavedViewRoutes } from './routes/saved-views.ts';
import { registerContactImportRoutes } from './routes/contact-import.ts';
import { registerContactPrivacyRoutes } from './routes/contact-privacy.ts';
import { registerOrganizationContactRoutes } from './routes/organization-contacts.ts';
import { registerCatalogRoutes } from './routes/catalog.ts';
import { registerInvoiceRoutes } from './routes/invoices.ts';
import { registerBillingRoutes } from './routes/billing.ts';
import { registerSubscriptionRoutes } from './routes/subscriptions.ts';
import { registerLedgerRoutes } from './routes/ledger.ts';
import { registerDocumentRoutes } from './routes/documents.ts';
import { registerPaymentRoutes } from './routes/payments.ts';

/** Each module's routes, registered in this order. Add a line when a module gains an API. */
export const routeModules: Array<(app: Api, ctx: AppContext) => Promise<void> | void> = [registerSettingsRoutes, registerAuditRoutes, registerJobRoutes, registerMailRoutes, registerStaffRoutes, registerContactRoutes, registerCustomFieldRoutes, registerHouseholdRoutes, registerSavedViewRoutes, registerContactImportRoutes, registerContactPrivacyRoutes, registerOrganizationContactRoutes, registerCatalogRoutes, registerBillingRoutes, registerSubscriptionRoutes, registerInvoiceRoutes, registerPaymentRoutes, registerDocumentRoutes, registerLedgerRoutes];
