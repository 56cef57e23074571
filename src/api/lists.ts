import { z } from 'zod';
import { validation } from '../kernel/app-error.ts';

/**
 * Every list endpoint pages, sorts and filters the same way:
 * `?page=1&pageSize=50&sort=-created_at&q=text` → `{ items, page, pageSize, total }`.
 */
export const listQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
  sort: z.string().max(64).optional(),
  q: z.string().max(200).optional(),
});
export type ListQuery = z.infer<typeof listQuery>;

export const pagedOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), page: z.number(), pageSize: z.number(), total: z.number() });

/** Turns `sort=-name` into a column and direction, allowing only the named columns. */
export const parseSort = <C extends string>(
  sort: string | undefined,
  allowed: readonly C[],
  fallback: { column: C; direction: 'asc' | 'desc' },
): { column: C; direction: 'asc' | 'desc' } => {
  if (!sort) return fallback;
  const direction = sort.startsWith('-') ? 'desc' : 'asc';
  const column = sort.replace(/^[-+]/, '') as C;
  if (!allowed.includes(column)) {
    throw validation(`Cannot sort by "${column}". Sort by one of: ${allowed.join(', ')} (prefix with - for descending).`);
  }
  return { column, direction };
};

export const offsetOf = (q: ListQuery) => (q.page - 1) * q.pageSize;
