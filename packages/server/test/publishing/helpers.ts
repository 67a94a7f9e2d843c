// Fixtures of the publishing tests: editors and readers with tokens, a TUS client written with fetch (the
// protocol as any client speaks it), and a worker consuming `books.process-upload` in this process against
// the file's stack, writing into the stack's storage folder (the API's).
import { adminQuery, ensureTestUsers, tokenFor, USERS } from '../../../../supabase/tests/helpers.ts';
import { processBookUploadHandler } from '../../src/jobs/handlers/books-process-upload.ts';
import { DEAD_LETTER_QUEUE, QUEUE_NAMES, QUEUES } from '../../src/jobs/queues.ts';
import { type CokoWorker, startWorker } from '../../src/jobs/worker.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import type { UploadJson } from '../../src/uploads/rows.ts';
import { API, stack, storage } from '../access/helpers.ts';
import { ownDatabaseAsPostgres, waitFor } from '../jobs/helpers.ts';

export { API, stack, storage };
export const UPLOADS = `${API}/v1/admin/uploads`;

export type Who = 'admin' | 'moderator' | 'user';

export async function bearer(who: Who): Promise<Record<string, string>> {
  await ensureTestUsers();
  return { authorization: `Bearer ${await tokenFor(USERS[who])}` };
}

const b64 = (value: string) => Buffer.from(value, 'utf8').toString('base64');

/** TUS creation: POST with Upload-Length and metadata. */
export async function createUpload(
  who: Who | null,
  size: number,
  filename: string,
  contentType?: string,
): Promise<Response> {
  const metadata = [`filename ${b64(filename)}`, ...(contentType ? [`contentType ${b64(contentType)}`] : [])];
  return fetch(UPLOADS, {
    method: 'POST',
    headers: {
      ...(who ? await bearer(who) : {}),
      'Tus-Resumable': '1.0.0',
      'Upload-Length': String(size),
      'Upload-Metadata': metadata.join(','),
    },
  });
}

export async function patchChunk(who: Who, id: string, offset: number, body: Uint8Array): Promise<Response> {
  return fetch(`${UPLOADS}/${id}`, {
    method: 'PATCH',
    headers: {
      ...(await bearer(who)),
      'Tus-Resumable': '1.0.0',
      'Upload-Offset': String(offset),
      'Content-Type': 'application/offset+octet-stream',
    },
    body: body as Uint8Array<ArrayBuffer>,
  });
}

/** Creates the upload and sends `bytes` in chunks; returns its id. */
export async function uploadFile(bytes: Uint8Array, filename: string, who: Who = 'admin', chunkSize = 256 * 1024) {
  const created = await createUpload(who, bytes.length, filename);
  if (created.status !== 201) throw new Error(`POST ${created.status}: ${await created.text()}`);
  const id = ((await created.json()) as UploadJson).id;
  for (let offset = 0; offset < bytes.length; offset += chunkSize) {
    const res = await patchChunk(who, id, offset, bytes.subarray(offset, offset + chunkSize));
    if (res.status !== 204) throw new Error(`PATCH ${res.status}: ${await res.text()}`);
  }
  return id;
}

export async function getUpload(id: string, who: Who = 'admin'): Promise<UploadJson> {
  const res = await fetch(`${UPLOADS}/${id}`, { headers: await bearer(who) });
  if (res.status !== 200) throw new Error(`GET ${res.status}: ${await res.text()}`);
  return (await res.json()) as UploadJson;
}

/** The upload once processing ended (ready or failed). */
export function settled(id: string): Promise<UploadJson> {
  return waitFor(
    async () => {
      const upload = await getUpload(id);
      return upload.status === 'ready' || upload.status === 'failed' ? upload : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200, what: `upload ${id} processed` },
  );
}

export interface BookRow {
  id: string;
  title: string;
  subtitle: string | null;
  status: string;
  language: string;
  isbn: string | null;
  format: string | null;
  page_count: number | null;
  file_size: string | null;
  file_path: string | null;
  cover_path: string | null;
  metadata: Record<string, unknown>;
  publisher: string | null;
  authors: string[];
}

export async function bookRow(id: string): Promise<BookRow> {
  const [row] = await adminQuery<BookRow & Record<string, unknown>>(
    `select b.id, b.title, b.subtitle, b.status, b.language, b.isbn, b.format, b.page_count, b.file_size,
            b.file_path, b.cover_path, b.metadata, p.name as publisher,
            coalesce((select array_agg(a.name order by ba.position) from public.book_authors ba
                       join public.authors a on a.id = ba.author_id where ba.book_id = b.id), '{}') as authors
       from public.books b left join public.publishers p on p.id = b.publisher_id where b.id = $1`,
    [id],
  );
  if (!row) throw new Error(`no book ${id}`);
  return row;
}

/** A worker consuming only `books.process-upload`, storing into the stack's folder. */
export async function startUploadWorker(): Promise<CokoWorker> {
  await ownDatabaseAsPostgres(stack.adminDatabaseUrl);
  return startWorker({
    databaseUrl: stack.databaseUrl,
    queues: QUEUES.filter((queue) => queue.name === DEAD_LETTER_QUEUE || queue.name === QUEUE_NAMES.processBookUpload),
    schedules: [],
    schedule: false,
    handlers: { [QUEUE_NAMES.processBookUpload]: processBookUploadHandler({ storage: () => storage }) },
    pollingIntervalSeconds: 0.5,
    logger: silentLogger,
    stopTimeoutMs: 5_000,
  });
}
