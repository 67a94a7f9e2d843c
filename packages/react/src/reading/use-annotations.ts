'use client';

import type { Annotation, AnnotationPatch, CokoError, NewAnnotation } from '@coko/sdk';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo } from 'react';
import { cokoKeys } from '../query-keys';
import type { CokoQueryOptions } from '../types';
import { useCoko } from '../use-coko';
import { annotationsQueryOptions } from './options';

/** What `create()` takes: an annotation of this hook's book. */
export type AnnotationInput = Omit<NewAnnotation, 'bookId'>;

type Context = { previous: Annotation | undefined; index: number };

const byCreation = (a: Annotation, b: Annotation) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);

/** `patch` applied to a cached annotation. */
function patched(annotation: Annotation, patch: AnnotationPatch, at: string): Annotation {
  const { selectedText, color, ...rest } = patch;
  return {
    ...annotation,
    ...rest,
    ...(selectedText !== undefined ? { selectedText } : {}),
    ...(color !== undefined ? { color: color.toLowerCase() } : {}),
    deviceUpdatedAt: at,
    updatedAt: at,
  };
}

/**
 * A book's annotations (highlights, notes, bookmarks), oldest first, with optimistic writes:
 * `create`, `update` and `remove` change the list at once, then write through the SDK (and its
 * offline queue). When a write fails, or the server later rejects a queued one, the change is
 * rolled back and the list refetched. Annotations other devices change arrive with each sync.
 *
 * @example
 * ```tsx
 * const { data: annotations = [], create, update, remove } = useAnnotations(bookId)
 * const onHighlight = (locator, text) => create({ kind: 'highlight', locator, selectedText: text })
 * return annotations.map((a) => <Highlight key={a.id} {...a} onRecolor={(color) => update(a.id, { color })} onDelete={() => remove(a.id)} />)
 * ```
 */
export function useAnnotations(bookId: string | null | undefined, options?: CokoQueryOptions<Annotation[]>) {
  const client = useCoko();
  const queryClient = useQueryClient();
  const queryKey = useMemo(() => cokoKeys.reading.annotations(bookId ?? ''), [bookId]);
  const query = useQuery({
    ...annotationsQueryOptions(client, bookId ?? ''),
    ...options,
    enabled: bookId ? (options?.enabled ?? true) : false,
  });

  const setList = useCallback(
    (update: (list: Annotation[]) => Annotation[]) =>
      queryClient.setQueryData<Annotation[]>(queryKey, (old) => update(old ?? [])),
    [queryClient, queryKey],
  );

  /** Takes `id` out of the list, remembering it (and where it was) for a rollback. */
  const snapshot = useCallback(
    async (id: string): Promise<Context> => {
      await queryClient.cancelQueries({ queryKey });
      const list = queryClient.getQueryData<Annotation[]>(queryKey) ?? [];
      const index = list.findIndex((a) => a.id === id);
      return { previous: list[index], index };
    },
    [queryClient, queryKey],
  );

  /** Puts the remembered version back (or removes an annotation that never existed). */
  const rollback = useCallback(
    (id: string, context: Context | undefined) =>
      setList((list) => {
        const rest = list.filter((a) => a.id !== id);
        if (!context?.previous) return rest;
        rest.splice(Math.max(0, context.index), 0, context.previous);
        return rest;
      }),
    [setList],
  );

  // After a failed write, also refetch: other writes may have moved on meanwhile.
  const onSettled = (_: unknown, error: CokoError | null) => {
    if (error) void queryClient.invalidateQueries({ queryKey });
  };

  const createMutation = useMutation<Annotation, CokoError, { annotation: Annotation; input: NewAnnotation }, Context>({
    networkMode: 'always',
    mutationFn: ({ input, annotation }) =>
      client.reading.annotations.create(input, { deviceUpdatedAt: new Date(annotation.deviceUpdatedAt) }),
    onMutate: async ({ annotation }) => {
      await queryClient.cancelQueries({ queryKey });
      setList((list) => [...list.filter((a) => a.id !== annotation.id), annotation]);
      return { previous: undefined, index: -1 };
    },
    onSuccess: (stored) => setList((list) => list.map((a) => (a.id === stored.id ? stored : a))),
    onError: (_, { annotation }, context) => rollback(annotation.id, context),
    onSettled,
  });

  const updateMutation = useMutation<void, CokoError, { id: string; patch: AnnotationPatch; at: Date }, Context>({
    networkMode: 'always',
    mutationFn: ({ id, patch, at }) => client.reading.annotations.update(id, patch, { deviceUpdatedAt: at }),
    onMutate: async ({ id, patch, at }) => {
      const context = await snapshot(id);
      setList((list) => list.map((a) => (a.id === id ? patched(a, patch, at.toISOString()) : a)));
      return context;
    },
    onError: (_, { id }, context) => rollback(id, context),
    onSettled,
  });

  const removeMutation = useMutation<void, CokoError, { id: string; at: Date }, Context>({
    networkMode: 'always',
    mutationFn: ({ id, at }) => client.reading.annotations.delete(id, { deviceUpdatedAt: at }),
    onMutate: async ({ id }) => {
      const context = await snapshot(id);
      setList((list) => list.filter((a) => a.id !== id));
      return context;
    },
    onError: (_, { id }, context) => rollback(id, context),
    onSettled,
  });

  const { mutate: createAnnotation } = createMutation;
  const { mutate: updateAnnotation } = updateMutation;
  const { mutate: removeAnnotation } = removeMutation;

  const create = useCallback(
    (input: AnnotationInput): Annotation => {
      if (!bookId) throw new Error('useAnnotations: no book to annotate yet');
      const at = new Date().toISOString();
      const id = input.id ?? crypto.randomUUID();
      const annotation: Annotation = {
        id,
        bookId,
        kind: input.kind,
        locator: input.locator,
        selectedText: input.selectedText ?? null,
        note: input.note ?? null,
        color: (input.color ?? '#ffd54f').toLowerCase(),
        deviceId: '',
        deviceUpdatedAt: at,
        deletedAt: null,
        createdAt: at,
        updatedAt: at,
      };
      createAnnotation({ annotation, input: { ...input, id, bookId } });
      return annotation;
    },
    [bookId, createAnnotation],
  );
  const update = useCallback(
    (id: string, patch: AnnotationPatch) => updateAnnotation({ id, patch, at: new Date() }),
    [updateAnnotation],
  );
  const remove = useCallback((id: string) => removeAnnotation({ id, at: new Date() }), [removeAnnotation]);

  // Other devices' changes (pulled by each sync) merge in; a queued write the server rejected or
  // overrode is rolled back by refetching (the queue still shows writes not yet sent).
  useEffect(() => {
    if (!bookId) return;
    const key = cokoKeys.reading.annotations(bookId);
    return client.reading.subscribe((event) => {
      if (event.type === 'synced') {
        const rows = event.result.changes.annotations.filter((r) => r.bookId === bookId);
        if (!rows.length) return;
        queryClient.setQueryData<Annotation[]>(key, (old) => {
          if (!old) return old;
          const list = new Map(old.map((a) => [a.id, a]));
          for (const { changeSeq, ...row } of rows) {
            const mine = list.get(row.id);
            if (mine && Date.parse(mine.deviceUpdatedAt) > Date.parse(row.deviceUpdatedAt)) continue;
            if (row.deletedAt) list.delete(row.id);
            else list.set(row.id, row);
          }
          return [...list.values()].sort(byCreation);
        });
      } else if (
        event.type !== 'status' &&
        event.change.op.startsWith('annotation.') &&
        event.change.bookId === bookId
      ) {
        void queryClient.invalidateQueries({ queryKey: key });
      }
    });
  }, [client, queryClient, bookId]);

  return {
    ...query,
    /** Adds an annotation (shown at once, with its client-generated id) and returns it. */
    create,
    /** Changes some fields of an annotation (shown at once). */
    update,
    /** Deletes an annotation (gone at once; a tombstone on the server). */
    remove,
    /** A write is in flight. */
    isSaving: createMutation.isPending || updateMutation.isPending || removeMutation.isPending,
    /** The last failed write's error (it was rolled back), else `null`. */
    saveError: createMutation.error ?? updateMutation.error ?? removeMutation.error,
  };
}
