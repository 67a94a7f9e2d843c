import { camel } from '../core/case';
import type { RequestOptions } from '../core/transport';
import { validate } from '../core/validate';
import { checkId, direct, type ReadingContext, stamp, uuid, whole, write } from './context';
import { annotationFrom } from './rows';
import { annotationPatchSchema, newAnnotationSchema } from './schemas';
import type { Annotation, AnnotationPatch, NewAnnotation, ReadingChangeDraft, WriteOptions } from './types';

/** Implementation of `reading.annotations.list()`: oldest first; tombstones only with `includeDeleted`. */
export async function listAnnotations(
  ctx: ReadingContext,
  bookId: string,
  params: { includeDeleted?: boolean } = {},
  options?: RequestOptions,
): Promise<Annotation[]> {
  const id = checkId(bookId, 'bookId');
  const all = params.includeDeleted === true;
  let query = ctx.rest
    .from('annotations')
    .select(
      'id,book_id,kind,locator,selected_text,note,color,device_id,device_updated_at,deleted_at,created_at,updated_at',
    )
    .eq('book_id', id);
  if (!all) query = query.is('deleted_at', null);
  query = query.order('created_at').order('id');
  if (options?.signal) query = query.abortSignal(options.signal);
  const rows = (await query.throwOnError()).data.map(camel) as unknown as Annotation[];
  return ctx.queue ? ctx.queue.annotations(id, rows, all) : rows;
}

/** Implementation of `reading.annotations.create()`: returns the annotation as it will be stored. */
export async function createAnnotation(
  ctx: ReadingContext,
  input: NewAnnotation,
  options?: WriteOptions,
): Promise<Annotation> {
  const a = validate(newAnnotationSchema, input, 'annotation');
  const change = { ...a, op: 'annotation.upsert' as const, id: a.id ?? uuid(), ...stamp(ctx, options) };
  await write(ctx, 'annotations', change, options);
  return annotationFrom({ ...change, deviceId: change.deviceId ?? '' });
}

/**
 * Implementation of `reading.annotations.update()` and, without a patch, `delete()` (a tombstone).
 * Straight to PostgREST: an update of the given fields. Through the queue: the whole annotation.
 */
async function changeAnnotation(
  ctx: ReadingContext,
  annotationId: string,
  patch: AnnotationPatch | null,
  options?: WriteOptions,
): Promise<void> {
  const id = checkId(annotationId, 'id');
  const fields = patch ? validate(annotationPatchSchema, patch, 'patch') : undefined;
  const stamped = stamp(ctx, options);
  const { queue } = ctx;
  if (!queue) {
    const change = { ...(fields ?? { deletedAt: stamped.deviceUpdatedAt }), ...stamped };
    return direct(ctx, 'annotations', change, id, options);
  }
  const base = await whole(ctx, queue, 'annotations', id);
  const change = patch
    ? { ...base, ...fields, op: 'annotation.upsert', id, ...stamped }
    : { op: 'annotation.delete', id, bookId: base.bookId, ...stamped };
  return queue.push(change as ReadingChangeDraft);
}

/** Implementation of `reading.annotations.update()`. */
export const updateAnnotation = (ctx: ReadingContext, id: string, patch: AnnotationPatch, options?: WriteOptions) =>
  changeAnnotation(ctx, id, patch ?? {}, options);

/** Implementation of `reading.annotations.delete()`: a tombstone. */
export const deleteAnnotation = (ctx: ReadingContext, id: string, options?: WriteOptions) =>
  changeAnnotation(ctx, id, null, options);
