// Where book files and covers live, behind one port (contract §4): the local filesystem or Supabase Storage.
export { filesUrl, type StorageDeps, storageFromConfig, urlSignerFromConfig } from './from-config.ts';
export { type LocalStorageOptions, localStorage } from './local.ts';
export { checkBucket, checkPath, checkPrefix, encodePath } from './paths.ts';
export {
  type ByteRange,
  type GetResult,
  isStorageError,
  type PutOptions,
  StorageError,
  type StorageErrorCode,
  type StoragePort,
  type StoredObject,
} from './port.ts';
export { createUrlSigner, deriveSigningSecret, type UrlSigner } from './signing.ts';
export { type SupabaseStorageOptions, supabaseStorage } from './supabase.ts';
