import { useCallback, useMemo } from 'react';
import { useLocation, useRouter } from '@tanstack/react-router';

/**
 * Search params are kept as plain `?key=value` strings (not TanStack's JSON encoding),
 * so shared links read naturally: /staff?sort=-name&q=ola&page=2.
 */
export const parseSearch = (searchStr: string): Record<string, unknown> => {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(searchStr)) out[k] = v;
  return out;
};

export const stringifySearch = (search: Record<string, unknown>): string => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(search)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
};

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
export const posInt = (v: unknown): number | undefined => {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : undefined;
};
export const oneOf = <T extends string>(v: unknown, allowed: readonly T[]): T | undefined =>
  allowed.includes(v as T) ? (v as T) : undefined;

export interface ListSearch {
  page: number;
  pageSize: number;
  sort?: string;
  q?: string;
}

export const PAGE_SIZES = [25, 50, 100] as const;

export const parseListSearch = (raw: Record<string, unknown>, defaults: { sort?: string; pageSize?: number } = {}): ListSearch => ({
  page: posInt(raw.page) ?? 1,
  pageSize: Math.min(posInt(raw.pageSize) ?? defaults.pageSize ?? 25, 500),
  sort: str(raw.sort) ?? defaults.sort,
  q: str(raw.q),
});

export type SearchPatch = Record<string, string | number | undefined>;

/** The page's search params parsed by `parse`, and a way to change some of them (kept in the URL). */
export const useUrlSearch = <T,>(parse: (raw: Record<string, unknown>) => T): [T, (patch: SearchPatch, options?: { replace?: boolean }) => void] => {
  const location = useLocation();
  const router = useRouter();
  const searchStr = location.searchStr;
  // parse is a pure function of the string, so the string alone decides when to re-parse.
  const value = useMemo(() => parse(parseSearch(searchStr)), [searchStr]);
  const update = useCallback(
    (patch: SearchPatch, options?: { replace?: boolean }) => {
      const current = parseSearch(router.state.location.searchStr);
      void router.navigate({ href: router.state.location.pathname + stringifySearch({ ...current, ...patch }), replace: options?.replace });
    },
    [router],
  );
  return [value, update];
};
