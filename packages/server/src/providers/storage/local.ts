import { createHash, randomUUID } from 'node:crypto';
import { type FileHandle, link, mkdir, open, readdir, readFile, rename, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { Readable } from 'node:stream';
import { checkBucket, checkPath, checkPrefix, encodePath } from './paths.ts';
import { type GetResult, type PutOptions, StorageError, type StoragePort, type StoredObject } from './port.ts';
import type { UrlSigner } from './signing.ts';

export interface LocalStorageOptions {
  /** Folder holding everything (`objects/`, `meta/`, `tmp/` inside); created on first write. */
  root: string;
  signer: UrlSigner;
  /** Base of signed URLs, served by `GET /v1/files/{bucket}/{path}` (e.g. `http://127.0.0.1:54321/functions/v1/api/v1/files`). */
  filesUrl: string;
  /** Origin serving `/storage/v1/object/public/…` (the local gateway); default: a path without origin. */
  publicUrl?: string | undefined;
  /** Clock for signed URL expiry, in ms (default `Date.now`). */
  now?: (() => number) | undefined;
}

/** What is stored beside each object; trusted only while it still describes the file (inode, size, mtime). */
interface Sidecar {
  contentType: string;
  cacheControl?: string | undefined;
  etag: string;
  size: number;
  ino: number;
  mtimeMs: number;
}

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

function etagOf(hash: Buffer): string {
  return `"${hash.toString('base64url')}"`;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** ENOENT or a parent that is a file: nothing there. */
const isMissing = (error: unknown) => errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR';

/**
 * Storage in a folder, for `coko dev` and tests. Writes are atomic (a temporary file renamed into place, or
 * hard-linked when the path must be free); the ETag is a SHA-256 of the bytes computed at put and kept in a
 * sidecar under `meta/`, recomputed if the file was changed behind the adapter's back. Signed URLs are HMACs
 * checked by the API's files route. An object path cannot also be a folder of other objects (a conflict).
 */
export function localStorage(options: LocalStorageOptions): StoragePort {
  const { root, signer } = options;
  const now = options.now ?? Date.now;
  const filesUrl = options.filesUrl.replace(/\/+$/, '');
  const publicBase = `${options.publicUrl?.replace(/\/+$/, '') ?? ''}/storage/v1/object/public`;
  const dataFile = (bucket: string, path: string) =>
    join(root, 'objects', checkBucket(bucket), ...checkPath(path).split('/'));
  const metaFile = (bucket: string, path: string) =>
    join(root, 'meta', checkBucket(bucket), ...checkPath(path).split('/'));

  async function writeTemp(bytes: Uint8Array | string): Promise<string> {
    const tmp = join(root, 'tmp');
    await mkdir(tmp, { recursive: true });
    const file = join(tmp, randomUUID());
    const handle = await open(file, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return file;
  }

  async function readSidecar(bucket: string, path: string): Promise<Partial<Sidecar>> {
    try {
      const parsed: unknown = JSON.parse(await readFile(metaFile(bucket, path), 'utf8'));
      return typeof parsed === 'object' && parsed !== null ? (parsed as Partial<Sidecar>) : {};
    } catch {
      return {};
    }
  }

  /** The file at `bucket/path` opened for reading, or null when there is none. */
  async function openObject(bucket: string, path: string): Promise<FileHandle | null> {
    const file = dataFile(bucket, path);
    try {
      return await open(file, 'r');
    } catch (error) {
      if (isMissing(error) || errorCode(error) === 'EISDIR') return null;
      throw new StorageError('unavailable', 'Local storage could not be read', { cause: error });
    }
  }

  async function hashOpen(handle: FileHandle, size: number): Promise<Buffer> {
    const hash = createHash('sha256');
    const chunk = Buffer.alloc(Math.min(size, 1024 * 1024) || 1);
    for (let position = 0; position < size; ) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) break;
      hash.update(chunk.subarray(0, bytesRead));
      position += bytesRead;
    }
    return hash.digest();
  }

  /** Describes the open file itself, so the description and the bytes read next are one version. */
  async function describeOpen(bucket: string, path: string, handle: FileHandle): Promise<StoredObject | null> {
    const info = await handle.stat();
    if (!info.isFile()) return null;
    const sidecar = await readSidecar(bucket, path);
    let etag = sidecar.etag;
    if (sidecar.ino !== info.ino || sidecar.size !== info.size || sidecar.mtimeMs !== info.mtimeMs || !etag) {
      etag = etagOf(await hashOpen(handle, info.size));
    }
    return {
      bucket,
      path,
      size: info.size,
      contentType: sidecar.contentType ?? DEFAULT_CONTENT_TYPE,
      etag,
      updatedAt: new Date(info.mtimeMs),
      ...(sidecar.cacheControl ? { cacheControl: sidecar.cacheControl } : {}),
    };
  }

  async function describe(bucket: string, path: string): Promise<StoredObject | null> {
    const handle = await openObject(bucket, path);
    if (!handle) return null;
    try {
      return await describeOpen(bucket, path, handle);
    } finally {
      await handle.close();
    }
  }

  /** Puts `temp` at `target`: replacing (rename) or only if free (link). Folder/file clashes are conflicts. */
  async function place(temp: string, target: string, replace: boolean): Promise<void> {
    try {
      await mkdir(dirname(target), { recursive: true });
      if (replace) await rename(temp, target);
      else await link(temp, target);
    } catch (error) {
      const code = errorCode(error);
      if (code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'ENOTEMPTY') {
        throw new StorageError('conflict', 'An object or folder already exists at this path', { cause: error });
      }
      throw error;
    } finally {
      if (!replace) await unlink(temp).catch(() => {});
    }
  }

  async function pruneEmptyFolders(file: string, stopAt: string): Promise<void> {
    for (let dir = dirname(file); dir.startsWith(stopAt + sep); dir = dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        return;
      }
    }
  }

  async function sign(bucket: string, path: string, expiresIn: number): Promise<string> {
    const exp = Math.floor(now() / 1000) + Math.max(1, Math.floor(expiresIn));
    const sig = await signer.sign(bucket, path, exp);
    return `${filesUrl}/${bucket}/${encodePath(path)}?exp=${exp}&sig=${sig}`;
  }

  return {
    async put(bucket, path, body, putOptions: PutOptions) {
      const target = dataFile(bucket, path);
      const temp = await writeTemp(body);
      try {
        const info = await stat(temp);
        const sidecar: Sidecar = {
          contentType: putOptions.contentType,
          ...(putOptions.cacheControl ? { cacheControl: putOptions.cacheControl } : {}),
          etag: etagOf(createHash('sha256').update(body).digest()),
          size: info.size,
          // The inode survives the rename: the sidecar describes exactly this file, whoever wins a race.
          ino: info.ino,
          mtimeMs: info.mtimeMs,
        };
        await place(temp, target, putOptions.upsert === true);
        const metaTemp = await writeTemp(JSON.stringify(sidecar));
        await place(metaTemp, metaFile(bucket, path), true);
        return {
          bucket,
          path,
          size: sidecar.size,
          contentType: sidecar.contentType,
          etag: sidecar.etag,
          updatedAt: new Date(sidecar.mtimeMs),
          ...(sidecar.cacheControl ? { cacheControl: sidecar.cacheControl } : {}),
        };
      } finally {
        await unlink(temp).catch(() => {});
      }
    },

    head: describe,

    async get(bucket, path, getOptions = {}): Promise<GetResult | null> {
      const handle = await openObject(bucket, path);
      if (!handle) return null;
      let object: StoredObject | null;
      let range: { start: number; end: number } | undefined;
      try {
        object = await describeOpen(bucket, path, handle);
        if (object && getOptions.range) {
          const { start } = getOptions.range;
          const end = Math.min(getOptions.range.end ?? object.size - 1, object.size - 1);
          if (start >= object.size || end < start) {
            throw new StorageError('range_not_satisfiable', `The object has ${object.size} bytes`);
          }
          range = { start, end };
        }
      } catch (error) {
        await handle.close();
        throw error;
      }
      if (!object) {
        await handle.close();
        return null;
      }
      // The stream closes the handle when it ends or is cancelled (a reader that dropped the link).
      const stream = handle.createReadStream(range ? { start: range.start, end: range.end } : {});
      return { object, body: Readable.toWeb(stream) as ReadableStream<Uint8Array>, ...(range ? { range } : {}) };
    },

    async list(bucket, prefix) {
      const folder = checkPrefix(prefix);
      const base = join(root, 'objects', checkBucket(bucket));
      let entries: string[];
      try {
        entries = await readdir(folder ? join(base, ...folder.split('/')) : base, { recursive: true });
      } catch (error) {
        if (isMissing(error)) return [];
        throw new StorageError('unavailable', 'Local storage could not be listed', { cause: error });
      }
      const paths = entries.map((entry) => (folder ? `${folder}/` : '') + entry.split(sep).join('/')).sort();
      const objects: StoredObject[] = [];
      for (const path of paths) {
        const object = await describe(bucket, path);
        if (object) objects.push(object);
      }
      return objects;
    },

    async remove(bucket, paths) {
      const base = join(root, 'objects', checkBucket(bucket));
      const metaBase = join(root, 'meta', bucket);
      for (const path of paths) {
        const file = dataFile(bucket, path);
        const meta = metaFile(bucket, path);
        for (const target of [file, meta]) {
          await unlink(target).catch((error: unknown) => {
            if (!isMissing(error) && errorCode(error) !== 'EISDIR' && errorCode(error) !== 'EPERM') throw error;
          });
        }
        await pruneEmptyFolders(file, base);
        await pruneEmptyFolders(meta, metaBase);
      }
    },

    async signedUrl(bucket, path, { expiresIn }) {
      if (!(await describe(bucket, path))) throw new StorageError('not_found', 'Object not found');
      return sign(bucket, path, expiresIn);
    },

    publicUrl(bucket, path) {
      return `${publicBase}/${checkBucket(bucket)}/${encodePath(checkPath(path))}`;
    },
  };
}
