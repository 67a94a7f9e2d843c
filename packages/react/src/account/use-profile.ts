'use client';

import type { CokoError, Preferences, PreferencesPatch, Profile, ProfilePatch } from '@coko/sdk';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { cokoKeys } from '../query-keys';
import type { CokoQueryOptions } from '../types';
import { useCoko } from '../use-coko';
import { profileQueryOptions } from './options';

/**
 * The signed-in reader's profile, preferences included (`coko.account.profile.get`).
 *
 * @example
 * ```tsx
 * const { data: profile } = useProfile()
 * return <h1>{profile?.displayName}</h1>
 * ```
 */
export function useProfile(options?: CokoQueryOptions<Profile>) {
  const client = useCoko();
  return useQuery({ ...profileQueryOptions(client), ...options });
}

/**
 * Changes profile fields (`coko.account.profile.update`); the cached profile becomes the server's answer.
 *
 * @example
 * ```tsx
 * const { mutate } = useUpdateProfile()
 * mutate({ displayName: 'Awa Diop' })
 * ```
 */
export function useUpdateProfile() {
  const client = useCoko();
  const queryClient = useQueryClient();
  return useMutation<Profile, CokoError, ProfilePatch>({
    mutationFn: (patch) => client.account.profile.update(patch),
    onSuccess: (profile) => queryClient.setQueryData(cokoKeys.account.profile(), profile),
  });
}

/**
 * Changes some preferences (`coko.account.preferences.update`), the others keep their values.
 *
 * @example
 * ```tsx
 * const { mutate } = useUpdatePreferences()
 * mutate({ theme: 'dark' })
 * ```
 */
export function useUpdatePreferences() {
  const client = useCoko();
  const queryClient = useQueryClient();
  return useMutation<Preferences, CokoError, PreferencesPatch>({
    mutationFn: (patch) => client.account.preferences.update(patch),
    onSuccess: (preferences) =>
      queryClient.setQueryData<Profile>(cokoKeys.account.profile(), (old) => old && { ...old, preferences }),
  });
}
