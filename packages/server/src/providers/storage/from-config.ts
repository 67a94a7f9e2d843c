import type { Config } from '../../config/load.ts';
import { localStorage } from './local.ts';
import type { StoragePort } from './port.ts';
import { createUrlSigner, deriveSigningSecret, type UrlSigner } from './signing.ts';
import { supabaseStorage } from './supabase.ts';

export interface StorageDeps {
  fetch?: typeof fetch | undefined;
  /** Clock of signed URL expiry, in ms (default `Date.now`). */
  now?: (() => number) | undefined;
  /** The local adapter's folder when `STORAGE_LOCAL_ROOT` is unset (default `.coko/storage` in the working directory). */
  localRoot?: string | undefined;
}

/** Where the API serves local signed URLs: `GET /v1/files/{bucket}/{path}` (see routes/files.ts). */
export function filesUrl(config: Pick<Config, 'publicUrl'>): string {
  return config.publicUrl ? `${config.publicUrl}/functions/v1/api/v1/files` : '/api/v1/files';
}

/**
 * The signer of local signed URLs: `STORAGE_SIGNING_SECRET`, else derived from `COKO_JWT_SECRET` (so every
 * process of a deployment agrees), else — outside production, with neither — a random key valid in this
 * process only.
 */
export function urlSignerFromConfig(config: Pick<Config, 'storage' | 'jwtSecret'>): UrlSigner {
  if (config.storage.signingSecret) return createUrlSigner(config.storage.signingSecret);
  if (config.jwtSecret) return createUrlSigner(deriveSigningSecret(config.jwtSecret));
  return createUrlSigner(crypto.getRandomValues(new Uint8Array(32)));
}

/**
 * The storage adapter `STORAGE` names: `local` (default) or `supabase` (`SUPABASE_URL` +
 * `SUPABASE_SERVICE_ROLE_KEY`, checked by `loadConfig`).
 *
 * @example
 * ```ts
 * const storage = storageFromConfig(loadConfig(process.env), { localRoot: '.coko/storage' })
 * await storage.put('covers', `${bookId}/small.webp`, bytes, { contentType: 'image/webp' })
 * ```
 */
export function storageFromConfig(config: Config, deps: StorageDeps = {}): StoragePort {
  const { storage } = config;
  if (storage.driver === 'supabase') {
    return supabaseStorage({
      url: storage.supabaseUrl as string,
      serviceRoleKey: storage.serviceRoleKey as string,
      fetch: deps.fetch,
    });
  }
  return localStorage({
    root: storage.localRoot ?? deps.localRoot ?? '.coko/storage',
    signer: urlSignerFromConfig(config),
    filesUrl: filesUrl(config),
    publicUrl: config.publicUrl,
    now: deps.now,
  });
}
