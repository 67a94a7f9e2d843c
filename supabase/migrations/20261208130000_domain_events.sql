-- Domain events, part 2 (issue 13, docs/CONTRACT-engagement.md §1): the source triggers that write the
-- outbox, a commit-safe read order for the dispatcher, and the partners' webhook secrets.
--
-- - Every source trigger is AFTER, fires only on the transition that makes the fact true (a session
--   gets its ended_at, a book its finished_at, an order becomes paid…) and logs through
--   private.emit_event() with a dedupe key naming the fact (kind + subject), so a retried sync, a
--   re-sent webhook or an update that changes nothing about the fact logs nothing more.
-- - Identity ids are handed out when a row is inserted, not when its transaction commits: a consumer
--   that read "after id N" could move past id N-1 still being written by a slower transaction and miss
--   it forever. Each event records its transaction id (tx_id, xid8) and the dispatcher only reads events
--   of transactions older than every transaction still running (pg_snapshot_xmin), in (tx_id, id)
--   order: that set never grows behind the cursor, so no event is skipped.
-- - Webhook secrets are stored readable (the HMAC needs them) in a private table no API role can reach;
--   a rotation keeps the previous secret valid for 24 hours (deliveries carry both signatures).

-- =============================================================================================
-- Commit-safe read order
-- =============================================================================================
alter table private.domain_events
  add column tx_id xid8 not null default pg_current_xact_id();
comment on column private.domain_events.tx_id is
  'The writing transaction (pg_current_xact_id()). The dispatcher reads events in (tx_id, id) order, only from transactions older than every running one, so an event committed late is never skipped.';
create index domain_events_tx_id_id_idx on private.domain_events (tx_id, id);

alter table private.event_cursors
  add column last_tx_id xid8 not null default '0';
comment on column private.event_cursors.last_tx_id is
  'With last_id, the position of the last processed event in (tx_id, id) order.';
comment on column private.event_cursors.last_id is
  'With last_tx_id, the position of the last processed event: private.domain_events.id (read in (tx_id, id) order).';

-- =============================================================================================
-- Source triggers
-- =============================================================================================

-- reading.session_finished: the session gets its end (inserted ended, or ended_at set). Sessions only
-- grow; a later, longer end of the same session logs nothing more (once per session).
create or replace function private.emit_reading_session_finished()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.ended_at is not null and (tg_op = 'INSERT' or old.ended_at is null) then
    perform private.emit_event(
      'reading.session_finished',
      new.user_id,
      new.id::text,
      'reading.session_finished:' || new.id,
      jsonb_build_object(
        'bookId', new.book_id,
        'minutes', round(extract(epoch from new.ended_at - new.started_at) / 60, 2),
        'pagesRead', new.pages_read,
        'startedAt', new.started_at,
        'endedAt', new.ended_at
      ),
      new.ended_at
    );
  end if;
  return null;
end;
$$;
comment on function private.emit_reading_session_finished() is
  'Trigger on public.reading_sessions: logs reading.session_finished once per session, when it gets its ended_at.';
revoke all on function private.emit_reading_session_finished() from public, anon, authenticated;
-- WHEN clauses rather than `update of <column>`: the column may be set by a BEFORE trigger, which
-- `update of` does not see; and the hot path (a sync of an unchanged row) calls no function.
create trigger emit_domain_event_insert after insert on public.reading_sessions
  for each row when (new.ended_at is not null)
  execute function private.emit_reading_session_finished();
create trigger emit_domain_event_update after update on public.reading_sessions
  for each row when (old.ended_at is null and new.ended_at is not null)
  execute function private.emit_reading_session_finished();

-- reading.book_finished: finished_at set on the reader's progress. Once per reader and book, ever:
-- finishing a book again (after starting over) is not a new fact for points.
create or replace function private.emit_reading_book_finished()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.finished_at is not null and (tg_op = 'INSERT' or old.finished_at is null) then
    perform private.emit_event(
      'reading.book_finished',
      new.user_id,
      new.book_id::text,
      'reading.book_finished:' || new.user_id || ':' || new.book_id,
      jsonb_build_object('bookId', new.book_id),
      new.finished_at
    );
  end if;
  return null;
end;
$$;
comment on function private.emit_reading_book_finished() is
  'Trigger on public.reading_progress: logs reading.book_finished once per reader and book, when finished_at is set.';
revoke all on function private.emit_reading_book_finished() from public, anon, authenticated;
-- finished_at is set by the BEFORE trigger from the locator: only a WHEN clause sees it.
create trigger emit_domain_event_insert after insert on public.reading_progress
  for each row when (new.finished_at is not null)
  execute function private.emit_reading_book_finished();
create trigger emit_domain_event_update after update on public.reading_progress
  for each row when (old.finished_at is null and new.finished_at is not null)
  execute function private.emit_reading_book_finished();

-- review.created: once per review (an edit is not a new review).
create or replace function private.emit_review_created()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.user_id is not null then
    perform private.emit_event(
      'review.created',
      new.user_id,
      new.id::text,
      'review.created:' || new.id,
      jsonb_build_object('bookId', new.book_id, 'reviewId', new.id, 'rating', new.rating),
      new.created_at
    );
  end if;
  return null;
end;
$$;
comment on function private.emit_review_created() is 'Trigger on public.reviews: logs review.created once per review.';
revoke all on function private.emit_review_created() from public, anon, authenticated;
create trigger emit_domain_event after insert on public.reviews
  for each row execute function private.emit_review_created();

-- order.paid: the order becomes paid (from pending, or late money on a failed/expired one). Once per
-- order: a provider's re-sent notification finds it paid already.
create or replace function private.emit_order_paid()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status = 'paid' and (tg_op = 'INSERT' or old.status is distinct from 'paid') then
    perform private.emit_event(
      'order.paid',
      new.user_id,
      new.id::text,
      'order.paid:' || new.id,
      jsonb_build_object(
        'orderId', new.id,
        'bookId', new.book_id,
        'planId', new.plan_id,
        'amount', new.amount,
        'currency', new.currency
      ),
      coalesce(new.paid_at, now())
    );
  end if;
  return null;
end;
$$;
comment on function private.emit_order_paid() is 'Trigger on public.orders: logs order.paid once per order, when it becomes paid.';
revoke all on function private.emit_order_paid() from public, anon, authenticated;
create trigger emit_domain_event_insert after insert on public.orders
  for each row when (new.status = 'paid')
  execute function private.emit_order_paid();
create trigger emit_domain_event_update after update on public.orders
  for each row when (new.status = 'paid' and old.status is distinct from 'paid')
  execute function private.emit_order_paid();

-- user.registered: the profile is created (with the account, by the auth.users trigger).
create or replace function private.emit_user_registered()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.emit_event(
    'user.registered',
    new.id,
    new.id::text,
    'user.registered:' || new.id,
    jsonb_build_object('language', new.language, 'country', new.country),
    new.created_at
  );
  return null;
end;
$$;
comment on function private.emit_user_registered() is 'Trigger on public.profiles: logs user.registered once per account.';
revoke all on function private.emit_user_registered() from public, anon, authenticated;
create trigger emit_domain_event after insert on public.profiles
  for each row execute function private.emit_user_registered();

-- The partner is set on the profile after it is created (the session route links the partner user):
-- user.registered events of the same transaction or later pick it up here, so the partner's webhook
-- and the partner-scoped consumers see their new reader.
create or replace function private.fill_domain_events_partner()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update private.domain_events e
     set partner_id = new.partner_id
   where e.user_id = new.id and e.kind = 'user.registered' and e.partner_id is null;
  return null;
end;
$$;
comment on function private.fill_domain_events_partner() is
  'Trigger on public.profiles: when a partner is first set on a profile, its user.registered event gets the partner too.';
revoke all on function private.fill_domain_events_partner() from public, anon, authenticated;
create trigger fill_domain_events_partner after update of partner_id on public.profiles
  for each row
  when (old.partner_id is null and new.partner_id is not null)
  execute function private.fill_domain_events_partner();

-- group.invited: for the invitee, once per invitation.
create or replace function private.emit_group_invited()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status = 'pending' then
    perform private.emit_event(
      'group.invited',
      new.user_id,
      new.id::text,
      'group.invited:' || new.id,
      jsonb_build_object('groupId', new.group_id, 'invitationId', new.id, 'invitedBy', new.invited_by),
      new.created_at
    );
  end if;
  return null;
end;
$$;
comment on function private.emit_group_invited() is
  'Trigger on public.group_invitations: logs group.invited for the invitee, once per invitation.';
revoke all on function private.emit_group_invited() from public, anon, authenticated;
create trigger emit_domain_event after insert on public.group_invitations
  for each row execute function private.emit_group_invited();

-- post.replied: for the author of what was answered (the parent post, else the thread), never for a
-- reader answering themselves, and not when that author's account is gone (user_id null).
create or replace function private.emit_post_replied()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  parent_author uuid;
begin
  if new.parent_id is not null then
    select p.user_id into parent_author from public.discussion_posts p where p.id = new.parent_id;
  else
    select t.user_id into parent_author from public.discussion_threads t where t.id = new.thread_id;
  end if;
  if parent_author is not null and parent_author is distinct from new.user_id then
    perform private.emit_event(
      'post.replied',
      parent_author,
      new.id::text,
      'post.replied:' || new.id,
      jsonb_build_object(
        'threadId', new.thread_id,
        'postId', new.id,
        'parentPostId', new.parent_id,
        'parentAuthorId', parent_author,
        'replierId', new.user_id
      ),
      new.created_at
    );
  end if;
  return null;
end;
$$;
comment on function private.emit_post_replied() is
  'Trigger on public.discussion_posts: logs post.replied for the author of the parent post (or of the thread), once per reply; not for self-replies.';
revoke all on function private.emit_post_replied() from public, anon, authenticated;
create trigger emit_domain_event after insert on public.discussion_posts
  for each row execute function private.emit_post_replied();

-- subscription.expiring: no row changes 3 days before a period ends, so the hourly subscriptions.renew
-- job calls this. Once per subscription and period (the period's end is in the dedupe key).
create or replace function private.emit_expiring_subscriptions(at timestamptz default now(), notice interval default interval '3 days')
returns integer
language sql
security definer
set search_path = ''
as $$
  select count(private.emit_event(
           'subscription.expiring',
           s.user_id,
           s.id::text,
           'subscription.expiring:' || s.id || ':' || extract(epoch from s.current_period_end)::bigint,
           jsonb_build_object(
             'subscriptionId', s.id,
             'planId', s.plan_id,
             'currentPeriodEnd', s.current_period_end,
             'cancelAtPeriodEnd', s.cancel_at_period_end
           ),
           emit_expiring_subscriptions.at
         ))::integer
    from public.subscriptions s
   where s.status = 'active'
     and s.current_period_end > emit_expiring_subscriptions.at
     and s.current_period_end <= emit_expiring_subscriptions.at + emit_expiring_subscriptions.notice;
$$;
comment on function private.emit_expiring_subscriptions(timestamptz, interval) is
  'Logs subscription.expiring for active subscriptions whose period ends within `notice` (once per subscription and period); returns how many were newly logged.';
revoke all on function private.emit_expiring_subscriptions(timestamptz, interval) from public, anon, authenticated;

-- =============================================================================================
-- Partner webhook secrets
-- =============================================================================================
-- 'whsec_' + 64 hex digits from two v4 UUIDs (244 random bits from the server's strong random source;
-- pgcrypto is not installed).
create or replace function private.new_webhook_secret()
returns text
language sql
volatile
set search_path = ''
as $$
  select 'whsec_' || replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
$$;
comment on function private.new_webhook_secret() is 'A fresh partner webhook signing secret (whsec_ + 64 hex digits, 244 random bits).';
revoke all on function private.new_webhook_secret() from public, anon, authenticated;

create table private.partner_webhook_secrets (
  id uuid primary key default gen_random_uuid(),
  partner_id uuid not null references private.partners (id) on delete cascade,
  secret text not null default private.new_webhook_secret()
    constraint partner_webhook_secrets_secret_format check (secret ~ '^whsec_[0-9a-f]{64}$'),
  created_at timestamptz not null default now(),
  expires_at timestamptz
);
comment on table private.partner_webhook_secrets is
  'Secrets that sign a partner''s webhooks (HMAC-SHA256). One current secret per partner (expires_at null), plus the previous one for 24 h after a rotation. Stored readable because signing needs them; never exposed (shown once at creation and rotation).';
comment on column private.partner_webhook_secrets.id is 'Secret id.';
comment on column private.partner_webhook_secrets.partner_id is 'The partner.';
comment on column private.partner_webhook_secrets.secret is 'The signing secret (whsec_ + 64 hex digits), used as the HMAC key as is.';
comment on column private.partner_webhook_secrets.created_at is 'When it was created.';
comment on column private.partner_webhook_secrets.expires_at is 'Null for the current secret; set by a rotation: deliveries stop signing with it after this.';
create unique index partner_webhook_secrets_current_idx on private.partner_webhook_secrets (partner_id) where expires_at is null;
create index partner_webhook_secrets_partner_id_idx on private.partner_webhook_secrets (partner_id, created_at);
alter table private.partner_webhook_secrets enable row level security;
revoke all on table private.partner_webhook_secrets from public, anon, authenticated;

-- Created with the partner, whatever path creates it (admin, CLI, seeds, tests).
create or replace function private.create_partner_webhook_secret()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into private.partner_webhook_secrets (partner_id) values (new.id);
  return null;
end;
$$;
comment on function private.create_partner_webhook_secret() is 'Trigger on private.partners: gives a new partner its webhook secret.';
revoke all on function private.create_partner_webhook_secret() from public, anon, authenticated;
create trigger create_webhook_secret after insert on private.partners
  for each row execute function private.create_partner_webhook_secret();

insert into private.partner_webhook_secrets (partner_id)
select p.id from private.partners p
 where not exists (select 1 from private.partner_webhook_secrets s where s.partner_id = p.id);

-- Rotation: the current secret expires after `overlap` and a new one becomes current.
create or replace function private.rotate_partner_webhook_secret(partner_id uuid, overlap interval default interval '24 hours')
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  fresh text;
begin
  perform 1 from private.partners p where p.id = rotate_partner_webhook_secret.partner_id for update;
  if not found then
    raise exception 'No partner %', rotate_partner_webhook_secret.partner_id using errcode = 'P0002';
  end if;
  update private.partner_webhook_secrets s
     set expires_at = now() + rotate_partner_webhook_secret.overlap
   where s.partner_id = rotate_partner_webhook_secret.partner_id and s.expires_at is null;
  delete from private.partner_webhook_secrets s
   where s.partner_id = rotate_partner_webhook_secret.partner_id and s.expires_at <= now();
  insert into private.partner_webhook_secrets (partner_id) values (rotate_partner_webhook_secret.partner_id)
  returning secret into fresh;
  return fresh;
end;
$$;
comment on function private.rotate_partner_webhook_secret(uuid, interval) is
  'Makes a new current webhook secret for the partner (returned: show it once); the previous one keeps signing for `overlap` (default 24 h).';
revoke all on function private.rotate_partner_webhook_secret(uuid, interval) from public, anon, authenticated;
