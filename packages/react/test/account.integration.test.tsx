// @vitest-environment happy-dom
import { createCoko } from '@coko/sdk';
import { act, renderHook, waitFor } from '@testing-library/react';
import { beforeAll, describe, expect, it } from 'vitest';
import { useConsents, useProfile, usePublishers, useSetConsent, useUpdatePreferences, useUpdateProfile } from '../src';
import { wrapper } from './helpers';

// Real-stack tests of the account and publisher hooks: the seed's demo reader reads and changes
// their profile, preferences and consents through PostgREST (each test file has its own database).
const url = process.env.COKO_TEST_URL ?? '';
const publishableKey = process.env.COKO_TEST_PUBLISHABLE_KEY ?? 'unused';
const DEMO_READER = { id: '00000000-0000-4000-8000-000000000001' };

describe.skipIf(!process.env.COKO_TEST_URL)('account hooks against the real stack', () => {
  let accessToken: string;

  beforeAll(async () => {
    const [{ mintUserToken }, { testStack }] = await Promise.all([
      import('@coko/server/dev'),
      import('../../../test/stack.ts'),
    ]);
    accessToken = await mintUserToken(testStack().keys, DEMO_READER, { expiresInSeconds: 600 });
  });

  it('useProfile, then useUpdateProfile and useUpdatePreferences update the cached profile', async () => {
    const coko = createCoko({ url, publishableKey, accessToken });
    const { result } = renderHook(
      () => ({ profile: useProfile(), update: useUpdateProfile(), preferences: useUpdatePreferences() }),
      { wrapper: wrapper(coko) },
    );
    await waitFor(() => expect(result.current.profile.isSuccess).toBe(true), { timeout: 10_000 });
    expect(result.current.profile.data?.id).toBe(DEMO_READER.id);

    await act(() => result.current.update.mutateAsync({ displayName: 'Kofi Mensah' }));
    await waitFor(() => expect(result.current.profile.data?.displayName).toBe('Kofi Mensah'));
    await act(() => result.current.preferences.mutateAsync({ fontSize: 20 }));
    await waitFor(() => expect(result.current.profile.data?.preferences.fontSize).toBe(20));
    expect((await coko.account.preferences.get()).fontSize).toBe(20);
  });

  it('useSetConsent records a decision that useConsents then shows', async () => {
    const coko = createCoko({ url, publishableKey, accessToken });
    const { result } = renderHook(() => ({ consents: useConsents(), set: useSetConsent() }), {
      wrapper: wrapper(coko),
    });
    await waitFor(() => expect(result.current.consents.isSuccess).toBe(true), { timeout: 10_000 });
    await act(() => result.current.set.mutateAsync({ kind: 'analytics', granted: true }));
    await waitFor(() =>
      expect(result.current.consents.data?.map((c) => [c.kind, c.granted])).toEqual([['analytics', true]]),
    );
  });

  it('usePublishers lists publishers for guests', async () => {
    const guest = createCoko({ url, publishableKey });
    const { result } = renderHook(() => usePublishers({ limit: 5 }), { wrapper: wrapper(guest) });
    await waitFor(() => expect(result.current.isSuccess).toBe(true), { timeout: 10_000 });
    expect(result.current.data?.data.length).toBeGreaterThan(0);
  });
});
