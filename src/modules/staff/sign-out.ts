import { deleteSession } from './session-store.ts';
import type { StaffDeps } from './staff.ts';

/** Ends a session: its cookie no longer signs anyone in. */
export const signOut = async (deps: StaffDeps, sessionIdHash: string): Promise<void> => {
  await deleteSession(deps.db, sessionIdHash);
};
