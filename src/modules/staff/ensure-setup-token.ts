import { insertOneTimeToken } from './session-store.ts';
import { countStaff } from './staff-store.ts';
import type { StaffConfigDeps } from './staff.ts';

export const SETUP_LINK_VALID_MS = 24 * 3_600_000;

/**
 * While no staff user exists, makes a one-time link (valid 24 hours) to create the first
 * administrator. Returns null once anyone exists. Each call makes a new link; only its hash is kept.
 */
export const ensureSetupToken = async (deps: StaffConfigDeps): Promise<{ token: string; link: string; expiresAt: string } | null> => {
  if ((await countStaff(deps.db)) > 0) return null;
  const token = await insertOneTimeToken(deps.db, deps.clock, { purpose: 'setup', staffId: null, validMs: SETUP_LINK_VALID_MS });
  return {
    token,
    link: `${deps.config.publicUrl}/setup?token=${encodeURIComponent(token)}`,
    expiresAt: new Date(deps.clock.now().getTime() + SETUP_LINK_VALID_MS).toISOString(),
  };
};

export const setupNeeded = async (deps: Pick<StaffConfigDeps, 'db'>): Promise<boolean> => (await countStaff(deps.db)) === 0;
