// @vitest-environment happy-dom
import { createCoko } from '@coko/sdk';
import { act, renderHook, waitFor } from '@testing-library/react';
import { beforeAll, describe, expect, it } from 'vitest';
import { useAdminBook, useAdminBooks, useAdminList, usePublishBook, useSaveAdminEntity, useSaveBook } from '../src';
import { wrapper } from './helpers';

// Real-stack tests of the editors' hooks: the seed's demo admin creates and edits a draft and a category
// through the Coko API; the lists the hooks show follow each mutation.
const url = process.env.COKO_TEST_URL ?? '';
const publishableKey = process.env.COKO_TEST_PUBLISHABLE_KEY ?? 'unused';
const DEMO_ADMIN = { id: '00000000-0000-4000-8000-000000000002' };

describe.skipIf(!process.env.COKO_TEST_URL)('admin hooks against the real stack', () => {
  let accessToken: string;

  beforeAll(async () => {
    const [{ mintUserToken }, { testStack }] = await Promise.all([
      import('@coko/server/dev'),
      import('../../../test/stack.ts'),
    ]);
    accessToken = await mintUserToken(testStack().keys, DEMO_ADMIN, { expiresInSeconds: 600 });
  });

  it('useSaveBook creates then edits a draft; useAdminBooks and useAdminBook follow; publishing without a file fails', async () => {
    const coko = createCoko({ url, publishableKey, accessToken });
    const { result } = renderHook(
      () => ({
        drafts: useAdminBooks({ status: 'draft', q: 'Maïmouna' }),
        save: useSaveBook(),
        publish: usePublishBook(),
      }),
      { wrapper: wrapper(coko) },
    );
    await waitFor(() => expect(result.current.drafts.isSuccess).toBe(true), { timeout: 10_000 });
    expect(result.current.drafts.data?.data).toEqual([]);

    const created = await act(() => result.current.save.mutateAsync({ input: { title: 'Maïmouna', price: 1500 } }));
    await waitFor(() => expect(result.current.drafts.data?.data.map((b) => b.id)).toEqual([created.id]));

    const detail = renderHook(() => useAdminBook(created.id), { wrapper: wrapper(coko) });
    await waitFor(() => expect(detail.result.current.data?.title).toBe('Maïmouna'));

    await act(() => result.current.save.mutateAsync({ id: created.id, input: { subtitle: 'Roman' } }));
    await waitFor(() => expect(result.current.drafts.data?.data[0]?.subtitle).toBe('Roman'));

    const refused = await act(() =>
      result.current.publish.mutateAsync({ id: created.id, published: true }).catch((e: unknown) => e),
    );
    expect(refused).toMatchObject({ status: 422, details: { reason: 'NO_FILE' } });
    await waitFor(() => expect(result.current.publish.isError).toBe(true));
  });

  it('useSaveAdminEntity creates a category that useAdminList then shows, and refuses a cycle', async () => {
    const coko = createCoko({ url, publishableKey, accessToken });
    const { result } = renderHook(
      () => ({
        roots: useAdminList('categories', { parentId: 'root', q: 'Contes' }),
        save: useSaveAdminEntity('categories'),
      }),
      { wrapper: wrapper(coko) },
    );
    await waitFor(() => expect(result.current.roots.isSuccess).toBe(true), { timeout: 10_000 });
    const top = await act(() => result.current.save.mutateAsync({ input: { name: 'Contes et légendes' } }));
    await waitFor(() => expect(result.current.roots.data?.data.map((c) => c.id)).toContain(top?.id));
    const child = await act(() =>
      result.current.save.mutateAsync({ input: { name: 'Contes du Sahel', parentId: top?.id ?? null } }),
    );
    const cycle = await act(() =>
      result.current.save
        .mutateAsync({ id: top?.id as string, input: { parentId: child?.id ?? null } })
        .catch((e) => e),
    );
    expect(cycle).toMatchObject({ code: 'CONFLICT', details: { field: 'parentId' } });
  });
});
