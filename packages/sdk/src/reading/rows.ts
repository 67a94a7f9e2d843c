import { camelKey } from '../core/case';
import type { Annotation, ReadingChange, ReadingChanges, SyncResponse } from './types';

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
    if (value !== null) change[camelKey(key)] = value;
  }
  return change;
}

/** Empty `ReadingChanges`. */
export const noChanges = (): ReadingChanges => ({ progress: [], annotations: [], sessions: [] });

/** Adds one page of the `sync_reading` feed to `into` (its rows are camelCase already: the public shape). */
export function addFeed(into: ReadingChanges, feed: SyncResponse['changes']): ReadingChanges {
  for (const key of ['progress', 'annotations', 'sessions'] as const) {
    for (const row of feed[key] ?? []) (into[key] as unknown[]).push(row);
  }
  return into;
}

/**
 * The annotation an upsert leads to, as the server will store it (`createdAt` kept from the
 * stored row, if any): what `create()` returns and what the queue shows until it is synced.
 */
export function annotationFrom(
  c: Extract<ReadingChange, { op: 'annotation.upsert' }>,
  createdAt = c.deviceUpdatedAt,
): Annotation {
  return {
    id: c.id,
    bookId: c.bookId,
    kind: c.kind,
    locator: c.locator,
    selectedText: c.selectedText ?? null,
    note: c.note ?? null,
    color: (c.color ?? '#ffd54f').toLowerCase(),
    deviceId: c.deviceId,
    deviceUpdatedAt: c.deviceUpdatedAt,
    deletedAt: null,
    createdAt,
    updatedAt: c.deviceUpdatedAt,
  };
}
