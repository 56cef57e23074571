import { inTransaction, lockResource } from '../../db/database.ts';
import { conflict } from '../../kernel/app-error.ts';
import type { Actor } from '../audit/index.ts';
import { insertAdministrator, prepareAdministrator } from './create-administrator.ts';
import { checkOneTimeToken, consumeOneTimeToken, insertSession, type NewSession } from './session-store.ts';
import { countStaff } from './staff-store.ts';
import type { StaffConfigDeps } from './staff.ts';

const SETUP_ACTOR: Actor = { type: 'setup', id: null, name: 'first-run setup' };
const ALREADY_DONE = 'Setup is already done: an administrator exists. Sign in instead.';

export interface CompleteSetupInput {
  token: string;
  email: string;
  name: string;
  password: string;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
}

/** First run: the setup link creates the first administrator and signs them in. Refused once any staff user exists. */
export const completeSetup = async (deps: StaffConfigDeps, input: CompleteSetupInput): Promise<{ staffId: string; session: NewSession }> => {
  if ((await countStaff(deps.db)) > 0) throw conflict(ALREADY_DONE);
  await checkOneTimeToken(deps.db, deps.clock, 'setup', input.token);
  const prepared = await prepareAdministrator(input);
  return inTransaction(deps.db, async (tx) => {
    await lockResource(tx, 'staff_setup');
    if ((await countStaff(tx)) > 0) throw conflict(ALREADY_DONE);
    await consumeOneTimeToken(tx, deps.clock, 'setup', input.token);
    const admin = await insertAdministrator(tx, deps.clock, SETUP_ACTOR, prepared, input.requestId);
    const session = await insertSession(tx, deps.clock, { staffId: admin.id, absoluteHours: deps.config.sessionAbsoluteHours, ip: input.ip, userAgent: input.userAgent });
    return { staffId: admin.id, session };
  });
};
