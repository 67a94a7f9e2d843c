// The source triggers of the domain events outbox (20261208130000_domain_events.sql): each fact is
// logged once — a retried sync, a repeated update, a re-sent payment notification log nothing more —
// with the payload the contract names (docs/CONTRACT-engagement.md §1), for the right reader and partner.
// Readers act through PostgREST (supabase-js, committed); fixtures are written as the superuser.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, type Row } from './helpers.js';
import { newPartner, newPlan, newOrder, markPaid, newBook as newPaidBook } from './payments-helpers.js';
import { change, locator, newBook, newReader, sync } from './reading-helpers.js';

let BOOK = '';

beforeAll(async () => {
  BOOK = await newBook();
});

interface EventRow {
  kind: string;
  user_id: string | null;
  partner_id: string | null;
  subject_id: string;
  dedupe_key: string;
  payload: Row;
}

async function events(kind: string, userId: string): Promise<EventRow[]> {
  return adminQuery<EventRow & Row>(
    `select kind, user_id, partner_id, subject_id, dedupe_key, payload from private.domain_events
      where kind = $1 and user_id = $2 order by id`,
    [kind, userId],
  );
}

describe('reading.session_finished', () => {
  it('is logged once when a session gets its end, not by retries or later syncs', async () => {
    const reader = await newReader();
    const id = randomUUID();
    // Open session: nothing yet.
    await sync(reader.client, [change.session(id, BOOK, 'phone', 0, null)]);
    expect(await events('reading.session_finished', reader.user.id)).toEqual([]);
    const ended = change.session(id, BOOK, 'phone', 0, 30, { pagesRead: 12 });
    await sync(reader.client, [ended]);
    await sync(reader.client, [ended]); // the retried sync
    await sync(reader.client, [change.session(id, BOOK, 'phone', 0, 31, { pagesRead: 13 })]); // grows later
    const logged = await events('reading.session_finished', reader.user.id);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ subject_id: id, dedupe_key: `reading.session_finished:${id}` });
    expect(logged[0]?.payload).toMatchObject({ bookId: BOOK, minutes: 30, pagesRead: 12 });
    expect(Date.parse(String(logged[0]?.payload.endedAt)) - Date.parse(String(logged[0]?.payload.startedAt))).toBe(
      30 * 60_000,
    );
  });

  it('is logged for a session synced already ended', async () => {
    const reader = await newReader();
    const id = randomUUID();
    await sync(reader.client, [change.session(id, BOOK, 'phone', 0, 5)]);
    expect(await events('reading.session_finished', reader.user.id)).toHaveLength(1);
  });
});

describe('reading.book_finished', () => {
  it('is logged once per reader and book when progress first reaches the end', async () => {
    const reader = await newReader();
    await sync(reader.client, [change.progress(BOOK, 'phone', 1, locator({ totalProgression: 0.5 }))]);
    expect(await events('reading.book_finished', reader.user.id)).toEqual([]);
    const end = change.progress(BOOK, 'phone', 2, locator({ totalProgression: 1 }));
    await sync(reader.client, [end]);
    await sync(reader.client, [end]);
    // Back to the start and to the end again: still one.
    await sync(reader.client, [change.progress(BOOK, 'phone', 3, locator({ totalProgression: 0.1 }))]);
    await sync(reader.client, [change.progress(BOOK, 'phone', 4, locator({ totalProgression: 1 }))]);
    const logged = await events('reading.book_finished', reader.user.id);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ subject_id: BOOK, payload: { bookId: BOOK } });
  });
});

describe('review.created', () => {
  it('is logged once per review; an edit logs nothing', async () => {
    const reader = await newReader();
    const { data, error } = await reader.client
      .from('reviews')
      .insert({ book_id: BOOK, rating: 4, body: 'Très beau livre.' })
      .select('id')
      .single();
    expect(error).toBeNull();
    await adminQuery('update public.reviews set rating = 5 where id = $1', [data?.id]);
    const logged = await events('review.created', reader.user.id);
    expect(logged).toHaveLength(1);
    expect(logged[0]?.payload).toEqual({ bookId: BOOK, reviewId: data?.id, rating: 4 });
  });
});

describe('order.paid', () => {
  it('is logged once when the order becomes paid, with the partner, not by a re-sent notification', async () => {
    const reader = await newReader();
    const partnerId = await newPartner();
    await adminQuery('update public.profiles set partner_id = $2 where id = $1', [reader.user.id, partnerId]);
    const bookId = await newPaidBook();
    const orderId = await newOrder({ userId: reader.user.id, bookId, partnerId, amount: 1500 });
    expect(await events('order.paid', reader.user.id)).toEqual([]);
    await markPaid(orderId);
    await markPaid(orderId);
    const logged = await events('order.paid', reader.user.id);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ partner_id: partnerId, subject_id: orderId });
    expect(logged[0]?.payload).toEqual({ orderId, bookId, planId: null, amount: 1500, currency: 'XOF' });
  });
});

describe('user.registered', () => {
  it('is logged with the account, and gets the partner set on the profile afterwards', async () => {
    const reader = await newReader();
    const logged = await events('user.registered', reader.user.id);
    expect(logged).toHaveLength(1);
    expect(logged[0]?.payload).toMatchObject({ language: 'fr' });
    expect(logged[0]?.partner_id).toBeNull();
    const partnerId = await newPartner();
    await adminQuery('update public.profiles set partner_id = $2 where id = $1', [reader.user.id, partnerId]);
    expect((await events('user.registered', reader.user.id))[0]?.partner_id).toBe(partnerId);
  });
});

describe('group.invited and post.replied', () => {
  it('logs the invitation for the invitee, and replies for the author answered (never self-replies)', async () => {
    const owner = await newReader();
    const invitee = await newReader();
    const [group] = await adminQuery<{ id: string }>(
      `insert into public.reading_groups (name, owner_id) values ('Club de lecture', $1) returning id`,
      [owner.user.id],
    );
    const [invitation] = await adminQuery<{ id: string }>(
      'insert into public.group_invitations (group_id, user_id, invited_by) values ($1, $2, $3) returning id',
      [group?.id, invitee.user.id, owner.user.id],
    );
    await adminQuery(`update public.group_invitations set status = 'declined', responded_at = now() where id = $1`, [
      invitation?.id,
    ]);
    const invited = await events('group.invited', invitee.user.id);
    expect(invited).toHaveLength(1);
    expect(invited[0]?.payload).toMatchObject({ groupId: group?.id, invitationId: invitation?.id });

    const [thread] = await adminQuery<{ id: string }>(
      `insert into public.discussion_threads (book_id, user_id, title) values ($1, $2, 'Le chapitre 3') returning id`,
      [BOOK, owner.user.id],
    );
    const post = async (userId: string, parentId: string | null) => {
      const [row] = await adminQuery<{ id: string }>(
        `insert into public.discussion_posts (thread_id, parent_id, depth, user_id, body)
         values ($1, $2, $3, $4, 'Oui !') returning id`,
        [thread?.id, parentId, parentId ? 1 : 0, userId],
      );
      return row?.id as string;
    };
    const reply = await post(invitee.user.id, null); // to the thread's author (owner)
    await post(owner.user.id, null); // the owner in their own thread: nothing
    const nested = await post(owner.user.id, reply); // the owner answers the invitee's post
    await post(invitee.user.id, reply); // the invitee answers themselves: nothing
    const toOwner = await events('post.replied', owner.user.id);
    expect(toOwner).toHaveLength(1);
    expect(toOwner[0]?.payload).toMatchObject({ threadId: thread?.id, postId: reply, parentAuthorId: owner.user.id });
    const toInvitee = await events('post.replied', invitee.user.id);
    expect(toInvitee).toHaveLength(1);
    expect(toInvitee[0]?.payload).toMatchObject({ postId: nested, parentAuthorId: invitee.user.id });
  });
});

describe('subscription.expiring', () => {
  it('is logged once per subscription and period by private.emit_expiring_subscriptions', async () => {
    const reader = await newReader();
    const planId = await newPlan();
    const [sub] = await adminQuery<{ id: string }>(
      `insert into public.subscriptions (user_id, plan_id, status, current_period_start, current_period_end)
       values ($1, $2, 'active', now() - interval '28 days', now() + interval '2 days') returning id`,
      [reader.user.id, planId],
    );
    const run = async () =>
      (await adminQuery<{ n: number }>(`select private.emit_expiring_subscriptions(now(), interval '3 days') as n`))[0]
        ?.n;
    expect(await run()).toBeGreaterThanOrEqual(1);
    await run();
    expect(await events('subscription.expiring', reader.user.id)).toHaveLength(1);
    // The next period ending is a new fact.
    await adminQuery(`update public.subscriptions set current_period_end = now() + interval '2 days 1 hour' where id = $1`, [
      sub?.id,
    ]);
    await run();
    const logged = await events('subscription.expiring', reader.user.id);
    expect(logged).toHaveLength(2);
    expect(logged[0]?.payload).toMatchObject({ subscriptionId: sub?.id, planId, cancelAtPeriodEnd: false });
  });
});

describe('partner webhook secrets', () => {
  it('are created with the partner and rotated with an overlap', async () => {
    const partnerId = await newPartner();
    const [first] = await adminQuery<{ secret: string }>(
      'select secret from private.partner_webhook_secrets where partner_id = $1',
      [partnerId],
    );
    expect(first?.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    const [rotated] = await adminQuery<{ secret: string }>(
      `select private.rotate_partner_webhook_secret($1, interval '1 hour') as secret`,
      [partnerId],
    );
    expect(rotated?.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(rotated?.secret).not.toBe(first?.secret);
    const all = await adminQuery<{ secret: string; expires_at: Date | null }>(
      'select secret, expires_at from private.partner_webhook_secrets where partner_id = $1 order by created_at',
      [partnerId],
    );
    expect(all.map((row) => [row.secret, row.expires_at === null])).toEqual([
      [first?.secret, false],
      [rotated?.secret, true],
    ]);
  });
});
