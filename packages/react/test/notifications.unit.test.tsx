// @vitest-environment happy-dom
import type { CokoClient, Notification, NotificationPreferences, Notifications } from '@coko/sdk';
import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import {
  cokoKeys,
  useMarkRead,
  useNotificationPreferences,
  useNotifications,
  usePushDevice,
  useUnreadCount,
} from '../src';
import { testQueryClient, wrapper } from './helpers';

const note = (id: string): Notification => ({
  id,
  kind: 'badge_earned',
  title: 'Nouveau badge !',
  body: 'Bravo',
  data: {},
  readAt: null,
  createdAt: '2026-12-07T08:00:00.000Z',
});

/** A client whose notifications methods are vi.fn()s. */
function fakeNotifications() {
  let unread = 3;
  let prefs: NotificationPreferences = { email: true, push: true, sms: false };
  const notifications = {
    list: vi.fn(async ({ cursor }: { cursor?: string | null } = {}) =>
      cursor ? { data: [note('n3')], nextCursor: null } : { data: [note('n1'), note('n2')], nextCursor: 'c1' },
    ),
    unreadCount: vi.fn(async () => unread),
    markRead: vi.fn(async () => {
      const changed = unread;
      unread = 0;
      return changed;
    }),
    delete: vi.fn(async () => {}),
    preferences: {
      get: vi.fn(async () => prefs),
      update: vi.fn(async (patch: Partial<NotificationPreferences>) => {
        prefs = { ...prefs, ...patch };
        return prefs;
      }),
    },
    devices: { register: vi.fn(async () => {}), unregister: vi.fn(async () => {}) },
  };
  return {
    client: { notifications } as unknown as CokoClient,
    notifications: notifications as unknown as Notifications & typeof notifications,
  };
}

describe('notifications hooks', () => {
  it('useNotifications pages through the inbox; useMarkRead refreshes the unread count', async () => {
    const { client, notifications } = fakeNotifications();
    const { result } = renderHook(
      () => {
        const inbox = useNotifications();
        // Read during render, as a component would: TanStack Query re-renders for the properties a render reads.
        const ids = inbox.data?.pages.flatMap((p) => p.data.map((n) => n.id));
        return { inbox, ids, unread: useUnreadCount(), mark: useMarkRead() };
      },
      {
        wrapper: wrapper(client),
      },
    );
    await waitFor(() => expect(result.current.inbox.isSuccess && result.current.unread.data === 3).toBe(true));
    await act(() => result.current.inbox.fetchNextPage());
    await waitFor(() => expect(result.current.ids).toEqual(['n1', 'n2', 'n3']));
    expect(notifications.list).toHaveBeenLastCalledWith({ cursor: 'c1', signal: expect.any(AbortSignal) });
    await act(() => result.current.mark.mutateAsync('all'));
    await waitFor(() => expect(result.current.unread.data).toBe(0));
    expect(notifications.markRead).toHaveBeenCalledWith('all');
  });

  it('useNotificationPreferences reads, updates, and keeps the cached profile in step', async () => {
    const { client } = fakeNotifications();
    const queryClient = testQueryClient();
    queryClient.setQueryData(cokoKeys.account.profile(), {
      id: 'u',
      preferences: { theme: 'dark', fontSize: 16, notifications: { email: true, push: true, sms: false } },
    });
    const { result } = renderHook(() => useNotificationPreferences(), { wrapper: wrapper(client, queryClient) });
    await waitFor(() => expect(result.current.data).toEqual({ email: true, push: true, sms: false }));
    await act(() => result.current.update.mutateAsync({ sms: true }));
    await waitFor(() => expect(result.current.data).toEqual({ email: true, push: true, sms: true }));
    expect(
      queryClient.getQueryData<{ preferences: { notifications: unknown } }>(cokoKeys.account.profile())?.preferences
        .notifications,
    ).toEqual({
      email: true,
      push: true,
      sms: true,
    });
  });

  it('usePushDevice registers once the token is known, again when it changes, and unregisters on demand', async () => {
    const { client, notifications } = fakeNotifications();
    const { result, rerender } = renderHook(({ token }: { token: string | null }) => usePushDevice(token, 'android'), {
      wrapper: wrapper(client),
      initialProps: { token: null as string | null },
    });
    expect(notifications.devices.register).not.toHaveBeenCalled();
    rerender({ token: 'fcm-1' });
    await waitFor(() => expect(notifications.devices.register).toHaveBeenCalledWith('fcm-1', 'android'));
    rerender({ token: 'fcm-2' });
    await waitFor(() => expect(notifications.devices.register).toHaveBeenCalledWith('fcm-2', 'android'));
    expect(notifications.devices.register).toHaveBeenCalledTimes(2);
    await act(() => result.current.unregister());
    expect(notifications.devices.unregister).toHaveBeenCalledWith('fcm-2');
  });
});
