import type { PostgrestClient } from '@supabase/postgrest-js';
import { idSchema } from '../catalog/schemas';
import { NetworkError, NotFoundError } from '../core/errors';
import type { Transport } from '../core/transport';
import { validate } from '../core/validate';
import type { Database } from '../database.types';
import { newDeviceId } from './device-id';
import { toChange, toRow } from './rows';
import { writeOptionsSchema } from './schemas';
import type { ReadingChangeDraft, ReadingQueue, WriteOptions } from './types';

/** Shared state of one client's reading namespace. */
export interface ReadingContext {
  rest: PostgrestClient<Database>;
  /** The Coko API (notes exports). */
  api: Transport['api'];
  queue: ReadingQueue | undefined;
  /** `options.deviceId`, else (without a queue, which stores its own) generated on the first write. */
  deviceId: string | undefined;
  /** Checkpoint of `sync()` without a queue (the queue stores its own). */
  checkpoint?: number;
}

type Table = 'reading_progress' | 'annotations' | 'reading_sessions';

/** A client-generated id (UUID v4). */
export const uuid = (): string => crypto.randomUUID();

/** Validates an id argument before any request. */
export const checkId = (id: unknown, name: string): string => validate(idSchema, id, name);

/**
 * The fields every change carries: the device and the time of the reader's action (now, unless
 * `deviceUpdatedAt` says when), taken when the method is called rather than when the write is sent.
 */
export function stamp(ctx: ReadingContext, options: WriteOptions = {}) {
  const o = validate(writeOptionsSchema, options, 'options');
  // With a queue, `undefined` lets it use the id it stores for this device.
  if (!ctx.queue) ctx.deviceId ??= newDeviceId();
  return {
    deviceId: o.deviceId ?? ctx.deviceId,
    deviceUpdatedAt: (options.deviceUpdatedAt ?? new Date()).toISOString(),
  };
}

type Builder = {
  throwOnError(): PromiseLike<unknown>;
  abortSignal(signal: AbortSignal): Builder;
  /** postgrest-js's fetch for this query, read when it is sent. */
  fetch: typeof fetch;
};

/** How one write is sent: its abort signal, and whether with `fetch`'s `keepalive` (see `WriteOptions`). */
export type Sending = { signal?: AbortSignal | undefined; keepalive?: boolean | undefined };

/**
 * Sends one write straight to PostgREST: an upsert by primary key that sends back nothing or,
 * with `id`, an update of that row's given fields. The database's last-writer-wins triggers
 * guard both. `fields` are camelCase change fields.
 *
 * With `keepalive`, the request outlives the page (the browser sends it even if the tab is closed
 * meanwhile). Browsers before Chrome 81 refuse `keepalive` on a request that needs a CORS preflight,
 * as every Coko write does: a network failure is then retried once without it — the write is
 * idempotent (by primary key, guarded by the device clock).
 */
export async function direct(
  ctx: ReadingContext,
  table: Table,
  fields: object,
  id?: string,
  sending: Sending = {},
): Promise<void> {
  const row = toRow(fields) as Record<string, unknown>;
  if (table === 'reading_sessions') delete row.device_updated_at;
  // One generic path for the three tables; each caller builds the columns its table grants.
  const from = ctx.rest.from(table as 'annotations') as unknown as {
    update(row: object): { eq(column: string, value: string): Builder };
    upsert(row: object): Builder & { setHeader(name: string, value: string): Builder };
  };
  // No `return=minimal`: PostgREST answers a write without a body by default, and would echo it back.
  const query = () => {
    const q = id ? from.update(row).eq('id', id) : from.upsert(row).setHeader('Prefer', 'resolution=merge-duplicates');
    return sending.signal ? q.abortSignal(sending.signal) : q;
  };
  if (!sending.keepalive) return void (await query().throwOnError());
  const q = query();
  // The SDK's fetch passes `init` on whole, so `keepalive` reaches the platform's fetch.
  const send = q.fetch;
  q.fetch = (input, init) => send(input, { ...init, keepalive: true });
  try {
    await q.throwOnError();
  } catch (error) {
    if (!(error instanceof NetworkError) || sending.signal?.aborted) throw error;
    await query().throwOnError();
  }
}

/** A whole-row write: into the offline queue when there is one (resolves once stored), else straight to PostgREST. */
export const write = (ctx: ReadingContext, table: Table, change: ReadingChangeDraft, sending?: Sending) =>
  ctx.queue ? ctx.queue.push(change) : direct(ctx, table, change, undefined, sending);

type Whole = { bookId?: string; startedAt?: string; [field: string]: unknown };

/**
 * The whole annotation or session `id` as change fields, for the queue (whose changes are whole
 * rows): as the queue knows it, else as the server has it (which needs the network).
 */
export async function whole(
  ctx: ReadingContext,
  queue: ReadingQueue,
  table: 'annotations' | 'reading_sessions',
  id: string,
): Promise<Whole> {
  const known = await queue.known(id);
  if (known) return known as unknown as Whole;
  const { data } = await ctx.rest
    .from(table)
    .select(
      table === 'annotations'
        ? 'book_id,kind,locator,selected_text,note,color'
        : 'book_id,started_at,start_progression,device_type',
    )
    .eq('id', id)
    .maybeSingle()
    .throwOnError();
  if (!data) throw new NotFoundError(`Not found: ${id}`);
  return toChange(data);
}
