import type { AppContext } from '../app.ts';
import type { Api } from './server.ts';
import { registerSettingsRoutes } from './routes/settings.ts';
import { registerAuditRoutes } from './routes/audit.ts';
import { registerJobRoutes } from './routes/jobs.ts';
import { registerMailRoutes } from './routes/mail.ts';
import { registerStaffRoutes } from './routes/staff.ts';

/** Each module's routes, registered in this order. Add a line when a module gains an API. */
export const routeModules: Array<(app: Api, ctx: AppContext) => Promise<void> | void> = [registerSettingsRoutes, registerAuditRoutes, registerJobRoutes, registerMailRoutes, registerStaffRoutes];
