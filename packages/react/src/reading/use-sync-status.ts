'use client';

import type { SyncStatus } from '@coko/sdk';
import { useSyncExternalStore } from 'react';
import { useCoko } from '../use-coko';

/**
 * The reading sync state (`coko.reading.syncStatus()`), re-rendering when it changes:
 * `{ online, pending, syncing, lastSyncedAt, lastError }`. Subscribing also starts the offline
 * queue (loads what an earlier visit left and sends it).
 *
 * @example
 * ```tsx
 * const { online, pending, lastError } = useSyncStatus()
 * if (!online && pending) return <Badge>{pending} changes will sync when you are back online</Badge>
 * ```
 */
export function useSyncStatus(): SyncStatus {
  const { reading } = useCoko();
  return useSyncExternalStore(reading.subscribe, reading.syncStatus, reading.syncStatus);
}
