import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { newToken } from '../../kernel/ids.ts';

/** argon2id with OWASP's first recommended setting (19 MiB, 2 passes, 1 lane): ~50 ms per hash. */
const OPTIONS = { algorithm: 2 as Algorithm, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

let dummyHash: Promise<string> | null = null;

/**
 * Checks a password against a stored hash. Without one (unknown user, no password set) it checks
 * against a throw-away hash, so a wrong e-mail takes as long as a wrong password.
 */
export const verifyPassword = async (storedHash: string | null | undefined, password: string): Promise<boolean> => {
  if (!storedHash) {
    dummyHash ??= hashPassword(newToken());
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false; // a malformed stored hash matches nothing
  }
};
