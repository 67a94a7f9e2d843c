'use client';

import type {
  CokoClient,
  CokoError,
  ListNotificationsParams,
  NotificationPreferences,
  NotificationPreferencesPatch,
  NotificationsPage,
  Profile,
  PushPlatform,
} from '@coko/sdk';
import {
  infiniteQueryOptions,
  queryOptions,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useEffect } from 'react';
import { cokoRetry } from '../catalog/options';
import { cokoKeys } from '../query-keys';
import type { CokoQueryOptions } from '../types';
import { useCoko } from '../use-coko';

type ListParams = Omit<ListNotificationsParams, 'cursor' | 'signal'>;

/** Infinite query options for the inbox (`coko.notifications.list`). */
export function notificationsQueryOptions(client: CokoClient, params: ListParams = {}) {
  return infiniteQueryOptions<
    NotificationsPage,
    CokoError,
    { pages: NotificationsPage[] },
    readonly unknown[],
    string | null
  >({
    queryKey: cokoKeys.notifications.list(params),
    queryFn: ({ signal, pageParam }) => client.notifications.list({ ...params, cursor: pageParam, signal }),
    initialPageParam: null,
    getNextPageParam: (last) => last.nextCursor,
    retry: cokoRetry,
  });
}

/** Query options for the unread count (`coko.notifications.unreadCount`). */
export function unreadCountQueryOptions(client: CokoClient) {
  return queryOptions<number, CokoError>({
    queryKey: cokoKeys.notifications.unreadCount(),
    queryFn: ({ signal }) => client.notifications.unreadCount({ signal }),
    retry: cokoRetry,
  });
}

/**
 * The reader's inbox, newest first, a page at a time.
 *
 * @example
 * ```tsx
 * const { data, fetchNextPage, hasNextPage } = useNotifications()
 * const items = data?.pages.flatMap((page) => page.data) ?? []
 * ```
 */
export function useNotifications(params: ListParams = {}, options: { enabled?: boolean } = {}) {
  const client = useCoko();
  return useInfiniteQuery({ ...notificationsQueryOptions(client, params), enabled: options.enabled ?? true });
}

/**
 * How many notifications are unread, refreshed every minute while the page is visible (a badge on the bell).
 *
 * @example
 * ```tsx
 * const { data: unread = 0 } = useUnreadCount()
 * return <span aria-label={`${unread} unread`}>{unread > 0 ? unread : null}</span>
 * ```
 */
export function useUnreadCount(options?: CokoQueryOptions<number>) {
  const client = useCoko();
  return useQuery({ ...unreadCountQueryOptions(client), refetchInterval: 60_000, ...options });
}

/**
 * Marks notifications read (`ids` or `'all'`); the inbox and the unread count refetch.
 *
 * @example
 * ```tsx
 * const { mutate: markRead } = useMarkRead()
 * <button onClick={() => markRead('all')}>Tout marquer comme lu</button>
 * ```
 */
export function useMarkRead() {
  const client = useCoko();
  const queryClient = useQueryClient();
  return useMutation<number, CokoError, string[] | 'all'>({
    mutationFn: (ids) => client.notifications.markRead(ids),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: cokoKeys.notifications.all() }),
  });
}

/** Deletes one notification; the inbox and the unread count refetch. */
export function useDeleteNotification() {
  const client = useCoko();
  const queryClient = useQueryClient();
  return useMutation<void, CokoError, string>({
    mutationFn: (id) => client.notifications.delete(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: cokoKeys.notifications.all() }),
  });
}

/**
 * The reader's notification preferences and a mutation to change some of them (kinds merge per channel).
 *
 * @example
 * ```tsx
 * const { data: prefs, update } = useNotificationPreferences()
 * update.mutate({ kinds: { badge_earned: { email: false } } })
 * ```
 */
export function useNotificationPreferences(options?: CokoQueryOptions<NotificationPreferences>) {
  const client = useCoko();
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: cokoKeys.notifications.preferences(),
    queryFn: ({ signal }) => client.notifications.preferences.get({ signal }),
    retry: cokoRetry,
    ...options,
  });
  const update = useMutation<NotificationPreferences, CokoError, NotificationPreferencesPatch>({
    mutationFn: (patch) => client.notifications.preferences.update(patch),
    onSuccess: (notifications) => {
      queryClient.setQueryData(cokoKeys.notifications.preferences(), notifications);
      queryClient.setQueryData<Profile>(
        cokoKeys.account.profile(),
        (old) => old && { ...old, preferences: { ...old.preferences, notifications } },
      );
    },
  });
  return { ...query, update };
}

/**
 * Registers this device’s push token for the signed-in reader when the token is known or changes (pass
 * `null` while the token is unknown), and unregisters it with `unregister()` at sign-out.
 *
 * @example
 * ```tsx
 * const { unregister } = usePushDevice(fcmToken, 'android')
 * ```
 */
export function usePushDevice(token: string | null | undefined, platform: PushPlatform) {
  const client = useCoko();
  const register = useMutation<void, CokoError, { token: string; platform: PushPlatform }>({
    mutationFn: (device) => client.notifications.devices.register(device.token, device.platform),
  });
  const unregister = useMutation<void, CokoError, void>({
    mutationFn: async () => {
      if (token) await client.notifications.devices.unregister(token);
    },
  });
  const { mutate } = register;
  useEffect(() => {
    if (token) mutate({ token, platform });
  }, [token, platform, mutate]);
  return { register, unregister: unregister.mutateAsync, error: register.error ?? unregister.error };
}
