'use client';

import type {
  CokoError,
  ModerateInput,
  ModerationAction,
  ModerationActionsPage,
  ModerationActionsParams,
  ModerationQueueItem,
  ModerationQueueParams,
  Report,
  ReportInput,
  ShareKind,
  ShareLink,
  SharePreview,
} from '@coko/sdk';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { cokoRetry } from '../catalog/options';
import { cokoKeys } from '../query-keys';
import type { CokoQueryOptions } from '../types';
import { useCoko } from '../use-coko';

/**
 * Reports content to the moderators (`coko.community.reports.create`); the reader's reports refetch.
 * Enough reports hide the content for everyone, so the caller usually hides it locally too.
 *
 * @example
 * ```tsx
 * const report = useReport()
 * report.mutate({ targetType: 'review', targetId: review.id, reason: 'spoiler' })
 * ```
 */
export function useReport() {
  const client = useCoko();
  const queryClient = useQueryClient();
  return useMutation<Report, CokoError, ReportInput>({
    mutationFn: (input) => client.community.reports.create(input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: cokoKeys.community.myReports() }),
  });
}

/**
 * The moderation queue (`coko.community.moderation.queue`), moderators and admins only: pass
 * `{ enabled: isModerator }` (others get `PermissionDeniedError`).
 */
export function useModerationQueue(
  params: ModerationQueueParams = {},
  options?: CokoQueryOptions<ModerationQueueItem[]>,
) {
  const client = useCoko();
  return useQuery<ModerationQueueItem[], CokoError>({
    queryKey: cokoKeys.community.moderationQueue(params),
    queryFn: ({ signal }) => client.community.moderation.queue(params, { signal }),
    retry: cokoRetry,
    ...options,
  });
}

/**
 * Acts on reported content or a reader (`coko.community.moderation.act`). Afterwards the queue, the
 * actions and every community list refetch: hiding or deleting changes what readers see and the
 * books' ratings.
 *
 * @example
 * ```tsx
 * const moderate = useModerate()
 * moderate.mutate({ targetType: item.targetType, targetId: item.targetId, action: 'hide', reason: 'Spam' })
 * ```
 */
export function useModerate() {
  const client = useCoko();
  const queryClient = useQueryClient();
  return useMutation<ModerationAction, CokoError, ModerateInput>({
    mutationFn: (input) => client.community.moderation.act(input),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: cokoKeys.community.all() }),
        queryClient.invalidateQueries({ queryKey: cokoKeys.catalog.lists() }),
      ]),
  });
}

/** Moderation actions, newest first, a page at a time (`coko.community.moderation.actions`). */
export function useModerationActions(
  params: Omit<ModerationActionsParams, 'cursor'> = {},
  options: { enabled?: boolean } = {},
) {
  const client = useCoko();
  return useInfiniteQuery<
    ModerationActionsPage,
    CokoError,
    { pages: ModerationActionsPage[] },
    readonly unknown[],
    string | null
  >({
    queryKey: cokoKeys.community.moderationActions(params),
    queryFn: ({ signal, pageParam }) =>
      client.community.moderation.actions({ ...params, cursor: pageParam }, { signal }),
    initialPageParam: null,
    getNextPageParam: (last) => last.nextCursor,
    retry: cokoRetry,
    enabled: options.enabled ?? true,
  });
}

/** The reader's share links (`coko.community.shares.mine`). */
export function useShareLinks(options?: CokoQueryOptions<ShareLink[]>) {
  const client = useCoko();
  return useQuery<ShareLink[], CokoError>({
    queryKey: cokoKeys.community.myShareLinks(),
    queryFn: ({ signal }) => client.community.shares.mine({ signal }),
    retry: cokoRetry,
    ...options,
  });
}

/**
 * Makes a share link (`coko.community.shares.create`) and resolves with it: hand `link.url` to
 * `navigator.share()` or a copy button.
 *
 * @example
 * ```tsx
 * const share = useCreateShareLink()
 * const link = await share.mutateAsync({ kind: 'book', targetId: bookId })
 * await navigator.share?.({ url: link.url })
 * ```
 */
export function useCreateShareLink() {
  const client = useCoko();
  const queryClient = useQueryClient();
  return useMutation<ShareLink, CokoError, { kind: ShareKind; targetId: string }>({
    mutationFn: (input) => client.community.shares.create(input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: cokoKeys.community.myShareLinks() }),
  });
}

/** Revokes one of the reader's share links (`coko.community.shares.revoke`), by code. */
export function useRevokeShareLink() {
  const client = useCoko();
  const queryClient = useQueryClient();
  return useMutation<void, CokoError, string>({
    mutationFn: (code) => client.community.shares.revoke(code),
    onSuccess: (_, code) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: cokoKeys.community.myShareLinks() }),
        queryClient.removeQueries({ queryKey: cokoKeys.community.sharePreview(code) }),
      ]),
  });
}

/** A share link's public preview (`coko.community.shares.preview`), no session needed. Idle while `code` is empty. */
export function useSharePreview(code: string | null | undefined, options?: CokoQueryOptions<SharePreview>) {
  const client = useCoko();
  return useQuery<SharePreview, CokoError>({
    queryKey: cokoKeys.community.sharePreview(code ?? ''),
    queryFn: ({ signal }) => client.community.shares.preview(code ?? '', { signal }),
    retry: cokoRetry,
    ...options,
    enabled: code ? (options?.enabled ?? true) : false,
  });
}
