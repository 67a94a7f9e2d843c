/** One page of results. `total` counts every match; `totalPages` is `ceil(total / limit)`. */
export interface Page<T> {
  data: T[];
  page: number;
  limit: number;
  total: number;
  totalPages: number;
}

/** Inclusive row range for `.range(from, to)` of a 1-based page. */
export function toRange(page: number, limit: number): [from: number, to: number] {
  const from = (page - 1) * limit;
  return [from, from + limit - 1];
}

/** Builds a `Page`. */
export function toPage<T>(data: T[], page: number, limit: number, total: number): Page<T> {
  return { data, page, limit, total, totalPages: Math.ceil(total / limit) };
}

/**
 * When a `.range()` page starts past the last row, PostgREST answers 416 (`PGRST103`) and still
 * sends the total; returns that total (so callers can return an empty page), else `undefined`.
 */
export function totalPastEnd(error: unknown): number | undefined {
  const details = (error as { details?: { postgrestCode?: unknown; total?: unknown } } | null)?.details;
  if (details?.postgrestCode !== 'PGRST103') return undefined;
  return typeof details.total === 'number' ? details.total : 0;
}
