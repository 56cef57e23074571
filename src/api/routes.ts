import type { AppContext } from '../app.ts';
import type { Api } from './server.ts';

/** Each module's routes, registered in this order. Add a line when a module gains an API. */
export const routeModules: Array<(app: Api, ctx: AppContext) => Promise<void> | void> = [];
