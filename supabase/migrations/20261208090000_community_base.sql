-- Community foundations shared by reviews, discussions, reading groups and moderation (issue 12).
--
-- - public.community_suspensions: a moderator suspends a reader from the community for a period;
--   a suspended reader keeps reading but cannot post, review, vote or report.
-- - private.community_can_write(): the one predicate every community write policy calls — the
--   caller holds community:participate and is not suspended.
-- - private.community_throttle(): per-reader, per-action limits on writes (posts, reviews,
--   reports…), a sliding minute counted in the database so every API process and PostgREST agree.
-- - private.community_report_targets: what a report can point at (review, thread, post, group…).
--   Each domain migration registers its tables; moderation hides and restores a target through this
--   registry, so adding a reportable kind never touches the moderation code.
-- - private.is_community_text(): the text rule of every community body. Text is stored as the
--   reader typed it (plain text or a small Markdown subset) and never as HTML: clients escape it
--   when they render, so nothing a reader writes can become markup in another reader's app.

-- Admins moderate the community too (the product document's queue is for moderators and admins).
insert into public.role_permissions (role, permission) values ('admin', 'community:*') on conflict do nothing;

-- =============================================================================================
-- Functions: validation (immutable, used by constraints)
-- =============================================================================================
create or replace function private.is_community_text(value text, max_length integer)
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  -- Non-blank, at most max_length characters, and no control characters other than tab, line feed
  -- and carriage return (NUL cannot reach a text column; the rest would hide text or break layouts).
  select value is not null
    and btrim(value, E' \t\r\n') <> ''
    and char_length(value) <= max_length
    and value !~ '[\x01-\x08\x0B\x0C\x0E-\x1F\x7F]';
$$;
comment on function private.is_community_text(text, integer) is
  'True for a community text: non-blank, at most max_length characters, no control characters but tab and line breaks. Stored as typed (plain text or Markdown subset), never as HTML.';

-- =============================================================================================
-- Tables
-- =============================================================================================
create table public.community_suspensions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  reason text not null
    constraint community_suspensions_reason_text check (private.is_community_text(reason, 1000)),
  starts_at timestamptz not null default now(),
  ends_at timestamptz,
  created_by uuid references auth.users (id) on delete set null,
  lifted_at timestamptz,
  lifted_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  constraint community_suspensions_period check (ends_at is null or ends_at > starts_at)
);
comment on table public.community_suspensions is
  'Community suspensions: while one is in force (started, not ended, not lifted) the reader cannot write in the community (reviews, posts, votes, reports, groups). Readers see their own; moderators (community:moderate) see and write all; the moderation functions write them and audit the action.';
comment on column public.community_suspensions.id is 'Suspension id.';
comment on column public.community_suspensions.user_id is 'The suspended reader.';
comment on column public.community_suspensions.reason is 'Why, as shown to the reader (1–1000 characters).';
comment on column public.community_suspensions.starts_at is 'When the suspension starts.';
comment on column public.community_suspensions.ends_at is 'When it ends; null = until lifted.';
comment on column public.community_suspensions.created_by is 'The moderator who suspended (null once their account is gone).';
comment on column public.community_suspensions.lifted_at is 'When a moderator lifted it early; null = not lifted.';
comment on column public.community_suspensions.lifted_by is 'The moderator who lifted it.';
comment on column public.community_suspensions.created_at is 'When the suspension was recorded.';

create index community_suspensions_user_id_idx on public.community_suspensions (user_id, ends_at);
create index community_suspensions_created_by_idx on public.community_suspensions (created_by);
create index community_suspensions_lifted_by_idx on public.community_suspensions (lifted_by);

create table private.community_report_targets (
  target_type text primary key
    constraint community_report_targets_type_format check (target_type ~ '^[a-z][a-z_]{0,39}$'),
  table_name text not null,
  author_column text not null default 'user_id',
  description text not null
);
comment on table private.community_report_targets is
  'What a community report can point at: one row per kind (review, thread, post, group…), registered by the migration that creates the kind''s table. The table has id uuid, hidden_at timestamptz, hidden_reason text and the author column; moderation hides, restores and finds the author through this registry.';
comment on column private.community_report_targets.target_type is 'The kind as reports name it (review, thread, post, group).';
comment on column private.community_report_targets.table_name is 'The table, schema-qualified (public.reviews).';
comment on column private.community_report_targets.author_column is 'The column holding the author''s user id (user_id, owner_id…).';
comment on column private.community_report_targets.description is 'What the kind is.';
alter table private.community_report_targets enable row level security;
revoke all on table private.community_report_targets from public, anon, authenticated;

-- Writes counted for the per-minute limits. Unlogged: a counter is worth less than the WAL it would
-- write on every post; after a crash the limits briefly forgive.
create unlogged table private.community_write_log (
  id bigint generated always as identity primary key,
  user_id uuid not null,
  action text not null,
  at timestamptz not null default clock_timestamp()
);
comment on table private.community_write_log is
  'Recent community writes per reader and action (the last minute), counted by private.community_throttle(). Unlogged; pruned as it is read.';
comment on column private.community_write_log.id is 'Row id.';
comment on column private.community_write_log.user_id is 'The writer.';
comment on column private.community_write_log.action is 'The limited action (review, post, report, vote…).';
comment on column private.community_write_log.at is 'When the write happened (wall clock).';
create index community_write_log_user_action_idx on private.community_write_log (user_id, action, at);
alter table private.community_write_log enable row level security;
revoke all on table private.community_write_log from public, anon, authenticated;

create table private.community_limits (
  action text primary key,
  per_minute integer not null
    constraint community_limits_per_minute_positive check (per_minute between 1 and 10000)
);
comment on table private.community_limits is
  'Per-reader write limits of the community, per action and minute (a sliding 60 s). Change them here (Studio); an action without a row is not limited.';
comment on column private.community_limits.action is 'The limited action (review, post, report, vote, group…).';
comment on column private.community_limits.per_minute is 'Writes allowed per reader in any 60 seconds.';
alter table private.community_limits enable row level security;
revoke all on table private.community_limits from public, anon, authenticated;

insert into private.community_limits (action, per_minute) values
  ('review', 10),
  ('vote', 60),
  ('thread', 5),
  ('post', 10),
  ('report', 5),
  ('group', 5)
on conflict do nothing;

-- =============================================================================================
-- Functions: predicates and limits
-- =============================================================================================
create or replace function private.community_is_suspended(user_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.community_suspensions s
    where s.user_id = community_is_suspended.user_id
      and s.lifted_at is null
      and s.starts_at <= now()
      and (s.ends_at is null or s.ends_at > now())
  );
$$;
comment on function private.community_is_suspended(uuid) is
  'True while a community suspension of the user is in force (started, not ended, not lifted).';

create or replace function private.community_can_write()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select (select auth.uid()) is not null
    and private.authorize('community:participate')
    and not private.community_is_suspended((select auth.uid()));
$$;
comment on function private.community_can_write() is
  'True when the caller may write in the community: signed in, holds community:participate, not suspended. Every community insert/update policy checks (select private.community_can_write()).';

create or replace function private.community_can_moderate()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select private.authorize('community:moderate');
$$;
comment on function private.community_can_moderate() is
  'True when the caller holds community:moderate (moderators, admins, the service role).';

create or replace function private.community_throttle(action text)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := (select auth.uid());
  allowed integer;
  recent integer;
begin
  -- The service role and the server's own pool (no user) are not limited.
  if uid is null then
    return;
  end if;
  select l.per_minute into allowed from private.community_limits l where l.action = community_throttle.action;
  if allowed is null then
    return;
  end if;
  -- One reader's writes of one action are counted one at a time, so two concurrent posts cannot
  -- both see the last free slot.
  perform pg_advisory_xact_lock(hashtextextended('community_throttle:' || uid::text || ':' || community_throttle.action, 0));
  delete from private.community_write_log w
  where w.user_id = uid and w.action = community_throttle.action and w.at <= clock_timestamp() - interval '60 seconds';
  select count(*) into recent
  from private.community_write_log w
  where w.user_id = uid and w.action = community_throttle.action;
  if recent >= allowed then
    raise exception using errcode = 'PT429',
      message = format('Too many %s writes: at most %s per minute', community_throttle.action, allowed),
      hint = 'Wait a minute and try again.';
  end if;
  insert into private.community_write_log (user_id, action) values (uid, community_throttle.action);
end;
$$;
comment on function private.community_throttle(text) is
  'Counts one community write of the caller for an action and raises SQLSTATE PT429 (HTTP 429 through PostgREST) past private.community_limits.per_minute in any 60 s. Call it from the BEFORE INSERT trigger of each community table. No-op for the service role and the server pool.';

revoke all on function private.is_community_text(text, integer) from public;
revoke all on function private.community_is_suspended(uuid) from public;
revoke all on function private.community_can_write() from public;
revoke all on function private.community_can_moderate() from public;
revoke all on function private.community_throttle(text) from public;
grant execute on function private.is_community_text(text, integer) to anon, authenticated, service_role;
grant execute on function private.community_is_suspended(uuid) to authenticated, service_role;
grant execute on function private.community_can_write() to anon, authenticated, service_role;
grant execute on function private.community_can_moderate() to anon, authenticated, service_role;
grant execute on function private.community_throttle(text) to authenticated, service_role;

-- =============================================================================================
-- Row Level Security
-- =============================================================================================
alter table public.community_suspensions enable row level security;

create policy "Readers see their own suspensions and moderators see all"
  on public.community_suspensions for select to authenticated
  using (user_id = (select auth.uid()) or (select private.community_can_moderate()));
create policy "Moderators suspend readers"
  on public.community_suspensions for insert to authenticated
  with check ((select private.community_can_moderate()) and user_id <> (select auth.uid()));
create policy "Moderators lift suspensions"
  on public.community_suspensions for update to authenticated
  using ((select private.community_can_moderate()))
  with check ((select private.community_can_moderate()));

revoke all on table public.community_suspensions from public, anon, authenticated, service_role;
grant select, insert, update on table public.community_suspensions to authenticated;
grant select, insert, update, delete on table public.community_suspensions to service_role;

create trigger audit after insert or update or delete on public.community_suspensions
  for each row execute function private.audit_row_change('community_suspension', 'id');

-- =============================================================================================
-- Account anonymisation: a deleted reader's suspensions go with them (cascade); the moderators'
-- names on others' suspensions are dropped.
-- =============================================================================================
create or replace function private.erase_community_suspension_actors(user_id uuid)
returns void
language sql
security definer
set search_path = ''
as $$
  update public.community_suspensions s set created_by = null where s.created_by = erase_community_suspension_actors.user_id;
  update public.community_suspensions s set lifted_by = null where s.lifted_by = erase_community_suspension_actors.user_id;
  delete from public.community_suspensions s where s.user_id = erase_community_suspension_actors.user_id;
$$;
comment on function private.erase_community_suspension_actors(uuid) is
  'Anonymisation step: deletes the user''s own suspensions and removes them as the moderator of others''.';
revoke all on function private.erase_community_suspension_actors(uuid) from public;

insert into private.account_anonymizers (function_name, position, description)
values ('private.erase_community_suspension_actors(uuid)', 300, 'Community suspensions: the reader''s own, and their name as a moderator on others''.')
on conflict do nothing;
