/**
 * The one way the web app talks to the server: JSON over fetch with the session cookie,
 * the CSRF token on every change, and `{ error: { code, message } }` turned into an ApiError.
 */

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

let csrfToken: string | null = null;
/** Remembered from GET /auth/me, login and setup; sent as X-CSRF-Token on every non-GET request. */
export const setCsrfToken = (token: string | null): void => {
  csrfToken = token;
};

let unauthenticatedHandler: (() => void) | null = null;
/** Called when the session has ended (401 outside the /auth endpoints): the app sends the user to sign in. */
export const onUnauthenticated = (fn: () => void): void => {
  unauthenticatedHandler = fn;
};

type Query = Record<string, string | number | boolean | undefined | null>;

export const withQuery = (path: string, query?: Query): string => {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
};

const request = async <T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> => {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(withQuery(`/api/v1${path}`, query), {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'The server could not be reached. Check your connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    const e = new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? `The server answered ${res.status} ${res.statusText}.`, err?.details);
    // Auth endpoints answer 401 for a wrong password and similar; those are shown in their forms.
    if (res.status === 401 && !path.startsWith('/auth/')) unauthenticatedHandler?.();
    throw e;
  }
  return data as T;
};

/** A plain-text answer (a readable summary, say); errors arrive as JSON like everywhere else. */
const getText = async (path: string, query?: Query): Promise<string> => {
  let res: Response;
  try {
    res = await fetch(withQuery(`/api/v1${path}`, query), { headers: { accept: 'text/plain, application/json' }, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', 'The server could not be reached. Check your connection and try again.');
  }
  const text = await res.text();
  if (res.ok) return text;
  let err: { code?: string; message?: string; details?: unknown } | undefined;
  try {
    err = (JSON.parse(text) as { error?: typeof err }).error;
  } catch {
    err = undefined;
  }
  if (res.status === 401) unauthenticatedHandler?.();
  throw new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? `The server answered ${res.status} ${res.statusText}.`, err?.details);
};

/**
 * Sends a file's raw bytes with POST, reporting upload progress (fetch cannot): `onProgress`
 * gets the fraction sent, 0…1. The answer is JSON, errors as ApiError like every other call.
 */
const upload = <T>(path: string, file: Blob, onProgress?: (fraction: number) => void, query?: Query): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', withQuery(`/api/v1${path}`, query));
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json');
    // Raw bytes: the server detects the encoding itself (a .csv may be UTF-8 or Windows-1252).
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && onProgress) onProgress(e.total ? e.loaded / e.total : 1);
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'The server could not be reached. Check your connection and try again.'));
    xhr.onload = () => {
      let data: unknown = undefined;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        data = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress?.(1);
        resolve(data as T);
        return;
      }
      const err = (data as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
      if (xhr.status === 401) unauthenticatedHandler?.();
      reject(new ApiError(xhr.status, err?.code ?? `http_${xhr.status}`, err?.message ?? `The server answered ${xhr.status} ${xhr.statusText}.`, err?.details));
    };
    xhr.send(file);
  });

/** POST JSON and take a binary answer (a PDF preview, say), with the response headers; errors as ApiError. */
const postBlob = async (path: string, body: unknown): Promise<{ blob: Blob; headers: Headers }> => {
  const headers: Record<string, string> = { accept: 'application/pdf, application/json', 'content-type': 'application/json' };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { method: 'POST', headers, credentials: 'same-origin', body: JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', 'The server could not be reached. Check your connection and try again.');
  }
  if (res.ok) return { blob: await res.blob(), headers: res.headers };
  let err: { code?: string; message?: string; details?: unknown } | undefined;
  try {
    err = ((await res.json()) as { error?: typeof err }).error;
  } catch {
    err = undefined;
  }
  if (res.status === 401) unauthenticatedHandler?.();
  throw new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? `The server answered ${res.status} ${res.statusText}.`, err?.details);
};

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, undefined, query),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  del: <T = void>(path: string) => request<T>('DELETE', path),
  text: getText,
  upload,
  postBlob,
};

/** The address of a download (CSV, JSON) under /api/v1, for a plain link the browser saves. */
export const downloadUrl = (path: string, query?: Query): string => withQuery(`/api/v1${path}`, query);

/** Only same-site relative paths are followed after sign-in; anything else goes to the start page. */
export const safeNext = (next: unknown): string => {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  try {
    const url = new URL(next, window.location.origin);
    if (url.origin !== window.location.origin) return '/';
    if (url.pathname.startsWith('/login')) return '/';
    return url.pathname + url.search + url.hash;
  } catch {
    return '/';
  }
};
