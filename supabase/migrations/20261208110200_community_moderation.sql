-- Community moderation and sharing (issue 12, contract docs/CONTRACT-community.md §3).
--
-- - public.community_reports: a reader reports a review, thread, post or group (any kind registered in
--   private.community_report_targets). Never their own content, never content they cannot see, once per
--   target, throttled per minute. When private.community_settings.auto_hide_reports distinct readers
--   have open reports on a target, it is hidden (hidden_reason = 'reports') until a moderator decides.
-- - public.moderation_actions: what moderators did (hide, restore, delete, warn, suspend,
--   lift_suspension, dismiss), each resolving the open reports it answers; audited. The reader it
--   concerns reads it; partners read their readers' actions through the API.
-- - public.moderation_queue() / public.moderate(): the moderators' RPCs (community:moderate).
-- - public.share_links: short public links to a book, a review or a highlight (a snapshot of the
--   selected text, never the reader's note); the API's GET /v1/share/{code} renders the preview from
--   private.share_preview(), which refuses hidden, deleted, unpublished and revoked content alike.
--
-- The moderation code reaches the reportable tables only through the registry (dynamic SQL on the
-- registered, regclass-quoted table name), so this migration does not depend on the reviews and groups
-- migrations and a new reportable kind needs no change here.

-- =============================================================================================
-- Types
-- =============================================================================================
create type public.report_reason as enum ('spam', 'harassment', 'hate', 'sexual', 'violence', 'spoiler', 'off_topic', 'other');
comment on type public.report_reason is 'Why a reader reports community content.';

create type public.report_status as enum ('open', 'resolved', 'dismissed');
comment on type public.report_status is
  'A report''s state: open (awaiting a moderator), resolved (a moderator acted on the content or its author), dismissed (a moderator found nothing to act on).';

create type public.moderation_action as enum ('hide', 'restore', 'delete', 'warn', 'suspend', 'lift_suspension', 'dismiss');
comment on type public.moderation_action is
  'What a moderator did: hide or restore content, delete it (soft where the table keeps a placeholder), warn or suspend its author, lift a suspension, dismiss the reports.';

create type public.share_kind as enum ('book', 'review', 'highlight');
comment on type public.share_kind is 'What a share link points at.';

-- =============================================================================================
-- Tables
-- =============================================================================================
create table private.community_settings (
  id boolean primary key default true
    constraint community_settings_single_row check (id),
  auto_hide_reports integer not null default 3
    constraint community_settings_auto_hide_reports_range check (auto_hide_reports between 1 and 100)
);
comment on table private.community_settings is
  'Community settings, one row. Change them here (Studio).';
comment on column private.community_settings.id is 'Always true: the table holds one row.';
comment on column private.community_settings.auto_hide_reports is
  'Distinct readers with open reports on a target that hide it until a moderator decides (1–100, default 3).';
alter table private.community_settings enable row level security;
revoke all on table private.community_settings from public, anon, authenticated;
insert into private.community_settings (id) values (true) on conflict do nothing;

-- Share links are limited like the other community writes.
insert into private.community_limits (action, per_minute) values ('share', 20) on conflict do nothing;

create table public.community_reports (
  id uuid primary key default gen_random_uuid(),
  target_type text not null references private.community_report_targets (target_type) on delete cascade,
  target_id uuid not null,
  reporter_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  reason public.report_reason not null,
  note text
    constraint community_reports_note_text check (note is null or private.is_community_text(note, 1000)),
  status public.report_status not null default 'open',
  created_at timestamptz not null default now(),
  resolved_at timestamptz,
  resolved_by uuid references auth.users (id) on delete set null,
  constraint community_reports_one_per_reader unique (target_type, target_id, reporter_id),
  constraint community_reports_resolution check ((status = 'open') = (resolved_at is null))
);
comment on table public.community_reports is
  'Reports of community content (reviews, threads, posts, groups). A reader reports content they can see and did not write, once per target; readers see their own reports, moderators all. Moderators resolve them through public.moderate(). Enough distinct open reports hide the target (private.community_settings.auto_hide_reports).';
comment on column public.community_reports.id is 'Report id.';
comment on column public.community_reports.target_type is 'Kind of the reported content (private.community_report_targets: review, thread, post, group).';
comment on column public.community_reports.target_id is 'Id of the reported row in the kind''s table.';
comment on column public.community_reports.reporter_id is 'The reader who reported (set from the token).';
comment on column public.community_reports.reason is 'Why (public.report_reason).';
comment on column public.community_reports.note is 'The reporter''s explanation for moderators (optional, 1–1000 characters, plain text).';
comment on column public.community_reports.status is 'open until a moderator acts: resolved (acted) or dismissed.';
comment on column public.community_reports.created_at is 'When the report was made.';
comment on column public.community_reports.resolved_at is 'When a moderator resolved or dismissed it; null while open.';
comment on column public.community_reports.resolved_by is 'The moderator who closed it (null while open, for the service role, or once their account is gone).';

create index community_reports_open_target_idx on public.community_reports (target_type, target_id) where status = 'open';
create index community_reports_reporter_id_idx on public.community_reports (reporter_id, created_at desc);
create index community_reports_resolved_by_idx on public.community_reports (resolved_by);

create table public.moderation_actions (
  id uuid primary key default gen_random_uuid(),
  target_type text references private.community_report_targets (target_type),
  target_id uuid,
  target_user_id uuid references auth.users (id) on delete set null,
  action public.moderation_action not null,
  reason text
    constraint moderation_actions_reason_text check (reason is null or private.is_community_text(reason, 1000)),
  moderator_id uuid references auth.users (id) on delete set null,
  partner_id uuid references private.partners (id) on delete set null,
  suspension_id uuid references public.community_suspensions (id) on delete set null,
  created_at timestamptz not null default now(),
  constraint moderation_actions_target_pair check ((target_type is null) = (target_id is null))
);
comment on table public.moderation_actions is
  'Moderation history: one row per action of a moderator (public.moderate()), also written to the audit log. The reader an action concerns reads it; moderators read all; partners read their readers'' through GET /v1/partner/moderation-actions. Written only by public.moderate().';
comment on column public.moderation_actions.id is 'Action id.';
comment on column public.moderation_actions.target_type is 'Kind of the content acted on; null for an action on a reader alone (warn, suspend, lift a suspension).';
comment on column public.moderation_actions.target_id is 'Id of the content acted on; null with target_type.';
comment on column public.moderation_actions.target_user_id is 'The reader concerned (the content''s author, or the reader warned or suspended); null once their account is anonymised.';
comment on column public.moderation_actions.action is 'What was done (public.moderation_action).';
comment on column public.moderation_actions.reason is 'The moderator''s reason, as shown to the reader (1–1000 characters).';
comment on column public.moderation_actions.moderator_id is 'The moderator (null for the service role or once their account is gone).';
comment on column public.moderation_actions.partner_id is 'The concerned reader''s partner when they came through one (the partner feed).';
comment on column public.moderation_actions.suspension_id is 'The suspension a suspend or lift_suspension action wrote or lifted.';
comment on column public.moderation_actions.created_at is 'When the action was taken.';

create index moderation_actions_target_idx on public.moderation_actions (target_type, target_id);
create index moderation_actions_target_user_id_idx on public.moderation_actions (target_user_id, created_at desc);
create index moderation_actions_moderator_id_idx on public.moderation_actions (moderator_id);
create index moderation_actions_partner_id_idx on public.moderation_actions (partner_id, created_at desc, id desc);
create index moderation_actions_suspension_id_idx on public.moderation_actions (suspension_id);
create index moderation_actions_created_at_idx on public.moderation_actions (created_at desc, id desc);

create table public.share_links (
  id uuid primary key default gen_random_uuid(),
  code text not null unique
    default translate(left(encode(uuid_send(gen_random_uuid()), 'base64'), 11), '+/', '-_')
    constraint share_links_code_format check (code ~ '^[A-Za-z0-9_-]{8,32}$'),
  kind public.share_kind not null,
  target_id uuid not null,
  excerpt text
    constraint share_links_excerpt_text check (excerpt is null or private.is_community_text(excerpt, 500)),
  created_by uuid not null default auth.uid() references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  constraint share_links_excerpt_only_for_highlights check (excerpt is null or kind = 'highlight')
);
comment on table public.share_links is
  'Short public links to a book, a review or a highlight. Anyone with the code gets a preview (GET /v1/share/{code}) while the target is public: a hidden or deleted review, an unpublished book, a deleted highlight or a revoked link is not found. Readers create, list and revoke their own; moderators read all.';
comment on column public.share_links.id is 'Link id.';
comment on column public.share_links.code is 'The public code in the link (11 url-safe characters, random; 8–32 allowed).';
comment on column public.share_links.kind is 'What the link points at (book, review, highlight).';
comment on column public.share_links.target_id is 'The book, review or highlight (public.annotations) id.';
comment on column public.share_links.excerpt is
  'For a highlight: a snapshot of its selected text (at most 500 characters), taken by the database when the link is made. Never the reader''s note; null for books and reviews.';
comment on column public.share_links.created_by is 'The reader who made the link (set from the token).';
comment on column public.share_links.created_at is 'When the link was made.';
comment on column public.share_links.revoked_at is 'When its creator revoked it; a revoked link previews as not found.';

create index share_links_created_by_idx on public.share_links (created_by, created_at desc);
create index share_links_target_idx on public.share_links (kind, target_id);

-- =============================================================================================
-- Functions: the report-target registry
-- =============================================================================================
create or replace function private.community_target_table(target_type text)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  found regclass;
begin
  select to_regclass(t.table_name) into found
  from private.community_report_targets t
  where t.target_type = community_target_table.target_type;
  if found is null then
    raise exception using errcode = '22023',
      message = format('Unknown community target type: %s', community_target_table.target_type);
  end if;
  -- regclass::text is the quoted, schema-qualified name: safe to splice into dynamic SQL.
  return found::text;
end;
$$;
comment on function private.community_target_table(text) is
  'The registered table of a report target kind, quoted for dynamic SQL; raises 22023 for an unknown kind.';

create or replace function private.community_target_row(target_type text, target_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  found jsonb;
begin
  execute format('select to_jsonb(t) from %s t where t.id = $1', private.community_target_table(community_target_row.target_type))
    into found using community_target_row.target_id;
  return found;
end;
$$;
comment on function private.community_target_row(text, uuid) is
  'A reportable row as JSON, whatever its visibility (moderation reads it to find the author and state); null when it does not exist.';

create or replace function private.community_target_author(target_type text, target_id uuid)
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select (private.community_target_row(community_target_author.target_type, community_target_author.target_id)
    ->> t.author_column)::uuid
  from private.community_report_targets t
  where t.target_type = community_target_author.target_type;
$$;
comment on function private.community_target_author(text, uuid) is 'The author of a reportable row (through the registry''s author column).';

-- Security invoker on purpose: the exists() runs under the caller's row-level security, so "can see"
-- means exactly what the kind's own policies say.
create or replace function private.community_target_visible(target_type text, target_id uuid)
returns boolean
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  visible boolean;
begin
  execute format('select exists (select 1 from %s t where t.id = $1)', private.community_target_table(community_target_visible.target_type))
    into visible using community_target_visible.target_id;
  return visible;
end;
$$;
comment on function private.community_target_visible(text, uuid) is
  'True when the caller (under their row-level security) can see the reportable row.';

create or replace function private.community_set_hidden(target_type text, target_id uuid, hidden boolean, reason text)
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  changed integer;
begin
  if hidden then
    execute format('update %s t set hidden_at = now(), hidden_reason = $2 where t.id = $1 and t.hidden_at is null',
      private.community_target_table(community_set_hidden.target_type))
      using community_set_hidden.target_id, community_set_hidden.reason;
  else
    execute format('update %s t set hidden_at = null, hidden_reason = null where t.id = $1 and t.hidden_at is not null',
      private.community_target_table(community_set_hidden.target_type))
      using community_set_hidden.target_id;
  end if;
  get diagnostics changed = row_count;
  return changed > 0;
end;
$$;
comment on function private.community_set_hidden(text, uuid, boolean, text) is
  'Hides (hidden_at = now(), hidden_reason) or restores a reportable row; true when it changed. The kind''s own triggers (aggregates, audit) see the update.';

create or replace function private.community_delete_target(target_type text, target_id uuid)
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  tbl text := private.community_target_table(community_delete_target.target_type);
  soft boolean;
  changed integer;
begin
  -- Tables with deleted_at keep a placeholder (a thread stays readable around a deleted post); their
  -- own triggers erase the text when deleted_at is set. Others lose the row.
  select exists (
    select 1 from pg_catalog.pg_attribute a
    where a.attrelid = tbl::regclass and a.attname = 'deleted_at' and a.attnum > 0 and not a.attisdropped
  ) into soft;
  if soft then
    execute format('update %s t set deleted_at = now() where t.id = $1 and t.deleted_at is null', tbl)
      using community_delete_target.target_id;
  else
    execute format('delete from %s t where t.id = $1', tbl) using community_delete_target.target_id;
  end if;
  get diagnostics changed = row_count;
  return changed > 0;
end;
$$;
comment on function private.community_delete_target(text, uuid) is
  'Deletes a reportable row: soft (deleted_at = now()) where the table has deleted_at, else for good. True when it changed.';

create or replace function private.community_target_preview(target_type text, target_id uuid)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  -- What a moderator needs to judge, from whatever columns the kind has; long texts cut at 500.
  select coalesce(jsonb_object_agg(
    e.key,
    case when jsonb_typeof(e.value) = 'string' and char_length(e.value #>> '{}') > 500
      then to_jsonb(left(e.value #>> '{}', 500) || '…') else e.value end
  ), '{}'::jsonb)
  from jsonb_each(private.community_target_row(community_target_preview.target_type, community_target_preview.target_id)) as e
  where e.key in ('name', 'title', 'body', 'description', 'rating', 'tags', 'book_id', 'thread_id', 'group_id',
                  'parent_id', 'visibility', 'hidden_at', 'hidden_reason', 'deleted_at', 'edited_at', 'created_at');
$$;
comment on function private.community_target_preview(text, uuid) is
  'A moderator''s preview of a reportable row: its text and context columns, long texts cut at 500 characters; {} when it is gone.';

-- =============================================================================================
-- Functions: reports
-- =============================================================================================
create or replace function private.community_reports_before_insert()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  -- The service role and the server's own connections write what they are given (imports, fixtures).
  if current_user not in ('anon', 'authenticated') then
    return new;
  end if;
  new.reporter_id := (select auth.uid());
  new.status := 'open';
  new.resolved_at := null;
  new.resolved_by := null;
  new.created_at := now();
  if new.reporter_id is null then
    raise exception using errcode = '42501', message = 'Only signed-in readers can report';
  end if;
  if not (select private.community_can_write()) then
    raise exception using errcode = '42501', message = 'You cannot report while suspended from the community';
  end if;
  perform private.community_throttle('report');
  -- Same answer for "does not exist" and "you cannot see it": no probing of hidden content.
  -- A deleted post or thread keeps a placeholder readers may see; there is nothing left to report.
  if not private.community_target_visible(new.target_type, new.target_id)
     or private.community_target_row(new.target_type, new.target_id) ->> 'deleted_at' is not null then
    raise exception using errcode = 'PT404', message = 'Content not found';
  end if;
  if private.community_target_author(new.target_type, new.target_id) = new.reporter_id then
    raise exception using errcode = '42501', message = 'You cannot report your own content';
  end if;
  return new;
end;
$$;
comment on function private.community_reports_before_insert() is
  'Trigger: a report is the caller''s, open, within the per-minute limit, on content they can see and did not write.';

create or replace function private.community_reports_after_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  threshold integer;
  reporters integer;
begin
  -- Concurrent reports of one target are counted one at a time, so the last one always sees the others.
  perform pg_advisory_xact_lock(hashtextextended('community_report:' || new.target_type || ':' || new.target_id::text, 0));
  select s.auto_hide_reports into threshold from private.community_settings s where s.id;
  select count(distinct r.reporter_id) into reporters
  from public.community_reports r
  where r.target_type = new.target_type and r.target_id = new.target_id and r.status = 'open';
  if reporters >= coalesce(threshold, 3) then
    perform private.community_set_hidden(new.target_type, new.target_id, true, 'reports');
  end if;
  return null;
end;
$$;
comment on function private.community_reports_after_insert() is
  'Trigger: hides the target (hidden_reason = ''reports'') once private.community_settings.auto_hide_reports distinct readers have open reports on it.';

create trigger before_insert before insert on public.community_reports
  for each row execute function private.community_reports_before_insert();
create trigger auto_hide after insert on public.community_reports
  for each row execute function private.community_reports_after_insert();

-- =============================================================================================
-- Functions: moderation
-- =============================================================================================
create or replace function private.moderate(
  target_type text,
  target_id uuid,
  action public.moderation_action,
  reason text default null,
  suspend_until timestamptz default null
)
returns public.moderation_actions
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  moderator uuid := (select auth.uid());
  on_user boolean := moderate.target_type = 'user';
  content jsonb;
  subject uuid;
  suspension uuid;
  changed boolean := true;
  closes public.report_status;
  recorded public.moderation_actions;
begin
  if not private.authorize('community:moderate') then
    raise exception using errcode = '42501', message = 'Moderation needs the community:moderate permission';
  end if;
  if moderate.target_type is null or moderate.target_id is null or moderate.action is null then
    raise exception using errcode = '22023', message = 'target_type, target_id and action are required';
  end if;
  if moderate.reason is not null and not private.is_community_text(moderate.reason, 1000) then
    raise exception using errcode = '22023', message = 'reason must be 1–1000 characters of text';
  end if;
  if moderate.action in ('warn', 'suspend') and moderate.reason is null then
    raise exception using errcode = '22023', message = format('A %s needs a reason the reader will see', moderate.action);
  end if;
  if moderate.suspend_until is not null and (moderate.action <> 'suspend' or moderate.suspend_until <= now()) then
    raise exception using errcode = '22023', message = 'suspend_until must be in the future, and only for suspend';
  end if;

  -- The subject: a reader (target_type 'user', for warn / suspend / lift_suspension) or a content's author.
  if on_user then
    if moderate.action not in ('warn', 'suspend', 'lift_suspension') then
      raise exception using errcode = '22023', message = format('%s applies to content, not to a reader', moderate.action);
    end if;
    if not exists (select 1 from auth.users u where u.id = moderate.target_id) then
      raise exception using errcode = 'PT404', message = 'Reader not found';
    end if;
    subject := moderate.target_id;
  else
    -- Serialises with the auto-hide trigger of the same target.
    perform pg_advisory_xact_lock(hashtextextended('community_report:' || moderate.target_type || ':' || moderate.target_id::text, 0));
    content := private.community_target_row(moderate.target_type, moderate.target_id);
    if content is null then
      raise exception using errcode = 'PT404', message = 'Content not found';
    end if;
    subject := private.community_target_author(moderate.target_type, moderate.target_id);
  end if;
  if moderate.action in ('warn', 'suspend') and subject is not distinct from moderator then
    raise exception using errcode = '42501', message = format('You cannot %s yourself', moderate.action);
  end if;
  if moderate.action in ('warn', 'suspend', 'lift_suspension') and subject is null then
    raise exception using errcode = '22023', message = 'The content has no author left to act on';
  end if;

  case moderate.action
    when 'hide' then
      changed := private.community_set_hidden(moderate.target_type, moderate.target_id, true, 'moderator');
      closes := 'resolved';
    when 'restore' then
      changed := private.community_set_hidden(moderate.target_type, moderate.target_id, false, null);
      closes := 'dismissed';
    when 'delete' then
      changed := private.community_delete_target(moderate.target_type, moderate.target_id);
      closes := 'resolved';
    when 'dismiss' then
      -- The reports were unfounded: what they hid comes back; what a moderator hid stays hidden.
      if content ->> 'hidden_reason' = 'reports' then
        perform private.community_set_hidden(moderate.target_type, moderate.target_id, false, null);
      end if;
      closes := 'dismissed';
    when 'warn' then
      closes := 'resolved';
    when 'suspend' then
      insert into public.community_suspensions (user_id, reason, ends_at, created_by)
      values (subject, moderate.reason, moderate.suspend_until, moderator)
      returning id into suspension;
      closes := 'resolved';
    when 'lift_suspension' then
      update public.community_suspensions s
      set lifted_at = now(), lifted_by = moderator
      where s.id = (
        select s2.id from public.community_suspensions s2
        where s2.user_id = subject and s2.lifted_at is null and (s2.ends_at is null or s2.ends_at > now())
        order by s2.created_at desc limit 1
      )
      returning s.id into suspension;
      if suspension is null then
        raise exception using errcode = 'PT404', message = 'The reader has no suspension in force';
      end if;
      -- Any other suspension in force ends too: "lift" means the reader may write again.
      update public.community_suspensions s
      set lifted_at = now(), lifted_by = moderator
      where s.user_id = subject and s.lifted_at is null and (s.ends_at is null or s.ends_at > now());
  end case;

  if not changed then
    raise exception using errcode = '22023',
      message = format('Nothing to %s: the content is already %s', moderate.action,
        case moderate.action when 'hide' then 'hidden' when 'restore' then 'visible' else 'deleted' end);
  end if;

  if not on_user and closes is not null then
    update public.community_reports r
    set status = closes, resolved_at = now(), resolved_by = moderator
    where r.target_type = moderate.target_type and r.target_id = moderate.target_id and r.status = 'open';
  end if;

  insert into public.moderation_actions (target_type, target_id, target_user_id, action, reason, moderator_id, partner_id, suspension_id)
  values (
    case when on_user then null else moderate.target_type end,
    case when on_user then null else moderate.target_id end,
    subject,
    moderate.action,
    moderate.reason,
    moderator,
    -- The profile's partner when it is a known partner (the claim alone proves nothing).
    (select p.partner_id from public.profiles p join private.partners pa on pa.id = p.partner_id where p.id = subject),
    suspension
  )
  returning * into recorded;

  perform private.write_audit(
    'moderation.' || moderate.action::text,
    'moderation_action',
    recorded.id::text,
    null,
    jsonb_build_object(
      'target_type', recorded.target_type,
      'target_id', recorded.target_id,
      'target_user_id', recorded.target_user_id,
      'reason', recorded.reason,
      'suspension_id', recorded.suspension_id,
      'suspend_until', moderate.suspend_until
    )
  );
  return recorded;
end;
$$;
comment on function private.moderate(text, uuid, public.moderation_action, text, timestamptz) is
  'Definer body of public.moderate(): checks community:moderate, acts on the content or reader, closes the open reports the action answers, records the action and audits it.';

create or replace function public.moderate(
  target_type text,
  target_id uuid,
  action public.moderation_action,
  reason text default null,
  suspend_until timestamptz default null
)
returns public.moderation_actions
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.moderate(moderate.target_type, moderate.target_id, moderate.action, moderate.reason, moderate.suspend_until);
$$;
comment on function public.moderate(text, uuid, public.moderation_action, text, timestamptz) is
  'Moderators (community:moderate): acts on reported content or a reader and returns the recorded action. target_type is a registered kind (review, thread, post, group) or ''user'' (target_id = the reader) for warn, suspend and lift_suspension. hide / delete / warn / suspend on content resolve its open reports; restore / dismiss dismiss them (dismiss restores what reports hid). suspend writes public.community_suspensions until suspend_until (null = until lifted). Audited as moderation.<action>.';

create or replace function private.moderation_queue(
  kind text default null,
  "limit" integer default 20,
  "offset" integer default 0
)
returns table (
  target_type text,
  target_id uuid,
  report_count integer,
  reporter_count integer,
  first_reported_at timestamptz,
  last_reported_at timestamptz,
  author_id uuid,
  content jsonb,
  reports jsonb
)
language plpgsql
stable
security definer
set search_path = ''
as $$
#variable_conflict use_column
begin
  if not private.authorize('community:moderate') then
    raise exception using errcode = '42501', message = 'The moderation queue needs the community:moderate permission';
  end if;
  if moderation_queue."limit" not between 1 and 100 or moderation_queue."offset" not between 0 and 100000 then
    raise exception using errcode = '22023', message = 'limit must be 1–100 and offset 0–100000';
  end if;
  return query
  with open_targets as (
    select r.target_type, r.target_id,
      count(*)::integer as report_count,
      count(distinct r.reporter_id)::integer as reporter_count,
      min(r.created_at) as first_reported_at,
      max(r.created_at) as last_reported_at,
      jsonb_agg(jsonb_build_object('id', r.id, 'reason', r.reason, 'note', r.note, 'reporter_id', r.reporter_id,
        'created_at', r.created_at) order by r.created_at) as reports
    from public.community_reports r
    where r.status = 'open'
      and (moderation_queue.kind is null or r.target_type = moderation_queue.kind)
    group by r.target_type, r.target_id
    order by reporter_count desc, last_reported_at desc, r.target_type, r.target_id
    limit moderation_queue."limit" offset moderation_queue."offset"
  )
  select o.target_type, o.target_id, o.report_count, o.reporter_count, o.first_reported_at, o.last_reported_at,
    private.community_target_author(o.target_type, o.target_id),
    private.community_target_preview(o.target_type, o.target_id),
    o.reports
  from open_targets o
  order by o.reporter_count desc, o.last_reported_at desc, o.target_type, o.target_id;
end;
$$;
comment on function private.moderation_queue(text, integer, integer) is
  'Definer body of public.moderation_queue().';

create or replace function public.moderation_queue(
  kind text default null,
  "limit" integer default 20,
  "offset" integer default 0
)
returns table (
  target_type text,
  target_id uuid,
  report_count integer,
  reporter_count integer,
  first_reported_at timestamptz,
  last_reported_at timestamptz,
  author_id uuid,
  content jsonb,
  reports jsonb
)
language sql
stable
security invoker
set search_path = ''
as $$
  select * from private.moderation_queue(moderation_queue.kind, moderation_queue."limit", moderation_queue."offset");
$$;
comment on function public.moderation_queue(text, integer, integer) is
  'Moderators (community:moderate): content with open reports, most distinct reporters first, then most recently reported; each with a preview of the content (hidden or not), its author and its open reports. kind filters by target type (null = all); limit 1–100, offset.';

-- =============================================================================================
-- Functions: share links
-- =============================================================================================
create or replace function private.share_links_before_insert()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
declare
  snapshot text;
  found boolean;
begin
  -- The service role and the server's own connections write what they are given.
  if current_user not in ('anon', 'authenticated') then
    return new;
  end if;
  new.created_by := (select auth.uid());
  new.created_at := now();
  new.revoked_at := null;
  new.excerpt := null;
  if new.created_by is null then
    raise exception using errcode = '42501', message = 'Only signed-in readers can share';
  end if;
  perform private.community_throttle('share');
  -- The target must be one the caller sees (their row-level security decides) and public enough to share.
  case new.kind
    when 'book' then
      select true into found from public.books b where b.id = new.target_id and b.is_published;
    when 'review' then
      found := private.community_target_visible('review', new.target_id)
        and (private.community_target_row('review', new.target_id) ->> 'hidden_at') is null;
    when 'highlight' then
      -- Own highlights only; the snapshot is the selected text, never the note.
      select true, left(btrim(a.selected_text), 500) into found, snapshot
      from public.annotations a
      where a.id = new.target_id and a.user_id = new.created_by and a.kind = 'highlight' and a.deleted_at is null;
      new.excerpt := nullif(snapshot, '');
  end case;
  if not coalesce(found, false) then
    raise exception using errcode = 'PT404', message = format('No shareable %s with this id', new.kind);
  end if;
  return new;
end;
$$;
comment on function private.share_links_before_insert() is
  'Trigger: a share link is the caller''s, throttled, on a published book, a visible review or their own highlight (whose selected text it snapshots).';

create trigger before_insert before insert on public.share_links
  for each row execute function private.share_links_before_insert();

create or replace function private.share_preview(code text)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  link public.share_links;
  book_id uuid;
  review jsonb;
  result jsonb;
begin
  select * into link from public.share_links s where s.code = share_preview.code and s.revoked_at is null;
  if not found then
    return null;
  end if;

  if link.kind = 'book' then
    book_id := link.target_id;
  elsif link.kind = 'review' then
    begin
      select to_jsonb(r) into review from public.reviews r where r.id = link.target_id;
    exception when undefined_table then
      return null;
    end;
    if review is null or review ->> 'hidden_at' is not null or review ->> 'deleted_at' is not null then
      return null;
    end if;
    book_id := (review ->> 'book_id')::uuid;
  else
    select a.book_id into book_id
    from public.annotations a
    where a.id = link.target_id and a.kind = 'highlight' and a.deleted_at is null;
  end if;

  select jsonb_build_object(
    'code', link.code,
    'kind', link.kind,
    'createdAt', link.created_at,
    'book', jsonb_build_object(
      'id', b.id,
      'title', b.title,
      'subtitle', b.subtitle,
      'authors', coalesce(b.list_authors, '[]'::jsonb),
      'description', left(b.description, 300),
      'coverPath', b.cover_path,
      'language', b.language
    )
  ) into result
  from public.books b
  where b.id = book_id and b.is_published;
  if result is null then
    return null;
  end if;

  if link.kind = 'review' then
    result := result || jsonb_build_object('review', jsonb_build_object(
      'id', review ->> 'id',
      'rating', (review ->> 'rating')::integer,
      'title', review ->> 'title',
      'body', left(review ->> 'body', 300),
      'authorName', (select p.display_name from public.profiles p
                     where p.id = (review ->> 'user_id')::uuid and p.deleted_at is null)
    ));
  elsif link.kind = 'highlight' then
    result := result || jsonb_build_object('highlight', jsonb_build_object('excerpt', link.excerpt));
  end if;
  return result;
end;
$$;
comment on function private.share_preview(text) is
  'The public preview of a share link (for GET /v1/share/{code}): the book (published only) and the review (not hidden nor deleted) or the highlight''s snapshot; null for an unknown, revoked or no longer public link, whatever the reason.';

-- =============================================================================================
-- Grants
-- =============================================================================================
revoke all on function private.community_target_table(text) from public;
revoke all on function private.community_target_row(text, uuid) from public;
revoke all on function private.community_target_author(text, uuid) from public;
revoke all on function private.community_target_visible(text, uuid) from public;
revoke all on function private.community_set_hidden(text, uuid, boolean, text) from public;
revoke all on function private.community_delete_target(text, uuid) from public;
revoke all on function private.community_target_preview(text, uuid) from public;
revoke all on function private.community_reports_before_insert() from public;
revoke all on function private.community_reports_after_insert() from public;
revoke all on function private.share_links_before_insert() from public;
revoke all on function private.moderate(text, uuid, public.moderation_action, text, timestamptz) from public;
revoke all on function public.moderate(text, uuid, public.moderation_action, text, timestamptz) from public, anon;
revoke all on function private.moderation_queue(text, integer, integer) from public;
revoke all on function public.moderation_queue(text, integer, integer) from public, anon;
revoke all on function private.share_preview(text) from public;
-- The triggers run as the writer: they need the registry lookups (definer) and the visibility check.
grant execute on function private.community_target_table(text) to authenticated, service_role;
grant execute on function private.community_target_row(text, uuid) to authenticated, service_role;
grant execute on function private.community_target_author(text, uuid) to authenticated, service_role;
grant execute on function private.community_target_visible(text, uuid) to authenticated, service_role;
grant execute on function private.moderate(text, uuid, public.moderation_action, text, timestamptz) to authenticated, service_role;
grant execute on function public.moderate(text, uuid, public.moderation_action, text, timestamptz) to authenticated, service_role;
grant execute on function private.moderation_queue(text, integer, integer) to authenticated, service_role;
grant execute on function public.moderation_queue(text, integer, integer) to authenticated, service_role;
grant execute on function private.share_preview(text) to service_role;

-- =============================================================================================
-- Row Level Security
-- =============================================================================================
alter table public.community_reports enable row level security;
alter table public.moderation_actions enable row level security;
alter table public.share_links enable row level security;

create policy "Readers see their own reports and moderators see all"
  on public.community_reports for select to authenticated
  using (reporter_id = (select auth.uid()) or (select private.community_can_moderate()));
create policy "Readers in good standing report content"
  on public.community_reports for insert to authenticated
  with check ((select private.community_can_write()) and reporter_id = (select auth.uid()));

create policy "Readers see actions concerning them and moderators see all"
  on public.moderation_actions for select to authenticated
  using (target_user_id = (select auth.uid()) or (select private.community_can_moderate()));

create policy "Readers see their own share links and moderators see all"
  on public.share_links for select to authenticated
  using (created_by = (select auth.uid()) or (select private.community_can_moderate()));
create policy "Readers in good standing create share links"
  on public.share_links for insert to authenticated
  with check ((select private.community_can_write()) and created_by = (select auth.uid()));
create policy "Readers revoke their own share links"
  on public.share_links for update to authenticated
  using (created_by = (select auth.uid()))
  with check (created_by = (select auth.uid()));

revoke all on table public.community_reports, public.moderation_actions, public.share_links
  from public, anon, authenticated, service_role;
grant select, insert on table public.community_reports to authenticated;
grant select on table public.moderation_actions to authenticated;
grant select, insert on table public.share_links to authenticated;
grant update (revoked_at) on table public.share_links to authenticated;
grant select, insert, update, delete on table public.community_reports, public.moderation_actions, public.share_links
  to service_role;

-- =============================================================================================
-- Account anonymisation: a deleted reader's reports and share links go; actions concerning them
-- stay as anonymous history; their name as a moderator is dropped.
-- =============================================================================================
create or replace function private.erase_community_moderation_data(user_id uuid)
returns void
language sql
security definer
set search_path = ''
as $$
  delete from public.community_reports r where r.reporter_id = erase_community_moderation_data.user_id;
  update public.community_reports r set resolved_by = null where r.resolved_by = erase_community_moderation_data.user_id;
  delete from public.share_links s where s.created_by = erase_community_moderation_data.user_id;
  update public.moderation_actions a set target_user_id = null where a.target_user_id = erase_community_moderation_data.user_id;
  update public.moderation_actions a set moderator_id = null where a.moderator_id = erase_community_moderation_data.user_id;
  delete from private.community_write_log w where w.user_id = erase_community_moderation_data.user_id;
$$;
comment on function private.erase_community_moderation_data(uuid) is
  'Anonymisation step: deletes the user''s reports, share links and rate-limit counters, and removes them from moderation history (as the reader concerned and as the moderator).';
revoke all on function private.erase_community_moderation_data(uuid) from public;

insert into private.account_anonymizers (function_name, position, description)
values ('private.erase_community_moderation_data(uuid)', 310, 'Community moderation: the reader''s reports and share links; their name in moderation history.')
on conflict do nothing;
