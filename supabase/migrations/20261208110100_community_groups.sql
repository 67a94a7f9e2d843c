-- Community: reading groups and discussions (issue 12, docs/CONTRACT-community.md §2).
--
-- - public.reading_groups: public (anyone may join, anyone may read its threads) or private (join by
--   invitation or approved request; threads, members and progress are for members). A private group's
--   card (name, description, member count) is visible to signed-in readers so they can ask to join.
-- - public.group_members: owner (one, the creator), moderators (appointed by the owner) and members.
--   The member limit is counted exactly: every join increments reading_groups.member_count with a
--   conditional UPDATE on the group's row, so concurrent joins queue on that row and the last free
--   seat is taken once (PT409 "group is full" for the others).
-- - public.group_invitations / public.group_join_requests: pending → accepted | declined | revoked and
--   pending → approved | rejected | withdrawn; acceptance and approval add the member in the same
--   transaction (and fail with PT409 when the group is full).
-- - public.discussion_threads: per book (visible to whoever may see the book) or per group (visible per
--   the group's visibility), with up to 5 tags. public.discussion_posts: replies as a tree whose depth is
--   capped at 4 (a reply to a depth-4 post attaches to that post's parent, at depth 4).
-- - Authors edit within 15 minutes (moderators any time); deletion is soft: the row stays (text erased,
--   deleted_at set) so the tree and the replies stay readable. Group owners and moderators may delete
--   (never edit) what is posted in their group.
-- - Mentions are stored as user ids and silently narrowed to readers who can see the thread.
-- - Writes go through private.community_can_write() (suspended readers cannot post) and
--   private.community_throttle(): `thread`, `post`, `group`, and `group_invite` (invitations and join
--   requests, added here).
-- - public.group_progress(group_id): members who opted in (share_progress) and their percentage on the
--   group's current book, for members only.
-- - Targets `thread`, `post`, `group` registered for reports; account anonymisation keeps threads and
--   posts (text kept, author set to null), hands owned groups to the next member, and deletes the
--   reader's memberships, invitations and join requests.

-- =============================================================================================
-- Enums
-- =============================================================================================
create type public.group_visibility as enum ('public', 'private');
comment on type public.group_visibility is
  'public: anyone may join and read the threads; private: join by invitation or approved request, threads and members for members only.';

create type public.group_role as enum ('owner', 'moderator', 'member');
comment on type public.group_role is
  'Role in a reading group: owner (the creator; one per group), moderator (appointed by the owner: invites, decides join requests, removes members, deletes posts), member.';

create type public.group_invitation_status as enum ('pending', 'accepted', 'declined', 'revoked');
comment on type public.group_invitation_status is
  'Invitation state: pending → accepted | declined (the invitee) | revoked (the inviter, the owner or a group moderator).';

create type public.group_join_request_status as enum ('pending', 'approved', 'rejected', 'withdrawn');
comment on type public.group_join_request_status is
  'Join request state: pending → approved | rejected (the owner or a group moderator) | withdrawn (the requester).';

insert into private.community_limits (action, per_minute) values ('group_invite', 30) on conflict do nothing;

-- =============================================================================================
-- Functions: validation (immutable, used by constraints)
-- =============================================================================================
create or replace function private.is_discussion_tag_list(tags text[])
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  -- At most 5 distinct tags, each lower-case letters, digits and hyphens (1–30 characters).
  select tags is not null
    and cardinality(tags) <= 5
    and coalesce(bool_and(t is not null and t ~ '^[a-z0-9-]{1,30}$'), true)
    and count(distinct t) = count(t)
  from unnest(tags) as t;
$$;
comment on function private.is_discussion_tag_list(text[]) is
  'True for a thread''s tags: at most 5 distinct, each ^[a-z0-9-]{1,30}$.';

-- =============================================================================================
-- Tables
-- =============================================================================================
create table public.reading_groups (
  id uuid primary key default gen_random_uuid(),
  name text not null
    constraint reading_groups_name_text check (private.is_community_text(name, 100)),
  description text
    constraint reading_groups_description_text check (description is null or private.is_community_text(description, 2000)),
  visibility public.group_visibility not null default 'public',
  owner_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  member_limit integer not null default 50
    constraint reading_groups_member_limit_range check (member_limit between 2 and 500),
  member_count integer not null default 0
    constraint reading_groups_member_count_range check (member_count between 0 and member_limit),
  current_book_id uuid references public.books (id) on delete set null,
  partner_id uuid references private.partners (id) on delete set null,
  hidden_at timestamptz,
  hidden_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.reading_groups is
  'Reading groups. Public groups are visible to everyone; private ones to signed-in readers as a card (their threads, members and progress are for members). Members read a book together (current_book_id). Owners and group moderators edit them; community moderators see and hide any.';
comment on column public.reading_groups.id is 'Group id.';
comment on column public.reading_groups.name is 'Name (1–100 characters, plain text or the Markdown subset, never HTML).';
comment on column public.reading_groups.description is 'What the group is about (≤ 2000 characters); null = none.';
comment on column public.reading_groups.visibility is 'public (join directly) or private (invitation or approved request).';
comment on column public.reading_groups.owner_id is 'The owner (the creator, first member); handed to the next member when their account is anonymised.';
comment on column public.reading_groups.member_limit is 'Most members at once (2–500, default 50); never below member_count.';
comment on column public.reading_groups.member_count is 'Current number of members, kept by triggers on group_members (the exact count the limit is checked against). Not writable by clients.';
comment on column public.reading_groups.current_book_id is 'The book the group reads now; null = none. Must be visible to whoever sets it.';
comment on column public.reading_groups.partner_id is 'The partner of the owner at creation (from the token), for partner reporting; null = Coko''s own readers.';
comment on column public.reading_groups.hidden_at is 'When moderation hid the group (reports or a moderator); null = visible.';
comment on column public.reading_groups.hidden_reason is 'Why it is hidden (reports, or the moderator''s reason).';
comment on column public.reading_groups.created_at is 'When the group was created.';
comment on column public.reading_groups.updated_at is 'When name, description, visibility, limit or current book last changed.';

create index reading_groups_owner_id_idx on public.reading_groups (owner_id);
create index reading_groups_current_book_id_idx on public.reading_groups (current_book_id);
create index reading_groups_partner_id_idx on public.reading_groups (partner_id);
create index reading_groups_list_idx on public.reading_groups (created_at desc, id desc) where hidden_at is null;

create table public.group_members (
  group_id uuid not null references public.reading_groups (id) on delete cascade,
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  role public.group_role not null default 'member',
  share_progress boolean not null default false,
  joined_at timestamptz not null default now(),
  primary key (group_id, user_id)
);
comment on table public.group_members is
  'Members of reading groups. Readers see their own memberships, members see their group''s members, signed-in readers see a public group''s members. A reader joins a public group directly (within the limit) and leaves any time (not the owner); the owner appoints moderators; owners and group moderators remove members.';
comment on column public.group_members.group_id is 'The group.';
comment on column public.group_members.user_id is 'The member.';
comment on column public.group_members.role is 'owner, moderator or member. Only the owner changes roles; the owner role is never given or taken through the API.';
comment on column public.group_members.share_progress is 'Whether the member shares their progress on the group''s current book with the other members (opt-in, only they change it).';
comment on column public.group_members.joined_at is 'When they joined.';

create unique index group_members_one_owner_idx on public.group_members (group_id) where role = 'owner';
create index group_members_user_id_idx on public.group_members (user_id, joined_at desc);

create table public.group_invitations (
  id uuid primary key default gen_random_uuid(),
  group_id uuid not null references public.reading_groups (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  invited_by uuid default auth.uid() references auth.users (id) on delete set null,
  status public.group_invitation_status not null default 'pending',
  created_at timestamptz not null default now(),
  responded_at timestamptz
);
comment on table public.group_invitations is
  'Invitations to join a group. The owner and group moderators invite (any member of a public group too); the invitee accepts (becoming a member, within the limit) or declines; the inviter, owner or a group moderator revokes. Seen by the invitee, the inviter, the group''s owner and moderators, community moderators.';
comment on column public.group_invitations.id is 'Invitation id.';
comment on column public.group_invitations.group_id is 'The group.';
comment on column public.group_invitations.user_id is 'The invited reader.';
comment on column public.group_invitations.invited_by is 'Who invited (set from the session; null once their account is anonymised).';
comment on column public.group_invitations.status is 'pending, accepted, declined or revoked.';
comment on column public.group_invitations.created_at is 'When the invitation was sent.';
comment on column public.group_invitations.responded_at is 'When it left pending.';

create unique index group_invitations_one_pending_idx on public.group_invitations (group_id, user_id) where status = 'pending';
create index group_invitations_user_id_idx on public.group_invitations (user_id, created_at desc);
create index group_invitations_invited_by_idx on public.group_invitations (invited_by);

create table public.group_join_requests (
  id uuid primary key default gen_random_uuid(),
  group_id uuid not null references public.reading_groups (id) on delete cascade,
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  message text
    constraint group_join_requests_message_text check (message is null or private.is_community_text(message, 500)),
  status public.group_join_request_status not null default 'pending',
  created_at timestamptz not null default now(),
  decided_at timestamptz,
  decided_by uuid references auth.users (id) on delete set null
);
comment on table public.group_join_requests is
  'Requests to join a private group. The requester withdraws; the owner or a group moderator approves (the requester becomes a member, within the limit) or rejects. Seen by the requester, the group''s owner and moderators, community moderators.';
comment on column public.group_join_requests.id is 'Request id.';
comment on column public.group_join_requests.group_id is 'The private group.';
comment on column public.group_join_requests.user_id is 'The requester (set from the session).';
comment on column public.group_join_requests.message is 'A note to the group''s moderators (≤ 500 characters); null = none.';
comment on column public.group_join_requests.status is 'pending, approved, rejected or withdrawn.';
comment on column public.group_join_requests.created_at is 'When the request was made.';
comment on column public.group_join_requests.decided_at is 'When it left pending.';
comment on column public.group_join_requests.decided_by is 'Who approved or rejected it (the requester when withdrawn).';

create unique index group_join_requests_one_pending_idx on public.group_join_requests (group_id, user_id) where status = 'pending';
create index group_join_requests_user_id_idx on public.group_join_requests (user_id, created_at desc);
create index group_join_requests_decided_by_idx on public.group_join_requests (decided_by);

create table public.discussion_threads (
  id uuid primary key default gen_random_uuid(),
  book_id uuid references public.books (id) on delete cascade,
  group_id uuid references public.reading_groups (id) on delete cascade,
  user_id uuid default auth.uid() references auth.users (id) on delete set null,
  title text
    constraint discussion_threads_title_text check (title is null or private.is_community_text(title, 200)),
  body text
    constraint discussion_threads_body_text check (body is null or private.is_community_text(body, 10000)),
  tags text[] not null default '{}'
    constraint discussion_threads_tags_valid check (private.is_discussion_tag_list(tags)),
  reply_count integer not null default 0
    constraint discussion_threads_reply_count_positive check (reply_count >= 0),
  last_posted_at timestamptz not null default now(),
  hidden_at timestamptz,
  hidden_reason text,
  deleted_at timestamptz,
  edited_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint discussion_threads_one_place check (num_nonnulls(book_id, group_id) = 1),
  constraint discussion_threads_title_unless_deleted check (deleted_at is not null or title is not null)
);
comment on table public.discussion_threads is
  'Discussion threads about a book (visible to whoever may see the book) or in a reading group (visible per the group: everyone for public groups, members for private ones). Hidden threads are seen by their author and moderators only; deleted threads stay as placeholders (title and body erased) so their replies stay readable.';
comment on column public.discussion_threads.id is 'Thread id.';
comment on column public.discussion_threads.book_id is 'The book discussed; null for a group thread (exactly one of book_id, group_id).';
comment on column public.discussion_threads.group_id is 'The group it belongs to; null for a book thread.';
comment on column public.discussion_threads.user_id is 'The author (set from the session); null once their account is anonymised.';
comment on column public.discussion_threads.title is 'Title (1–200 characters, plain text or the Markdown subset, never HTML); null once deleted.';
comment on column public.discussion_threads.body is 'Opening text (≤ 10000 characters); null = none or deleted.';
comment on column public.discussion_threads.tags is 'Up to 5 distinct tags (^[a-z0-9-]{1,30}$) to filter threads.';
comment on column public.discussion_threads.reply_count is 'Replies not deleted, kept by triggers on discussion_posts.';
comment on column public.discussion_threads.last_posted_at is 'When the last reply (or the thread) was posted.';
comment on column public.discussion_threads.hidden_at is 'When moderation hid the thread; null = visible.';
comment on column public.discussion_threads.hidden_reason is 'Why it is hidden (reports, or the moderator''s reason).';
comment on column public.discussion_threads.deleted_at is 'When its author (or a moderator) deleted it: the row stays, text erased.';
comment on column public.discussion_threads.edited_at is 'When title, body or tags last changed after posting; null = never edited.';
comment on column public.discussion_threads.created_at is 'When it was posted (the edit window of 15 minutes starts here).';
comment on column public.discussion_threads.updated_at is 'When the row last changed.';

-- Cursor pages: (created_at, id) either way, per book and per group.
create index discussion_threads_book_page_idx on public.discussion_threads (book_id, created_at, id) where book_id is not null;
create index discussion_threads_group_page_idx on public.discussion_threads (group_id, created_at, id) where group_id is not null;
create index discussion_threads_user_id_idx on public.discussion_threads (user_id);

create table public.discussion_posts (
  id uuid primary key default gen_random_uuid(),
  thread_id uuid not null references public.discussion_threads (id) on delete cascade,
  parent_id uuid references public.discussion_posts (id) on delete cascade,
  depth smallint not null default 0
    constraint discussion_posts_depth_range check (depth between 0 and 4),
  user_id uuid default auth.uid() references auth.users (id) on delete set null,
  body text
    constraint discussion_posts_body_text check (body is null or private.is_community_text(body, 10000)),
  mentions uuid[] not null default '{}'
    constraint discussion_posts_mentions_valid check (cardinality(mentions) <= 20 and private.is_uuid_list(mentions)),
  hidden_at timestamptz,
  hidden_reason text,
  deleted_at timestamptz,
  edited_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint discussion_posts_body_unless_deleted check (deleted_at is not null or body is not null),
  constraint discussion_posts_depth_matches_parent check ((parent_id is null) = (depth = 0))
);
comment on table public.discussion_posts is
  'Replies in discussion threads, as a tree (parent_id, depth ≤ 4). Visible with their thread; hidden posts are seen by their author and moderators only; deleted posts stay as placeholders (body erased) so the tree stays readable.';
comment on column public.discussion_posts.id is 'Post id.';
comment on column public.discussion_posts.thread_id is 'The thread.';
comment on column public.discussion_posts.parent_id is 'The post replied to (same thread); null = a reply to the thread. A reply to a depth-4 post attaches to that post''s parent.';
comment on column public.discussion_posts.depth is 'Depth in the tree (0 = reply to the thread, at most 4), set by trigger.';
comment on column public.discussion_posts.user_id is 'The author (set from the session); null once their account is anonymised.';
comment on column public.discussion_posts.body is 'Text (1–10000 characters, plain text or the Markdown subset, never HTML); null once deleted.';
comment on column public.discussion_posts.mentions is 'Readers mentioned (user ids, ≤ 20), narrowed by trigger to those who can see the thread.';
comment on column public.discussion_posts.hidden_at is 'When moderation hid the post; null = visible.';
comment on column public.discussion_posts.hidden_reason is 'Why it is hidden (reports, or the moderator''s reason).';
comment on column public.discussion_posts.deleted_at is 'When its author (or a moderator) deleted it: the row stays, body erased.';
comment on column public.discussion_posts.edited_at is 'When the body last changed after posting; null = never edited.';
comment on column public.discussion_posts.created_at is 'When it was posted (the edit window of 15 minutes starts here).';
comment on column public.discussion_posts.updated_at is 'When the row last changed.';

create index discussion_posts_thread_page_idx on public.discussion_posts (thread_id, created_at, id);
create index discussion_posts_parent_id_idx on public.discussion_posts (parent_id);
create index discussion_posts_user_id_idx on public.discussion_posts (user_id);

-- =============================================================================================
-- Functions: who is who in a group (security definer: policies of group_members would otherwise
-- recurse into themselves)
-- =============================================================================================
create or replace function private.group_role(group_id uuid)
returns public.group_role
language sql
stable
security definer
set search_path = ''
as $$
  select m.role from public.group_members m
  where m.group_id = group_role.group_id and m.user_id = (select auth.uid());
$$;
comment on function private.group_role(uuid) is 'The caller''s role in a group; null when not a member.';

create or replace function private.group_manages(group_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(private.group_role(group_manages.group_id) in ('owner', 'moderator'), false);
$$;
comment on function private.group_manages(uuid) is 'True when the caller is the group''s owner or one of its moderators.';

create or replace function private.group_content_visible(group_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  -- Threads and members of a group: everyone for a visible public group, members of a visible
  -- private group, the owner of a hidden group, community moderators always.
  select exists (
    select 1 from public.reading_groups g
    where g.id = group_content_visible.group_id
      and (
        (g.hidden_at is null and (g.visibility = 'public' or private.group_role(g.id) is not null))
        or g.owner_id = (select auth.uid())
      )
  ) or private.community_can_moderate();
$$;
comment on function private.group_content_visible(uuid) is
  'True when the caller may read a group''s threads and members: public and not hidden, or they are a member (not hidden), or the owner, or a community moderator.';

create or replace function private.can_invite(group_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.reading_groups g
    where g.id = can_invite.group_id
      and g.hidden_at is null
      and (private.group_role(g.id) in ('owner', 'moderator')
        or (g.visibility = 'public' and private.group_role(g.id) is not null))
  );
$$;
comment on function private.can_invite(uuid) is
  'True when the caller may invite to a group: its owner or moderators, or any member of a public group.';

-- =============================================================================================
-- Functions: membership (the one path that adds a member, and the exact count)
-- =============================================================================================
create or replace function private.group_members_before_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- The owner's seat is counted when the group is created (member_count starts at 1).
  if new.role = 'owner' then
    new.joined_at := now();
    return new;
  end if;
  -- One conditional UPDATE takes the group's row lock and the seat at once: concurrent joins queue
  -- on the row and each sees the count its predecessor left, so the limit holds exactly.
  update public.reading_groups g set member_count = g.member_count + 1
  where g.id = new.group_id and g.member_count < g.member_limit;
  if not found then
    if exists (select 1 from public.reading_groups g where g.id = new.group_id) then
      raise exception using errcode = 'PT409', message = 'The group is full',
        hint = 'Ask an owner to raise the member limit.';
    end if;
    raise exception using errcode = '23503', message = 'The group does not exist';
  end if;
  new.joined_at := now();
  return new;
end;
$$;
comment on function private.group_members_before_insert() is
  'Trigger: takes a seat in the group (member_count + 1 under the group''s row lock) or raises PT409 when it is full.';

create or replace function private.group_members_after_delete()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.reading_groups g set member_count = g.member_count - 1 where g.id = old.group_id;
  update public.group_invitations i set status = 'revoked', responded_at = now()
  where i.group_id = old.group_id and i.invited_by = old.user_id and i.status = 'pending';
  return null;
end;
$$;
comment on function private.group_members_after_delete() is
  'Trigger: frees the seat (member_count - 1) and revokes the pending invitations the leaving member sent.';

create or replace function private.group_members_before_delete()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  uid uuid := (select auth.uid());
begin
  -- The group being deleted takes its members with it, whatever their role.
  if not exists (select 1 from public.reading_groups g where g.id = old.group_id) then
    return old;
  end if;
  if old.role = 'owner' then
    raise exception using errcode = 'PT409', message = 'The owner cannot leave the group',
      hint = 'Delete the group instead.';
  end if;
  -- Group moderators remove members, not other moderators (only the owner does).
  if uid is not null and old.user_id <> uid and old.role = 'moderator'
     and private.group_role(old.group_id) is distinct from 'owner' and not private.community_can_moderate() then
    raise exception using errcode = '42501', message = 'Only the owner removes a group moderator';
  end if;
  return old;
end;
$$;
comment on function private.group_members_before_delete() is
  'Trigger: the owner cannot leave (delete the group instead); only the owner removes a group moderator.';

create or replace function private.group_members_before_update()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  uid uuid := (select auth.uid());
begin
  if new.group_id <> old.group_id or new.user_id <> old.user_id then
    raise exception using errcode = '22023', message = 'a membership cannot move to another group or reader';
  end if;
  -- The server (no user) transfers ownership on anonymisation; through the API nobody does.
  if uid is null then
    return new;
  end if;
  if new.role is distinct from old.role then
    if 'owner' in (new.role, old.role) then
      raise exception using errcode = '42501', message = 'The owner role is not given or taken';
    end if;
    if private.group_role(new.group_id) is distinct from 'owner' and not private.community_can_moderate() then
      raise exception using errcode = '42501', message = 'Only the owner changes roles';
    end if;
  end if;
  if new.share_progress is distinct from old.share_progress and new.user_id <> uid then
    raise exception using errcode = '42501', message = 'Only the member decides to share their progress';
  end if;
  return new;
end;
$$;
comment on function private.group_members_before_update() is
  'Trigger: only the owner changes roles (never to or from owner); only the member changes share_progress.';

create or replace function private.add_group_member(group_id uuid, user_id uuid)
returns void
language sql
security definer
set search_path = ''
as $$
  insert into public.group_members (group_id, user_id, role)
  values (add_group_member.group_id, add_group_member.user_id, 'member')
  on conflict do nothing;
$$;
comment on function private.add_group_member(uuid, uuid) is
  'Adds a member (accepted invitation, approved request) through the seat-counting trigger; no-op when already a member.';

-- =============================================================================================
-- Functions: reading_groups triggers
-- =============================================================================================
create or replace function private.session_partner_id()
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  -- The token's app_metadata.partner_id when it names a partner that exists (else null).
  select p.id from private.partners p
  where p.id = (
    select case when pg_input_is_valid(c ->> 'partner_id', 'uuid') then (c ->> 'partner_id')::uuid end
    from (select nullif(current_setting('request.jwt.claims', true), '')::jsonb -> 'app_metadata' as c) claims
  );
$$;
comment on function private.session_partner_id() is
  'The partner of the session (app_metadata.partner_id of the token) when it exists; null for Coko''s own readers.';
create or replace function private.reading_groups_before_write()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  uid uuid := (select auth.uid());
begin
  if tg_op = 'INSERT' then
    perform private.community_throttle('group');
    new.owner_id := coalesce(uid, new.owner_id);
    new.member_count := 1; -- the owner, added by the add_owner trigger
    if uid is not null then
      new.partner_id := private.session_partner_id();
    end if;
    return new;
  end if;
  if new.owner_id <> old.owner_id and uid is not null then
    raise exception using errcode = '42501', message = 'Ownership is not transferred through the API';
  end if;
  if new.member_limit < new.member_count then
    raise exception using errcode = '23514', constraint = 'reading_groups_member_limit_range',
      message = format('The member limit cannot go below the %s current members', new.member_count);
  end if;
  if (new.name, new.description, new.visibility, new.member_limit, new.current_book_id)
     is distinct from (old.name, old.description, old.visibility, old.member_limit, old.current_book_id) then
    new.updated_at := now();
  end if;
  return new;
end;
$$;
comment on function private.reading_groups_before_write() is
  'Trigger: throttles creation (group), sets the owner and partner from the session, keeps the limit above the member count, stamps updated_at on content changes only (not on member_count).';

create or replace function private.reading_groups_after_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.group_members (group_id, user_id, role) values (new.id, new.owner_id, 'owner');
  return null;
end;
$$;
comment on function private.reading_groups_after_insert() is 'Trigger: the owner is the group''s first member.';

-- =============================================================================================
-- Functions: invitations and join requests
-- =============================================================================================
create or replace function private.group_invitations_before_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  uid uuid := (select auth.uid());
begin
  if tg_op = 'INSERT' then
    perform private.community_throttle('group_invite');
    new.invited_by := coalesce(uid, new.invited_by);
    new.status := 'pending';
    new.responded_at := null;
    if exists (select 1 from public.group_members m where m.group_id = new.group_id and m.user_id = new.user_id) then
      raise exception using errcode = 'PT409', message = 'Already a member of the group';
    end if;
    return new;
  end if;
  if (new.group_id, new.user_id, new.invited_by) is distinct from (old.group_id, old.user_id, old.invited_by) then
    raise exception using errcode = '22023', message = 'an invitation cannot change its group, invitee or inviter';
  end if;
  if new.status = old.status then
    return new;
  end if;
  if old.status <> 'pending' then
    raise exception using errcode = 'PT409', message = format('The invitation is already %s', old.status);
  end if;
  if uid is not null then
    if new.status in ('accepted', 'declined') and new.user_id <> uid then
      raise exception using errcode = '42501', message = 'Only the invitee accepts or declines';
    end if;
    if new.status = 'revoked' and new.invited_by is distinct from uid
       and not private.group_manages(new.group_id) and not private.community_can_moderate() then
      raise exception using errcode = '42501', message = 'Only the inviter or the group''s moderators revoke';
    end if;
  end if;
  new.responded_at := now();
  if new.status = 'accepted' then
    perform private.add_group_member(new.group_id, new.user_id);
  end if;
  return new;
end;
$$;
comment on function private.group_invitations_before_write() is
  'Trigger: invitations start pending from the session''s reader (throttled: group_invite); pending → accepted | declined by the invitee (accepting adds the member, PT409 when full), → revoked by the inviter or the group''s moderators.';

create or replace function private.group_join_requests_before_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  uid uuid := (select auth.uid());
  kind public.group_visibility;
begin
  if tg_op = 'INSERT' then
    perform private.community_throttle('group_invite');
    new.user_id := coalesce(uid, new.user_id);
    new.status := 'pending';
    new.decided_at := null;
    new.decided_by := null;
    select g.visibility into kind from public.reading_groups g where g.id = new.group_id and g.hidden_at is null;
    if kind is null then
      raise exception using errcode = '23503', message = 'The group does not exist';
    end if;
    if kind = 'public' then
      raise exception using errcode = '22023', message = 'A public group is joined directly, without a request';
    end if;
    if exists (select 1 from public.group_members m where m.group_id = new.group_id and m.user_id = new.user_id) then
      raise exception using errcode = 'PT409', message = 'Already a member of the group';
    end if;
    return new;
  end if;
  if (new.group_id, new.user_id, new.message) is distinct from (old.group_id, old.user_id, old.message) then
    raise exception using errcode = '22023', message = 'a join request cannot change its group, requester or message';
  end if;
  if new.status = old.status then
    return new;
  end if;
  if old.status <> 'pending' then
    raise exception using errcode = 'PT409', message = format('The request is already %s', old.status);
  end if;
  if uid is not null then
    if new.status = 'withdrawn' and new.user_id <> uid then
      raise exception using errcode = '42501', message = 'Only the requester withdraws';
    end if;
    if new.status in ('approved', 'rejected') and not private.group_manages(new.group_id)
       and not private.community_can_moderate() then
      raise exception using errcode = '42501', message = 'Only the group''s owner and moderators decide';
    end if;
  end if;
  new.decided_at := now();
  new.decided_by := uid;
  if new.status = 'approved' then
    perform private.add_group_member(new.group_id, new.user_id);
  end if;
  return new;
end;
$$;
comment on function private.group_join_requests_before_write() is
  'Trigger: requests (private groups only, throttled: group_invite) start pending from the session''s reader; pending → withdrawn by the requester, → approved | rejected by the group''s owner or moderators (approval adds the member, PT409 when full).';

-- =============================================================================================
-- Functions: threads and posts
-- =============================================================================================
create or replace function private.visible_mentions(thread_id uuid, mentions uuid[], author uuid)
returns uuid[]
language sql
stable
security definer
set search_path = ''
as $$
  -- Private group: its members; otherwise any reader whose account is live. Order kept, duplicates
  -- and the author dropped, at most 20.
  select coalesce(array_agg(m.id order by m.ord), '{}')
  from (
    select distinct on (u.id) u.id, u.ord
    from unnest(visible_mentions.mentions) with ordinality as u (id, ord)
    join public.discussion_threads t on t.id = visible_mentions.thread_id
    left join public.reading_groups g on g.id = t.group_id
    where u.id is distinct from visible_mentions.author
      and exists (select 1 from public.profiles p where p.id = u.id and p.deleted_at is null)
      and (g.id is null or g.visibility = 'public'
        or exists (select 1 from public.group_members gm where gm.group_id = g.id and gm.user_id = u.id))
    order by u.id, u.ord
    limit 20
  ) m;
$$;
comment on function private.visible_mentions(uuid, uuid[], uuid) is
  'The mentioned readers who can see the thread (members for a private group''s thread, live accounts otherwise), deduplicated, without the author, at most 20.';

create or replace function private.discussion_can_edit(author uuid, created_at timestamptz)
returns boolean
language sql
stable
set search_path = ''
as $$
  -- Authors within 15 minutes; moderators and the server any time.
  select (select auth.uid()) is null
    or private.community_can_moderate()
    or (author = (select auth.uid()) and created_at > now() - interval '15 minutes');
$$;
comment on function private.discussion_can_edit(uuid, timestamptz) is
  'True when the caller may change the text of a thread or post: its author within 15 minutes of posting, moderators and the server any time.';

create or replace function private.discussion_threads_before_write()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  uid uuid := (select auth.uid());
begin
  if tg_op = 'INSERT' then
    perform private.community_throttle('thread');
    new.user_id := coalesce(uid, new.user_id);
    new.reply_count := 0;
    new.last_posted_at := now();
    new.deleted_at := null;
    new.edited_at := null;
    return new;
  end if;
  if (new.book_id, new.group_id, new.user_id) is distinct from (old.book_id, old.group_id, old.user_id) and uid is not null then
    raise exception using errcode = '22023', message = 'a thread cannot move to another book, group or author';
  end if;
  if old.deleted_at is not null and uid is not null then
    raise exception using errcode = 'PT409', message = 'The thread is deleted';
  end if;
  if new.deleted_at is not null and old.deleted_at is null then
    new.deleted_at := now();
    new.title := null;
    new.body := null;
    new.tags := '{}';
  elsif (new.title, new.body, new.tags) is distinct from (old.title, old.body, old.tags) then
    if not private.discussion_can_edit(old.user_id, old.created_at) then
      raise exception using errcode = '42501', message = 'The edit window (15 minutes) has closed',
        hint = 'Only its author edits a thread, within 15 minutes of posting it.';
    end if;
    new.edited_at := now();
  end if;
  new.updated_at := now();
  return new;
end;
$$;
comment on function private.discussion_threads_before_write() is
  'Trigger: throttles new threads (thread), sets the author; edits within the window only; deletion erases title, body and tags and is final.';

create or replace function private.discussion_posts_before_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  uid uuid := (select auth.uid());
  parent public.discussion_posts;
  thread public.discussion_threads;
begin
  if tg_op = 'INSERT' then
    perform private.community_throttle('post');
    new.user_id := coalesce(uid, new.user_id);
    new.deleted_at := null;
    new.edited_at := null;
    select * into thread from public.discussion_threads t where t.id = new.thread_id;
    if thread.deleted_at is not null then
      raise exception using errcode = 'PT409', message = 'The thread is deleted';
    end if;
    if new.parent_id is null then
      new.depth := 0;
    else
      select * into parent from public.discussion_posts p where p.id = new.parent_id;
      if parent.id is null or parent.thread_id <> new.thread_id then
        raise exception using errcode = '22023', message = 'The parent post is not in this thread';
      end if;
      -- Depth cap: a reply to a depth-4 post becomes its sibling (same parent, depth 4).
      if parent.depth >= 4 then
        new.parent_id := parent.parent_id;
        new.depth := 4;
      else
        new.depth := parent.depth + 1;
      end if;
    end if;
    new.mentions := private.visible_mentions(new.thread_id, new.mentions, new.user_id);
    return new;
  end if;
  if (new.thread_id, new.parent_id, new.depth, new.user_id) is distinct from (old.thread_id, old.parent_id, old.depth, old.user_id)
     and uid is not null then
    raise exception using errcode = '22023', message = 'a post cannot move to another thread, parent or author';
  end if;
  if old.deleted_at is not null and uid is not null then
    raise exception using errcode = 'PT409', message = 'The post is deleted';
  end if;
  if new.deleted_at is not null and old.deleted_at is null then
    new.deleted_at := now();
    new.body := null;
    new.mentions := '{}';
  elsif (new.body, new.mentions) is distinct from (old.body, old.mentions) then
    if not private.discussion_can_edit(old.user_id, old.created_at) then
      raise exception using errcode = '42501', message = 'The edit window (15 minutes) has closed',
        hint = 'Only its author edits a post, within 15 minutes of posting it.';
    end if;
    new.mentions := private.visible_mentions(new.thread_id, new.mentions, old.user_id);
    new.edited_at := now();
  end if;
  new.updated_at := now();
  return new;
end;
$$;
comment on function private.discussion_posts_before_write() is
  'Trigger: throttles replies (post), sets the author, places the reply in the tree (depth ≤ 4), narrows mentions; edits within the window only; deletion erases body and mentions and is final.';

create or replace function private.discussion_posts_after_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    update public.discussion_threads t
    set reply_count = t.reply_count + 1, last_posted_at = greatest(t.last_posted_at, new.created_at)
    where t.id = new.thread_id;
  elsif tg_op = 'UPDATE' and new.deleted_at is not null and old.deleted_at is null then
    update public.discussion_threads t set reply_count = greatest(t.reply_count - 1, 0) where t.id = new.thread_id;
  elsif tg_op = 'DELETE' and old.deleted_at is null then
    update public.discussion_threads t set reply_count = greatest(t.reply_count - 1, 0) where t.id = old.thread_id;
  end if;
  return null;
end;
$$;
comment on function private.discussion_posts_after_write() is
  'Trigger: keeps discussion_threads.reply_count (replies not deleted) and last_posted_at.';

-- The thread counters change on every reply: the thread trigger ignores those updates (no edit
-- window, no updated_at), so it runs only when a client-writable column changes.
create trigger before_write before insert on public.reading_groups
  for each row execute function private.reading_groups_before_write();
create trigger before_update before update on public.reading_groups
  for each row execute function private.reading_groups_before_write();
create trigger add_owner after insert on public.reading_groups
  for each row execute function private.reading_groups_after_insert();
create trigger audit after insert or update or delete on public.reading_groups
  for each row execute function private.audit_row_change('reading_group', 'id', 'member_count', 'updated_at');

create trigger take_seat before insert on public.group_members
  for each row execute function private.group_members_before_insert();
create trigger before_delete before delete on public.group_members
  for each row execute function private.group_members_before_delete();
create trigger free_seat after delete on public.group_members
  for each row execute function private.group_members_after_delete();
create trigger before_update before update on public.group_members
  for each row execute function private.group_members_before_update();

create trigger before_write before insert or update on public.group_invitations
  for each row execute function private.group_invitations_before_write();
create trigger before_write before insert or update on public.group_join_requests
  for each row execute function private.group_join_requests_before_write();

create trigger before_insert before insert on public.discussion_threads
  for each row execute function private.discussion_threads_before_write();
create trigger before_update before update of title, body, tags, deleted_at, book_id, group_id, user_id on public.discussion_threads
  for each row execute function private.discussion_threads_before_write();

create trigger before_write before insert or update on public.discussion_posts
  for each row execute function private.discussion_posts_before_write();
create trigger after_write after insert or update of deleted_at or delete on public.discussion_posts
  for each row execute function private.discussion_posts_after_write();

-- =============================================================================================
-- Shared progress
-- =============================================================================================
create or replace function private.group_progress(group_id uuid)
returns table (user_id uuid, display_name text, avatar_path text, percentage numeric, updated_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if private.group_role(group_progress.group_id) is null and not private.community_can_moderate() then
    raise exception using errcode = '42501', message = 'Only members see the group''s progress';
  end if;
  return query
    select m.user_id, p.display_name, p.avatar_path, rp.percentage, rp.updated_at
    from public.group_members m
    join public.reading_groups g on g.id = m.group_id
    join public.reading_progress rp on rp.user_id = m.user_id and rp.book_id = g.current_book_id
    left join public.profiles p on p.id = m.user_id
    where m.group_id = group_progress.group_id and m.share_progress
    order by rp.percentage desc, m.joined_at, m.user_id;
end;
$$;
comment on function private.group_progress(uuid) is
  'Definer body of public.group_progress: members who opted in and their progress on the current book; members and community moderators only (42501 otherwise).';

create or replace function public.group_progress(group_id uuid)
returns table (user_id uuid, display_name text, avatar_path text, percentage numeric, updated_at timestamptz)
language sql
stable
security invoker
set search_path = ''
as $$
  select * from private.group_progress(group_progress.group_id);
$$;
comment on function public.group_progress(uuid) is
  'Shared progress of a reading group: the members who opted in (group_members.share_progress) with their display name, avatar and percentage on the group''s current book, furthest first. Members only (403 otherwise).';

-- =============================================================================================
-- Row Level Security
-- =============================================================================================
alter table public.reading_groups enable row level security;
alter table public.group_members enable row level security;
alter table public.group_invitations enable row level security;
alter table public.group_join_requests enable row level security;
alter table public.discussion_threads enable row level security;
alter table public.discussion_posts enable row level security;

-- reading_groups -----------------------------------------------------------------------------
create policy "Visible groups to everyone, private cards to readers, hidden ones to owners and moderators"
  on public.reading_groups for select to anon, authenticated
  using (
    (hidden_at is null and (visibility = 'public' or (select auth.uid()) is not null))
    or owner_id = (select auth.uid())
    or (select private.community_can_moderate())
  );
create policy "Readers create groups they own, reading a book they can see"
  on public.reading_groups for insert to authenticated
  with check (
    (select private.community_can_write())
    and owner_id = (select auth.uid())
    and (current_book_id is null or exists (select 1 from public.books b where b.id = current_book_id))
  );
create policy "Owners and group moderators edit their group"
  on public.reading_groups for update to authenticated
  using (private.group_manages(id) or (select private.community_can_moderate()))
  with check (
    (select private.community_can_write())
    and (current_book_id is null or exists (select 1 from public.books b where b.id = current_book_id))
  );
create policy "Owners and community moderators delete groups"
  on public.reading_groups for delete to authenticated
  using (owner_id = (select auth.uid()) or (select private.community_can_moderate()));

-- group_members ------------------------------------------------------------------------------
create policy "Own memberships, and the members of groups whose content the reader sees"
  on public.group_members for select to authenticated
  using (user_id = (select auth.uid()) or private.group_content_visible(group_id));
create policy "Readers join public groups as members"
  on public.group_members for insert to authenticated
  with check (
    (select private.community_can_write())
    and user_id = (select auth.uid())
    and role = 'member'
    and exists (
      select 1 from public.reading_groups g
      where g.id = group_id and g.visibility = 'public' and g.hidden_at is null
    )
  );
create policy "Members change their own sharing; owners change roles"
  on public.group_members for update to authenticated
  using (user_id = (select auth.uid()) or private.group_manages(group_id) or (select private.community_can_moderate()))
  with check ((select private.community_can_write()));
create policy "Members leave; owners and group moderators remove members"
  on public.group_members for delete to authenticated
  using (user_id = (select auth.uid()) or private.group_manages(group_id) or (select private.community_can_moderate()));

-- group_invitations --------------------------------------------------------------------------
create policy "Invitee, inviter, the group's moderators and community moderators see invitations"
  on public.group_invitations for select to authenticated
  using (
    user_id = (select auth.uid())
    or invited_by = (select auth.uid())
    or private.group_manages(group_id)
    or (select private.community_can_moderate())
  );
create policy "Owners and group moderators (any member of a public group) invite"
  on public.group_invitations for insert to authenticated
  with check ((select private.community_can_write()) and private.can_invite(group_id) and user_id <> (select auth.uid()));
create policy "Invitees answer; inviters and the group's moderators revoke"
  on public.group_invitations for update to authenticated
  using (
    user_id = (select auth.uid())
    or invited_by = (select auth.uid())
    or private.group_manages(group_id)
    or (select private.community_can_moderate())
  )
  with check ((select private.community_can_write()));

-- group_join_requests ------------------------------------------------------------------------
create policy "Requesters, the group's moderators and community moderators see join requests"
  on public.group_join_requests for select to authenticated
  using (user_id = (select auth.uid()) or private.group_manages(group_id) or (select private.community_can_moderate()));
create policy "Readers ask to join private groups"
  on public.group_join_requests for insert to authenticated
  with check ((select private.community_can_write()) and user_id = (select auth.uid()));
create policy "Requesters withdraw; the group's moderators decide"
  on public.group_join_requests for update to authenticated
  using (user_id = (select auth.uid()) or private.group_manages(group_id) or (select private.community_can_moderate()))
  with check ((select private.community_can_write()));

-- discussion_threads -------------------------------------------------------------------------
-- "Visible with its place": the book subquery is filtered by the books policies; a group's threads
-- follow private.group_content_visible().
create policy "Threads are visible with their book or group; hidden ones to authors and moderators"
  on public.discussion_threads for select to anon, authenticated
  using (
    (
      hidden_at is null
      and (
        (book_id is not null and exists (select 1 from public.books b where b.id = book_id))
        or (group_id is not null and private.group_content_visible(group_id))
      )
    )
    or user_id = (select auth.uid())
    or (select private.community_can_moderate())
  );
create policy "Readers open threads on books they see and in groups they belong to"
  on public.discussion_threads for insert to authenticated
  with check (
    (select private.community_can_write())
    and user_id = (select auth.uid())
    and (
      (book_id is not null and exists (select 1 from public.books b where b.id = book_id))
      or (group_id is not null and private.group_role(group_id) is not null
        and exists (select 1 from public.reading_groups g where g.id = group_id and g.hidden_at is null))
    )
  );
create policy "Authors edit and delete their threads; group moderators delete"
  on public.discussion_threads for update to authenticated
  using (
    user_id = (select auth.uid())
    or (group_id is not null and private.group_manages(group_id))
    or (select private.community_can_moderate())
  )
  with check ((select private.community_can_write()));

-- discussion_posts ---------------------------------------------------------------------------
create policy "Posts are visible with their thread; hidden ones to authors and moderators"
  on public.discussion_posts for select to anon, authenticated
  using (
    (hidden_at is null and exists (select 1 from public.discussion_threads t where t.id = thread_id))
    or user_id = (select auth.uid())
    or (select private.community_can_moderate())
  );
create policy "Readers reply in threads they see (group threads: members)"
  on public.discussion_posts for insert to authenticated
  with check (
    (select private.community_can_write())
    and user_id = (select auth.uid())
    and exists (
      select 1 from public.discussion_threads t
      where t.id = thread_id
        and t.hidden_at is null
        and (t.group_id is null or private.group_role(t.group_id) is not null)
    )
  );
create policy "Authors edit and delete their posts; group moderators delete"
  on public.discussion_posts for update to authenticated
  using (
    user_id = (select auth.uid())
    or exists (
      select 1 from public.discussion_threads t
      where t.id = thread_id and t.group_id is not null and private.group_manages(t.group_id)
    )
    or (select private.community_can_moderate())
  )
  with check ((select private.community_can_write()));

-- Group moderators may only delete what others wrote, not edit it: the trigger lets them through
-- the edit window check only for deleted_at (discussion_can_edit is false for them).

-- =============================================================================================
-- Grants
-- =============================================================================================
revoke all on function
  private.is_discussion_tag_list(text[]),
  private.session_partner_id(),
  private.group_role(uuid),
  private.group_manages(uuid),
  private.group_content_visible(uuid),
  private.can_invite(uuid),
  private.add_group_member(uuid, uuid),
  private.visible_mentions(uuid, uuid[], uuid),
  private.discussion_can_edit(uuid, timestamptz),
  private.group_progress(uuid)
from public;
grant execute on function
  private.is_discussion_tag_list(text[]),
  private.group_role(uuid),
  private.group_manages(uuid),
  private.group_content_visible(uuid),
  private.can_invite(uuid),
  private.discussion_can_edit(uuid, timestamptz)
to anon, authenticated, service_role;
grant execute on function private.group_progress(uuid), private.session_partner_id() to authenticated, service_role;
revoke all on function public.group_progress(uuid) from public, anon;
grant execute on function public.group_progress(uuid) to authenticated, service_role;

revoke all on table
  public.reading_groups, public.group_members, public.group_invitations, public.group_join_requests,
  public.discussion_threads, public.discussion_posts
from public, anon, authenticated;

grant select on table public.reading_groups, public.discussion_threads, public.discussion_posts to anon;
grant select, delete on table public.reading_groups, public.group_members to authenticated;
grant select on table public.group_invitations, public.group_join_requests, public.discussion_threads,
  public.discussion_posts to authenticated;
-- Counters and moderation columns are the triggers' and moderation's, never the client's; authorship
-- columns may be sent but the triggers set them from the session (and the policies check them).
-- (A migration that adds a column to these tables must grant it here too.)
grant insert (id, name, description, visibility, owner_id, member_limit, current_book_id),
  update (name, description, visibility, member_limit, current_book_id)
  on table public.reading_groups to authenticated;
grant insert (group_id, user_id), update (role, share_progress) on table public.group_members to authenticated;
grant insert (id, group_id, user_id), update (status) on table public.group_invitations to authenticated;
grant insert (id, group_id, user_id, message), update (status) on table public.group_join_requests to authenticated;
grant insert (id, book_id, group_id, title, body, tags), update (title, body, tags, deleted_at)
  on table public.discussion_threads to authenticated;
grant insert (id, thread_id, parent_id, body, mentions), update (body, mentions, deleted_at)
  on table public.discussion_posts to authenticated;

grant all on table
  public.reading_groups, public.group_members, public.group_invitations, public.group_join_requests,
  public.discussion_threads, public.discussion_posts
to service_role;

-- =============================================================================================
-- Reports
-- =============================================================================================
insert into private.community_report_targets (target_type, table_name, author_column, description) values
  ('thread', 'public.discussion_threads', 'user_id', 'A discussion thread about a book or in a reading group.'),
  ('post', 'public.discussion_posts', 'user_id', 'A reply in a discussion thread.'),
  ('group', 'public.reading_groups', 'owner_id', 'A reading group (its name and description).')
on conflict do nothing;

-- =============================================================================================
-- Account anonymisation: threads and posts stay (text kept, author gone); owned groups go to the
-- next member (a group moderator first, then the longest-standing member) or are deleted when
-- nobody is left; memberships, invitations and join requests are deleted; the reader disappears
-- from others' mentions.
-- =============================================================================================
create or replace function private.erase_community_groups_data(user_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  owned record;
  heir uuid;
begin
  for owned in select g.id from public.reading_groups g where g.owner_id = erase_community_groups_data.user_id for update loop
    select m.user_id into heir from public.group_members m
    where m.group_id = owned.id and m.user_id <> erase_community_groups_data.user_id
    order by (m.role = 'moderator') desc, m.joined_at, m.user_id
    limit 1;
    if heir is null then
      delete from public.reading_groups g where g.id = owned.id;
    else
      update public.group_members m set role = 'member' where m.group_id = owned.id and m.user_id = erase_community_groups_data.user_id;
      update public.group_members m set role = 'owner' where m.group_id = owned.id and m.user_id = heir;
      update public.reading_groups g set owner_id = heir where g.id = owned.id;
    end if;
  end loop;
  delete from public.group_members m where m.user_id = erase_community_groups_data.user_id;
  delete from public.group_invitations i where i.user_id = erase_community_groups_data.user_id;
  update public.group_invitations i set invited_by = null where i.invited_by = erase_community_groups_data.user_id;
  delete from public.group_join_requests r where r.user_id = erase_community_groups_data.user_id;
  update public.group_join_requests r set decided_by = null where r.decided_by = erase_community_groups_data.user_id;
  update public.discussion_threads t set user_id = null where t.user_id = erase_community_groups_data.user_id;
  update public.discussion_posts p set user_id = null where p.user_id = erase_community_groups_data.user_id;
  update public.discussion_posts p set mentions = array_remove(p.mentions, erase_community_groups_data.user_id)
  where p.mentions @> array[erase_community_groups_data.user_id];
end;
$$;
comment on function private.erase_community_groups_data(uuid) is
  'Anonymisation step: threads and posts kept with no author, owned groups handed to the next member (or deleted), memberships, invitations and join requests deleted, mentions of the reader removed.';
revoke all on function private.erase_community_groups_data(uuid) from public;

insert into private.account_anonymizers (function_name, position, description)
values ('private.erase_community_groups_data(uuid)', 250, 'Reading groups and discussions: authorship removed (text kept), groups handed over, memberships deleted.')
on conflict do nothing;
