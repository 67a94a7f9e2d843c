// Fixtures for the moderation and sharing tests, on top of helpers.ts.
//
// Moderation reaches reportable tables only through private.community_report_targets, so these tests
// need reportable kinds: `review` (public.reviews, created by the reviews migration; when that has not
// landed, a minimal table with the contract's columns and visibility rule is created here, in the test
// file's own database) and `test_post` (a kind with `deleted_at`, to cover soft deletion). Both follow
// the contract's rule: readers see rows not hidden (and not deleted), authors see theirs, moderators all;
// writes need private.community_can_write().
import { randomUUID } from 'node:crypto';
import { adminQuery } from './helpers.js';

let ready: Promise<void> | undefined;

/** Creates the reportable fixture kinds once per test file. Idempotent. */
export function ensureReportableKinds(): Promise<void> {
  ready ??= (async () => {
    const [existing] = await adminQuery<{ found: boolean }>(
      `select to_regclass('public.reviews') is not null as found`,
    );
    if (!existing!.found) {
      await adminQuery(`
        create table public.reviews (
          id uuid primary key default gen_random_uuid(),
          book_id uuid not null references public.books (id) on delete cascade,
          user_id uuid default auth.uid() references auth.users (id) on delete cascade,
          rating smallint not null check (rating between 1 and 5),
          title text,
          body text,
          hidden_at timestamptz,
          hidden_reason text,
          created_at timestamptz not null default now(),
          unique (book_id, user_id)
        );
        alter table public.reviews enable row level security;
        create policy "read" on public.reviews for select to anon, authenticated
          using (hidden_at is null or user_id = (select auth.uid()) or (select private.community_can_moderate()));
        create policy "write" on public.reviews for insert to authenticated
          with check ((select private.community_can_write()) and user_id = (select auth.uid()));
        grant select on public.reviews to anon, authenticated;
        grant insert on public.reviews to authenticated;
        grant all on public.reviews to service_role;
        insert into private.community_report_targets (target_type, table_name, author_column, description)
        values ('review', 'public.reviews', 'user_id', 'A review (test fixture)') on conflict do nothing;`);
    }
    await adminQuery(`
      create table if not exists public.test_posts (
        id uuid primary key default gen_random_uuid(),
        user_id uuid references auth.users (id) on delete set null,
        body text not null,
        hidden_at timestamptz,
        hidden_reason text,
        deleted_at timestamptz
      );
      alter table public.test_posts enable row level security;
      drop policy if exists "read" on public.test_posts;
      create policy "read" on public.test_posts for select to anon, authenticated
        using ((hidden_at is null and deleted_at is null) or user_id = (select auth.uid())
          or (select private.community_can_moderate()));
      drop policy if exists "write" on public.test_posts;
      create policy "write" on public.test_posts for insert to authenticated
        with check ((select private.community_can_write()) and user_id = (select auth.uid()));
      grant select on public.test_posts to anon, authenticated;
      grant insert on public.test_posts to authenticated;
      grant all on public.test_posts to service_role;
      insert into private.community_report_targets (target_type, table_name, author_column, description)
      values ('test_post', 'public.test_posts', 'user_id', 'A post (test fixture)') on conflict do nothing;`);
  })();
  return ready;
}

/** A published (or draft) book, as the superuser. */
export async function newBook(status: 'published' | 'draft' = 'published', title?: string): Promise<string> {
  const id = randomUUID();
  await adminQuery(
    `insert into public.books (id, title, description, language, status, format, cover_path)
     values ($1, $2, $3, 'fr', $4, $5, $6)`,
    [
      id,
      title ?? `Moderation test book ${id.slice(0, 8)}`,
      'Un roman sur la mer.',
      status,
      status === 'published' ? 'epub' : null,
      `${id}/abc123/cover.webp`,
    ],
  );
  return id;
}

/** A review by `userId` on a book, as the superuser. */
export async function newReview(userId: string, bookId: string, body = 'Très beau livre.'): Promise<string> {
  const [row] = await adminQuery<{ id: string }>(
    `insert into public.reviews (book_id, user_id, rating, title, body) values ($1, $2, 4, 'Bien', $3) returning id::text`,
    [bookId, userId, body],
  );
  return row!.id;
}

/** A test post by `userId`, as the superuser. */
export async function newPost(userId: string, body = 'Un message.'): Promise<string> {
  const [row] = await adminQuery<{ id: string }>(
    'insert into public.test_posts (user_id, body) values ($1, $2) returning id::text',
    [userId, body],
  );
  return row!.id;
}

/** A highlight of `userId` on a book (selected text and a private note), as the superuser. */
export async function newHighlight(userId: string, bookId: string, selected: string, note: string): Promise<string> {
  const id = randomUUID();
  await adminQuery(
    `insert into public.annotations (id, user_id, book_id, kind, locator, selected_text, note, device_id)
     values ($1, $2, $3, 'highlight', $4, $5, $6, 'test-device')`,
    [
      id,
      userId,
      bookId,
      JSON.stringify({
        href: 'ch1.xhtml',
        type: 'application/xhtml+xml',
        locations: { progression: 0.1, totalProgression: 0.05 },
      }),
      selected,
      note,
    ],
  );
  return id;
}

/** Clears moderation state between tests (users and books stay). */
export async function resetModeration(): Promise<void> {
  await adminQuery(`
    delete from public.moderation_actions;
    delete from public.community_reports;
    delete from public.share_links;
    delete from public.community_suspensions;
    delete from private.community_write_log;
    update private.community_settings set auto_hide_reports = 3;
    update private.community_limits set per_minute = 5 where action = 'report';`);
}
