'use client';

import type { CokoError, Upload, UploadProgress } from '@coko/sdk';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { cokoKeys } from '../query-keys';
import { useCoko } from '../use-coko';
import { invalidateCatalog } from './options';

export interface UploadBookVariables {
  file: Blob | Uint8Array;
  /** Default: the `File`'s name. */
  filename?: string;
  /** Resolve once processing ended (`ready` or `failed`) rather than once the bytes are sent (default true). */
  wait?: boolean;
  /** Resume an upload interrupted earlier (page reload): its id, kept from `onCreated`. */
  uploadId?: string;
  onCreated?: (uploadId: string) => void;
}

/**
 * Uploads an EPUB or PDF (`coko.admin.uploads.upload`, resumable) and by default waits for its draft
 * (`waitUntilDone`). `progress` follows the bytes sent; a `failed` upload resolves (not rejects) with
 * `error.code` / `error.message` to show the editor.
 *
 * @example
 * ```tsx
 * const upload = useUploadBook()
 * <input type="file" accept=".epub,.pdf" onChange={(e) => upload.mutate({ file: e.target.files![0] })} />
 * {upload.progress && <progress value={upload.progress.uploadedBytes} max={upload.progress.totalBytes} />}
 * {upload.data?.status === 'failed' && <p>{upload.data.error?.message}</p>}
 * ```
 */
export function useUploadBook() {
  const client = useCoko();
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const mutation = useMutation<Upload, CokoError, UploadBookVariables>({
    mutationFn: async ({ file, filename, wait = true, uploadId, onCreated }) => {
      setProgress(null);
      const sent = await client.admin.uploads.upload(file, {
        ...(filename === undefined ? {} : { filename }),
        ...(uploadId === undefined ? {} : { uploadId }),
        ...(onCreated === undefined ? {} : { onCreated }),
        onProgress: setProgress,
      });
      return wait ? client.admin.uploads.waitUntilDone(sent.id) : sent;
    },
    onSuccess: (upload) => {
      void queryClient.invalidateQueries({ queryKey: [...cokoKeys.admin.all(), 'uploads'] });
      if (upload.bookId) return invalidateCatalog(queryClient, 'books');
    },
  });
  return { ...mutation, progress };
}
