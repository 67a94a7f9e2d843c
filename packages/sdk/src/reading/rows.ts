import type { ReadingChanges, SyncResponse } from './types';

type SnakeKey<S extends string> = S extends `${infer H}${infer T}`
  ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${SnakeKey<T>}`
  : S;

/** A change's fields as columns: `deviceUpdatedAt` → `device_updated_at`, without `op`. */
export type Snake<T> = { [K in keyof T as K extends 'op' ? never : K extends string ? SnakeKey<K> : never]: T[K] };

/** `camelCase` change fields → `snake_case` columns (`op` and `undefined` values dropped). */
export function toRow<T extends object>(change: T): Snake<T> {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(change)) {
    if (key !== 'op' && value !== undefined) row[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value;
  }
  return row as Snake<T>;
}

/** `snake_case` columns → `camelCase` change fields (`null`s dropped: a change omits what is unset). */
export function toChange(row: object): Record<string, unknown> {
  const change: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value !== null) change[key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = value;
  }
  return change;
}

/** Empty `ReadingChanges`. */
export const noChanges = (): ReadingChanges => ({ progress: [], annotations: [], sessions: [] });

/** Adds one page of the `sync_reading` feed (camelCase rows) to `into`, as snake_case rows like the tables. */
export function addFeed(into: ReadingChanges, feed: SyncResponse['changes']): ReadingChanges {
  for (const key of ['progress', 'annotations', 'sessions'] as const) {
    for (const row of feed[key] ?? []) (into[key] as unknown[]).push(toRow(row));
  }
  return into;
}
