// The moderation flow and share links end to end through PostgREST (supabase-js), committed:
// report ×3 → auto-hidden → in the queue → restored or deleted; warn; suspend → cannot write → lift;
// the rules on reports (not one's own, once, only what one sees, per-minute limit); audit entries;
// share links (highlight snapshots never carry the note) and their public preview function; the anonymiser.
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ensureReportableKinds,
  newBook,
  newHighlight,
  newPost,
  newReview,
  resetModeration,
} from './community-moderation-helpers.js';
import {
  adminQuery,
  clientAs,
  clientWithToken,
  createUser,
  ensureTestUsers,
  type TestUser,
  tokenFor,
  USERS,
} from './helpers.js';

interface Reader {
  user: TestUser;
  client: SupabaseClient;
}

async function newReader(): Promise<Reader> {
  const id = randomUUID();
  const user: TestUser = { id, email: `reader-${id.slice(0, 8)}@moderation.test`, roles: [] };
  await createUser(user);
  return { user, client: clientWithToken(await tokenFor(user)) };
}

const report = (client: SupabaseClient, targetType: string, targetId: string, reason = 'spam') =>
  client.from('community_reports').insert({ target_type: targetType, target_id: targetId, reason });

const moderate = async (
  kind: 'moderator' | 'admin' | 'user',
  args: { target_type: string; target_id: string; action: string; reason?: string; suspend_until?: string },
) => (await clientAs(kind)).rpc('moderate', args);

let bookId: string;
let readers: Reader[];

beforeAll(async () => {
  await ensureTestUsers();
  await ensureReportableKinds();
  bookId = await newBook();
  readers = [await newReader(), await newReader(), await newReader()];
});

beforeEach(resetModeration);

describe('reports and auto-hide', () => {
  it('hides a review once three distinct readers reported it, and the book rating stops counting it', async () => {
    const author = await newReader();
    const review = await newReview(author.user.id, bookId);
    const rating = async () =>
      (await adminQuery<{ n: number }>('select rating_count as n from public.books where id = $1', [bookId]))[0]!.n;
    const before = await rating();

    for (const [i, reader] of readers.entries()) {
      const { error } = await report(reader.client, 'review', review);
      expect(error).toBeNull();
      const [row] = await adminQuery<{ hidden_reason: string | null }>(
        'select hidden_reason from public.reviews where id = $1',
        [review],
      );
      expect(row!.hidden_reason).toBe(i < 2 ? null : 'reports');
    }
    expect(await rating()).toBe(before - 1);

    // Gone for everyone else; its author still sees it, marked hidden.
    const anon = await (await clientAs('anon')).from('reviews').select('id').eq('id', review);
    expect(anon.data).toEqual([]);
    const own = await author.client.from('reviews').select('hidden_at, hidden_reason').eq('id', review).single();
    expect(own.data?.hidden_reason).toBe('reports');
  });

  it('follows private.community_settings.auto_hide_reports', async () => {
    await adminQuery('update private.community_settings set auto_hide_reports = 1');
    const post = await newPost(USERS.otherUser.id);
    expect((await report(readers[0]!.client, 'test_post', post)).error).toBeNull();
    const [row] = await adminQuery<{ hidden_reason: string }>(
      'select hidden_reason from public.test_posts where id = $1',
      [post],
    );
    expect(row!.hidden_reason).toBe('reports');
  });

  it("refuses one's own content, a second report, content one cannot see, and unknown kinds", async () => {
    const post = await newPost(readers[0]!.user.id);
    const own = await report(readers[0]!.client, 'test_post', post);
    expect(own.status).toBe(403);
    expect(own.error?.message).toBe('You cannot report your own content');

    expect((await report(readers[1]!.client, 'test_post', post)).error).toBeNull();
    const twice = await report(readers[1]!.client, 'test_post', post, 'hate');
    expect(twice.status).toBe(409);
    expect(twice.error?.code).toBe('23505');

    const hidden = await newPost(USERS.otherUser.id);
    await adminQuery(`update public.test_posts set hidden_at = now(), hidden_reason = 'moderator' where id = $1`, [
      hidden,
    ]);
    for (const id of [hidden, randomUUID()]) {
      const invisible = await report(readers[1]!.client, 'test_post', id);
      expect(invisible.status).toBe(404);
      expect(invisible.error?.message).toBe('Content not found');
    }

    const unknown = await report(readers[1]!.client, 'poem', post);
    expect(unknown.status).toBe(400);
  });

  it('limits reports per reader and minute (429)', async () => {
    await adminQuery(`update private.community_limits set per_minute = 2 where action = 'report'`);
    const posts = [
      await newPost(USERS.otherUser.id),
      await newPost(USERS.otherUser.id),
      await newPost(USERS.otherUser.id),
    ];
    expect((await report(readers[2]!.client, 'test_post', posts[0]!)).error).toBeNull();
    expect((await report(readers[2]!.client, 'test_post', posts[1]!)).error).toBeNull();
    const third = await report(readers[2]!.client, 'test_post', posts[2]!);
    expect(third.status).toBe(429);
    expect(third.error?.message).toBe('Too many report writes: at most 2 per minute');
  });
});

describe('the moderation queue and actions', () => {
  it('lists reported content, most reporters first, with a preview and the reports; moderators only', async () => {
    const once = await newPost(USERS.otherUser.id, 'Reported once');
    const twice = await newPost(USERS.partnerUser.id, 'Reported twice');
    await report(readers[0]!.client, 'test_post', once, 'spam');
    await report(readers[0]!.client, 'test_post', twice, 'hate');
    await readers[1]!.client
      .from('community_reports')
      .insert({ target_type: 'test_post', target_id: twice, reason: 'harassment', note: 'Insultes répétées' });

    const { data, error } = await (await clientAs('moderator')).rpc('moderation_queue', { kind: 'test_post' });
    expect(error).toBeNull();
    expect(data.map((row: { target_id: string }) => row.target_id)).toEqual([twice, once]);
    expect(data[0]).toMatchObject({
      target_type: 'test_post',
      report_count: 2,
      reporter_count: 2,
      author_id: USERS.partnerUser.id,
      content: { body: 'Reported twice' },
    });
    expect(data[0].reports.map((r: { reason: string; note: string | null }) => [r.reason, r.note])).toEqual([
      ['hate', null],
      ['harassment', 'Insultes répétées'],
    ]);

    const reader = await (await clientAs('user')).rpc('moderation_queue', {});
    expect(reader.status).toBe(403);
    const anon = await (await clientAs('anon')).rpc('moderation_queue', {});
    expect(anon.error?.code).toBe('42501');
  });

  it('restore brings auto-hidden content back, dismisses its reports, records and audits the action', async () => {
    const post = await newPost(USERS.otherUser.id);
    for (const reader of readers) await report(reader.client, 'test_post', post);
    const { data, error } = await moderate('moderator', {
      target_type: 'test_post',
      target_id: post,
      action: 'restore',
      reason: 'Rien de grave',
    });
    expect(error).toBeNull();
    expect(data).toMatchObject({
      action: 'restore',
      target_user_id: USERS.otherUser.id,
      moderator_id: USERS.moderator.id,
    });

    const [row] = await adminQuery<{ hidden_at: string | null }>(
      'select hidden_at from public.test_posts where id = $1',
      [post],
    );
    expect(row!.hidden_at).toBeNull();
    const reports = await adminQuery<{ status: string; resolved_by: string }>(
      'select status::text, resolved_by::text from public.community_reports where target_id = $1',
      [post],
    );
    expect(reports).toEqual(Array(3).fill({ status: 'dismissed', resolved_by: USERS.moderator.id }));
    const [audit] = await adminQuery<{ actor_id: string; resource_id: string; new_values: Record<string, unknown> }>(
      `select actor_id::text, resource_id, new_values from public.audit_logs where action = 'moderation.restore'`,
    );
    expect(audit).toMatchObject({ actor_id: USERS.moderator.id, resource_id: data.id });
    expect(audit!.new_values).toMatchObject({ target_type: 'test_post', target_id: post });
    // The queue is empty again.
    const queue = await (await clientAs('moderator')).rpc('moderation_queue', {});
    expect(queue.data).toEqual([]);
  });

  it('delete is soft where the table keeps placeholders and for good elsewhere; both resolve the reports', async () => {
    const post = await newPost(USERS.otherUser.id);
    const review = await newReview(USERS.partnerUser.id, bookId, 'Spam spam spam');
    await report(readers[0]!.client, 'test_post', post);
    await report(readers[0]!.client, 'review', review);
    expect((await moderate('admin', { target_type: 'test_post', target_id: post, action: 'delete' })).error).toBeNull();
    expect((await moderate('admin', { target_type: 'review', target_id: review, action: 'delete' })).error).toBeNull();

    const [soft] = await adminQuery<{ deleted: boolean }>(
      'select deleted_at is not null as deleted from public.test_posts where id = $1',
      [post],
    );
    expect(soft!.deleted).toBe(true);
    expect(await adminQuery('select 1 from public.reviews where id = $1', [review])).toEqual([]);
    const statuses = await adminQuery<{ status: string }>('select distinct status::text from public.community_reports');
    expect(statuses).toEqual([{ status: 'resolved' }]);

    const again = await moderate('admin', { target_type: 'test_post', target_id: post, action: 'delete' });
    expect(again.status).toBe(400);
    const gone = await moderate('admin', { target_type: 'review', target_id: review, action: 'hide' });
    expect(gone.status).toBe(404);
  });

  it('dismiss restores what reports hid but not what a moderator hid', async () => {
    const byReports = await newPost(USERS.otherUser.id);
    const byModerator = await newPost(USERS.otherUser.id);
    for (const reader of readers) await report(reader.client, 'test_post', byReports);
    await report(readers[0]!.client, 'test_post', byModerator);
    await moderate('moderator', {
      target_type: 'test_post',
      target_id: byModerator,
      action: 'hide',
      reason: 'Hors sujet',
    });
    await report(readers[1]!.client, 'test_post', byReports); // already reported: refused, changes nothing
    for (const id of [byReports, byModerator]) {
      await adminQuery(`update public.community_reports set status = 'open', resolved_at = null where target_id = $1`, [
        id,
      ]);
      expect(
        (await moderate('moderator', { target_type: 'test_post', target_id: id, action: 'dismiss' })).error,
      ).toBeNull();
    }
    const rows = await adminQuery<{ id: string; hidden_reason: string | null }>(
      'select id::text, hidden_reason from public.test_posts where id = any($1::uuid[]) order by hidden_reason nulls first',
      [[byReports, byModerator]],
    );
    expect(rows).toEqual([
      { id: byReports, hidden_reason: null },
      { id: byModerator, hidden_reason: 'moderator' },
    ]);
  });

  it('warn needs a reason and shows the reader the action; readers cannot moderate', async () => {
    const post = await newPost(readers[0]!.user.id);
    const noReason = await moderate('moderator', { target_type: 'test_post', target_id: post, action: 'warn' });
    expect(noReason.status).toBe(400);
    expect(
      (
        await moderate('moderator', {
          target_type: 'test_post',
          target_id: post,
          action: 'warn',
          reason: 'Restez courtois',
        })
      ).error,
    ).toBeNull();
    const { data } = await readers[0]!.client.from('moderation_actions').select('action, reason, target_id');
    expect(data).toEqual([{ action: 'warn', reason: 'Restez courtois', target_id: post }]);
    const denied = await moderate('user', { target_type: 'test_post', target_id: post, action: 'hide' });
    expect(denied.status).toBe(403);
    const self = await moderate('moderator', {
      target_type: 'user',
      target_id: USERS.moderator.id,
      action: 'warn',
      reason: 'x',
    });
    expect(self.status).toBe(403);
  });

  it('suspend stops the reader from writing until lifted', async () => {
    const reader = readers[2]!;
    const otherBook = await newBook();
    const { data, error } = await moderate('moderator', {
      target_type: 'user',
      target_id: reader.user.id,
      action: 'suspend',
      reason: 'Harcèlement',
      suspend_until: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(error).toBeNull();
    expect(data.suspension_id).toEqual(expect.any(String));

    const review = await reader.client.from('reviews').insert({ book_id: otherBook, rating: 5 });
    expect(review.status).toBe(403);
    const blocked = await report(reader.client, 'test_post', await newPost(USERS.otherUser.id));
    expect(blocked.status).toBe(403);
    const share = await reader.client.from('share_links').insert({ kind: 'book', target_id: otherBook });
    expect(share.status).toBe(403);

    const lift = await moderate('moderator', {
      target_type: 'user',
      target_id: reader.user.id,
      action: 'lift_suspension',
    });
    expect(lift.error).toBeNull();
    expect(lift.data.suspension_id).toBe(data.suspension_id);
    expect((await reader.client.from('reviews').insert({ book_id: otherBook, rating: 5 })).error).toBeNull();
    const liftAgain = await moderate('moderator', {
      target_type: 'user',
      target_id: reader.user.id,
      action: 'lift_suspension',
    });
    expect(liftAgain.status).toBe(404);
  });

  it("records the target reader's partner on the action", async () => {
    await adminQuery(
      `insert into private.partners (id, name, slug) values ($1, 'Partner test', 'partner-test') on conflict do nothing`,
      ['20000000-0000-4000-8000-000000000099'],
    );
    const partnerReader = await newReader();
    await adminQuery('update public.profiles set partner_id = $1 where id = $2', [
      '20000000-0000-4000-8000-000000000099',
      partnerReader.user.id,
    ]);
    const { data } = await moderate('moderator', {
      target_type: 'user',
      target_id: partnerReader.user.id,
      action: 'warn',
      reason: 'Attention',
    });
    expect(data.partner_id).toBe('20000000-0000-4000-8000-000000000099');
  });
});

describe('with the discussions tables', () => {
  it('hides a reported post for readers, then deletes it softly (its text erased, the tree kept)', async () => {
    const [thread] = await adminQuery<{ id: string }>(
      `insert into public.discussion_threads (book_id, user_id, title, body) values ($1, $2, 'Fin du livre', 'Qu''en pensez-vous ?')
       returning id::text`,
      [bookId, USERS.otherUser.id],
    );
    const [post] = await adminQuery<{ id: string }>(
      `insert into public.discussion_posts (thread_id, user_id, body) values ($1, $2, 'Achetez mes pilules') returning id::text`,
      [thread!.id, USERS.partnerUser.id],
    );
    expect((await report(readers[0]!.client, 'post', post!.id)).error).toBeNull();
    const hide = await moderate('moderator', {
      target_type: 'post',
      target_id: post!.id,
      action: 'hide',
      reason: 'Spam',
    });
    expect(hide.error).toBeNull();
    const seen = await readers[1]!.client.from('discussion_posts').select('id').eq('id', post!.id);
    expect(seen.data ?? []).toEqual([]);

    const removed = await moderate('moderator', {
      target_type: 'post',
      target_id: post!.id,
      action: 'delete',
      reason: 'Spam',
    });
    expect(removed.error).toBeNull();
    const [row] = await adminQuery<{ body: string | null; deleted: boolean }>(
      'select body, deleted_at is not null as deleted from public.discussion_posts where id = $1',
      [post!.id],
    );
    expect(row).toEqual({ body: null, deleted: true });
    // Nothing left to report.
    const late = await report(readers[2]!.client, 'post', post!.id);
    expect(late.status).toBe(404);
  });
});

describe('share links', () => {
  it("snapshots a highlight's selected text, never its note, and only for its owner", async () => {
    const highlight = await newHighlight(readers[0]!.user.id, bookId, '  La mer était calme.  ', 'Ma note secrète');
    const { data, error } = await readers[0]!.client
      .from('share_links')
      .insert({ kind: 'highlight', target_id: highlight, excerpt: 'Forged excerpt' })
      .select('code, excerpt')
      .single();
    expect(error).toBeNull();
    expect(data?.excerpt).toBe('La mer était calme.');
    const stolen = await readers[1]!.client.from('share_links').insert({ kind: 'highlight', target_id: highlight });
    expect(stolen.status).toBe(404);

    const [preview] = await adminQuery<{ p: Record<string, unknown> }>('select private.share_preview($1) as p', [
      data!.code,
    ]);
    expect(preview!.p).toMatchObject({
      kind: 'highlight',
      highlight: { excerpt: 'La mer était calme.' },
      book: { id: bookId },
    });
    expect(JSON.stringify(preview!.p)).not.toContain('secrète');
  });

  it('refuses unpublished books and hidden reviews; the preview disappears when the target is no longer public', async () => {
    const draft = await newBook('draft');
    const refused = await readers[0]!.client.from('share_links').insert({ kind: 'book', target_id: draft });
    expect(refused.status).toBe(404);

    const review = await newReview(USERS.otherUser.id, bookId, 'Une lecture marquante.');
    const { data: link } = await readers[0]!.client
      .from('share_links')
      .insert({ kind: 'review', target_id: review })
      .select('code')
      .single();
    const preview = async () =>
      (
        await adminQuery<{ p: { review?: { body: string } } | null }>('select private.share_preview($1) as p', [
          link!.code,
        ])
      )[0]!.p;
    expect((await preview())?.review?.body).toBe('Une lecture marquante.');

    await adminQuery(`update public.reviews set hidden_at = now(), hidden_reason = 'moderator' where id = $1`, [
      review,
    ]);
    expect(await preview()).toBeNull();
    const hiddenShare = await readers[1]!.client.from('share_links').insert({ kind: 'review', target_id: review });
    expect(hiddenShare.status).toBe(404);
    await adminQuery('update public.reviews set hidden_at = null, hidden_reason = null where id = $1', [review]);
    expect(await preview()).not.toBeNull();

    await readers[0]!.client
      .from('share_links')
      .update({ revoked_at: new Date().toISOString() })
      .eq('code', link!.code);
    expect(await preview()).toBeNull();
  });
});

describe('account anonymisation', () => {
  it("is registered and removes the reader's reports and links, and their name from moderation history", async () => {
    const [registered] = await adminQuery<{ n: number }>(
      `select count(*)::int as n from private.account_anonymizers where function_name = 'private.erase_community_moderation_data(uuid)'`,
    );
    expect(registered!.n).toBe(1);
    const reader = await newReader();
    const post = await newPost(USERS.otherUser.id);
    await report(reader.client, 'test_post', post);
    await reader.client.from('share_links').insert({ kind: 'book', target_id: bookId });
    await moderate('moderator', {
      target_type: 'user',
      target_id: reader.user.id,
      action: 'warn',
      reason: 'Attention',
    });
    await adminQuery('select private.erase_community_moderation_data($1)', [reader.user.id]);
    const [left] = await adminQuery<{ reports: number; links: number; actions: number; anonymous: number }>(
      `select (select count(*) from public.community_reports where reporter_id = $1)::int as reports,
              (select count(*) from public.share_links where created_by = $1)::int as links,
              (select count(*) from public.moderation_actions where target_user_id = $1)::int as actions,
              (select count(*) from public.moderation_actions where target_user_id is null and action = 'warn')::int as anonymous`,
      [reader.user.id],
    );
    expect(left).toEqual({ reports: 0, links: 0, actions: 0, anonymous: 1 });
  });
});
