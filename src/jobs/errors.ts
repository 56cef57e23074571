/** Thrown by a handler when trying again cannot help (bad payload, record gone): the job fails at once. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

/**
 * An error as staff see it on a job or task: name and message, no stack, credentials in URLs
 * masked, bounded in length.
 */
export const errorText = (e: unknown): string => {
  const err = e instanceof Error ? e : new Error(String(e));
  const name = err.name && err.name !== 'Error' && err.name !== 'PermanentJobError' ? `${err.name}: ` : '';
  return (name + err.message).replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1***@').slice(0, 2000);
};
