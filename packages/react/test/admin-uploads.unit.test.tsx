// @vitest-environment happy-dom
import type { CokoClient, Upload, UploadOptions } from '@coko/sdk';
import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { cokoKeys, useUploadBook } from '../src';
import { testQueryClient, wrapper } from './helpers';

const upload = (status: Upload['status'], bookId: string | null = null): Upload => ({
  id: 'upload-1',
  filename: 'livre.epub',
  size: 300,
  received: 300,
  status,
  error: status === 'failed' ? { code: 'NOT_A_ZIP', message: 'Le fichier n’est pas une archive.' } : null,
  bookId,
  createdAt: '2026-12-07T08:00:00.000Z',
  updatedAt: '2026-12-07T08:00:01.000Z',
  processedAt: status === 'ready' || status === 'failed' ? '2026-12-07T08:00:02.000Z' : null,
});

function fakeUploads(done: Upload) {
  const uploads = {
    upload: vi.fn(async (_file: Blob | Uint8Array, options?: UploadOptions) => {
      options?.onProgress?.({ uploadedBytes: 0, totalBytes: 300 });
      options?.onProgress?.({ uploadedBytes: 300, totalBytes: 300 });
      return upload('queued');
    }),
    waitUntilDone: vi.fn(async () => done),
  };
  return { client: { admin: { uploads } } as unknown as CokoClient, uploads };
}

describe('useUploadBook', () => {
  it('uploads with progress, waits for the draft and refreshes the editors’ book lists', async () => {
    const { client, uploads } = fakeUploads(upload('ready', 'book-9'));
    const queryClient = testQueryClient();
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries');
    const { result } = renderHook(() => useUploadBook(), { wrapper: wrapper(client, queryClient) });
    act(() => result.current.mutate({ file: new Uint8Array(300), filename: 'livre.epub' }));
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(uploads.upload).toHaveBeenCalledWith(
      expect.any(Uint8Array),
      expect.objectContaining({ filename: 'livre.epub' }),
    );
    expect(uploads.waitUntilDone).toHaveBeenCalledWith('upload-1');
    expect(result.current.progress).toEqual({ uploadedBytes: 300, totalBytes: 300 });
    expect(result.current.data).toMatchObject({ status: 'ready', bookId: 'book-9' });
    expect(invalidate).toHaveBeenCalledWith({ queryKey: cokoKeys.admin.books() });
  });

  it('resolves with a failed upload (the reason to show) and does not wait when told not to', async () => {
    const failed = fakeUploads(upload('failed'));
    const { result } = renderHook(() => useUploadBook(), { wrapper: wrapper(failed.client) });
    act(() => result.current.mutate({ file: new Uint8Array(300), filename: 'livre.epub' }));
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(result.current.data?.error?.code).toBe('NOT_A_ZIP');

    const sent = fakeUploads(upload('ready'));
    const second = renderHook(() => useUploadBook(), { wrapper: wrapper(sent.client) });
    act(() => second.result.current.mutate({ file: new Uint8Array(300), filename: 'livre.epub', wait: false }));
    await waitFor(() => expect(second.result.current.isSuccess).toBe(true));
    expect(second.result.current.data?.status).toBe('queued');
    expect(sent.uploads.waitUntilDone).not.toHaveBeenCalled();
  });
});
