-- Gamification (issue 13 §1, docs/CONTRACT-engagement.md §2): points, levels, badges, challenges and
-- leaderboards, fed by the domain events outbox (private.domain_events).
--
-- - Rules are data (point_rules, levels, badges, challenges): the team edits them in Studio, no deploy.
-- - public.points_ledger is append-only and the only source of points; reader_scores is a cache the
--   ledger trigger keeps (rebuilt from the ledger by private.rebuild_reader_score).
-- - private.gamification_apply(from_id, to_id) is the consumer: it reads the events of an id range,
--   writes ledger rows (each event at most once: private.gamification_processed and the ledger's
--   unique (user_id, source_key)), streak days, badge awards and challenge progress, and emits
--   badge.earned / challenge.completed / level.reached. Running it twice on the same range changes
--   nothing. The TypeScript consumer (packages/server/src/engagement/consumer.ts) is a thin call of it.
-- - Anti-abuse: a finished session longer than 4 h, faster than 3 pages a minute (judged over at least
--   10 minutes), or overlapping a session already credited by more than 5 minutes earns nothing; the
--   reason goes to private.rejected_events.
-- - Leaderboards (weekly and all-time; global, per partner, per reading group) are materialised in
--   leaderboard_entries by private.refresh_leaderboards() (job engagement.refresh-leaderboards), read
--   through public.leaderboard() and public.my_rank() (an index lookup, never a scan).

-- =============================================================================================
-- Preferences: the leaderboard opt-out
-- =============================================================================================
-- profiles.preferences.leaderboards (boolean, default true when absent) hides a reader from public
-- leaderboards. The notifications part (20261208130200) owns the preferences shape and replaces this
-- function with one that also knows its notification keys; this version only accepts the new optional
-- key, so both migrations stay valid in order.
create or replace function private.is_valid_preferences(preferences jsonb)
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select jsonb_typeof(preferences) = 'object'
    and (select array_agg(k order by k) from jsonb_object_keys(preferences) as k
          where k <> 'leaderboards') = array['fontSize', 'notifications', 'theme']
    and (not preferences ? 'leaderboards' or jsonb_typeof(preferences -> 'leaderboards') = 'boolean')
    and preferences ->> 'theme' in ('light', 'dark', 'system')
    and jsonb_typeof(preferences -> 'fontSize') = 'number'
    and (preferences ->> 'fontSize')::numeric between 8 and 48
    and (preferences ->> 'fontSize')::numeric = trunc((preferences ->> 'fontSize')::numeric)
    and jsonb_typeof(preferences -> 'notifications') = 'object'
    and (select array_agg(k order by k) from jsonb_object_keys(preferences -> 'notifications') as k) = array['email', 'push', 'sms']
    and jsonb_typeof(preferences -> 'notifications' -> 'email') = 'boolean'
    and jsonb_typeof(preferences -> 'notifications' -> 'push') = 'boolean'
    and jsonb_typeof(preferences -> 'notifications' -> 'sms') = 'boolean';
$$;
comment on function private.is_valid_preferences(jsonb) is
  'Shape of profiles.preferences: {theme: light|dark|system, fontSize: integer 8..48, notifications: {email, push, sms: boolean}, leaderboards?: boolean}.';

create or replace function private.shows_on_leaderboards(preferences jsonb)
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select coalesce(jsonb_typeof(preferences -> 'leaderboards') <> 'boolean' or (preferences -> 'leaderboards')::boolean, true);
$$;
comment on function private.shows_on_leaderboards(jsonb) is
  'False when the reader opted out of public leaderboards (preferences.leaderboards = false); true by default.';

create or replace function private.reader_time_zone(user_id uuid)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  tz text;
begin
  -- The notifications part stores the reader's IANA zone in preferences.notifications.timeZone; an
  -- absent or unknown zone means UTC.
  select coalesce(p.preferences #>> '{notifications,timeZone}', p.preferences ->> 'timeZone')
    into tz from public.profiles p where p.id = reader_time_zone.user_id;
  if tz is null then
    return 'UTC';
  end if;
  perform now() at time zone tz;
  return tz;
exception when invalid_parameter_value then
  return 'UTC';
end;
$$;
comment on function private.reader_time_zone(uuid) is
  'The reader''s IANA time zone (preferences.notifications.timeZone), UTC when absent or unknown: streak days are the reader''s local days.';

-- =============================================================================================
-- Rules as data
-- =============================================================================================
create table public.point_rules (
  id bigint generated always as identity primary key,
  event_kind text not null unique
    constraint point_rules_event_kind_format check (event_kind ~ '^[a-z]+(_[a-z]+)*\.[a-z]+(_[a-z]+)*$'),
  points integer not null
    constraint point_rules_points_range check (points between 0 and 100000),
  daily_cap integer
    constraint point_rules_daily_cap_positive check (daily_cap > 0),
  description text not null
    constraint point_rules_description_length check (char_length(description) between 1 and 500),
  is_active boolean not null default true,
  updated_at timestamptz not null default now()
);
comment on table public.point_rules is
  'How many points each kind of domain event earns (edited in Studio; a change applies to events processed afterwards, never to the ledger''s past rows). Everyone reads them.';
comment on column public.point_rules.id is 'Rule id (points_ledger.rule_id).';
comment on column public.point_rules.event_kind is 'The domain event kind it rewards (reading.session_finished…), or reading.streak_day for a reading day (computed by the consumer, not an outbox event).';
comment on column public.point_rules.points is 'Points per event (0..100000).';
comment on column public.point_rules.daily_cap is 'At most this many points from this rule per reader and local day (null: no cap). Capped events still count towards badges and challenges.';
comment on column public.point_rules.description is 'What it rewards, for the team and for readers.';
comment on column public.point_rules.is_active is 'Inactive rules earn nothing.';
comment on column public.point_rules.updated_at is 'When the rule last changed.';

insert into public.point_rules (event_kind, points, daily_cap, description) values
  ('reading.session_finished', 5, 50, 'A finished reading session (at most 10 a day earn points).'),
  ('reading.book_finished', 50, null, 'A finished book.'),
  ('reading.streak_day', 10, null, 'A day with at least one reading session, in the reader''s time zone.'),
  ('review.created', 20, null, 'A review of a book.'),
  ('order.paid', 30, null, 'A purchase (a paid order).');

create table public.levels (
  level integer primary key
    constraint levels_level_positive check (level >= 1),
  name text not null
    constraint levels_name_length check (char_length(name) between 1 and 100),
  name_en text not null
    constraint levels_name_en_length check (char_length(name_en) between 1 and 100),
  min_points integer not null unique
    constraint levels_min_points_non_negative check (min_points >= 0)
);
comment on table public.levels is
  'Level thresholds (edited in Studio): a reader''s level is the highest whose min_points their points reach. Level 1 must start at 0. Everyone reads them.';
comment on column public.levels.level is 'Level number (1, 2, …).';
comment on column public.levels.name is 'Name in French (the product''s first language).';
comment on column public.levels.name_en is 'Name in English.';
comment on column public.levels.min_points is 'Points needed to reach it.';

insert into public.levels (level, name, name_en, min_points) values
  (1, 'Lecteur', 'Reader', 0),
  (2, 'Lecteur assidu', 'Keen reader', 100),
  (3, 'Bibliophile', 'Book lover', 300),
  (4, 'Dévoreur de livres', 'Bookworm', 700),
  (5, 'Érudit', 'Scholar', 1500),
  (6, 'Sage', 'Sage', 3000),
  (7, 'Griot', 'Griot', 6000);

create or replace function private.is_valid_goal(goal jsonb)
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select jsonb_typeof(goal) = 'object'
    and goal ->> 'type' in ('books_finished', 'streak_days', 'reviews', 'minutes_read', 'purchases', 'sessions')
    and jsonb_typeof(goal -> 'count') = 'number'
    and (goal ->> 'count')::numeric = trunc((goal ->> 'count')::numeric)
    and (goal ->> 'count')::numeric between 1 and 1000000
    and (select count(*) from jsonb_object_keys(goal)) = 2;
$$;
comment on function private.is_valid_goal(jsonb) is
  'Shape of a badge''s criteria or a challenge''s goal: exactly {type: books_finished|streak_days|reviews|minutes_read|purchases|sessions, count: integer 1..1000000}.';

create table public.badges (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique
    constraint badges_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 60),
  name_fr text not null constraint badges_name_fr_length check (char_length(name_fr) between 1 and 100),
  name_en text not null constraint badges_name_en_length check (char_length(name_en) between 1 and 100),
  description_fr text not null constraint badges_description_fr_length check (char_length(description_fr) between 1 and 500),
  description_en text not null constraint badges_description_en_length check (char_length(description_en) between 1 and 500),
  criteria jsonb not null constraint badges_criteria_shape check (private.is_valid_goal(criteria)),
  points integer not null default 0 constraint badges_points_range check (points between 0 and 100000),
  icon_path text constraint badges_icon_path_length check (char_length(icon_path) between 1 and 1024),
  is_active boolean not null default true,
  created_at timestamptz not null default now()
);
comment on table public.badges is
  'Badges and their criteria as data (edited in Studio). A reader earns each badge once, when the consumer sees the criterion met; the badge''s points go through the ledger. Everyone reads them.';
comment on column public.badges.id is 'Badge id.';
comment on column public.badges.slug is 'Stable name (books-5, streak-7…), used in badge.earned events.';
comment on column public.badges.name_fr is 'Name in French.';
comment on column public.badges.name_en is 'Name in English.';
comment on column public.badges.description_fr is 'How to earn it, in French.';
comment on column public.badges.description_en is 'How to earn it, in English.';
comment on column public.badges.criteria is 'The criterion: {"type": books_finished|streak_days|reviews|minutes_read|purchases|sessions, "count": n} (streak_days: the longest run of consecutive reading days).';
comment on column public.badges.points is 'Points granted when earned.';
comment on column public.badges.icon_path is 'Path of the icon in storage (null: the app''s default).';
comment on column public.badges.is_active is 'Inactive badges are no longer awarded (past awards stay).';
comment on column public.badges.created_at is 'When the badge was created.';

insert into public.badges (slug, name_fr, name_en, description_fr, description_en, criteria, points) values
  ('first-book', 'Premier livre', 'First book', 'Terminer un livre.', 'Finish a book.',
   '{"type": "books_finished", "count": 1}', 10),
  ('books-5', 'Cinq livres', 'Five books', 'Terminer cinq livres.', 'Finish five books.',
   '{"type": "books_finished", "count": 5}', 100),
  ('streak-7', 'Une semaine de lecture', 'Seven-day streak', 'Lire sept jours d''affilée.', 'Read seven days in a row.',
   '{"type": "streak_days", "count": 7}', 70),
  ('first-review', 'Première critique', 'First review', 'Écrire une première critique.', 'Write your first review.',
   '{"type": "reviews", "count": 1}', 10),
  ('minutes-600', 'Dix heures de lecture', 'Ten hours of reading', 'Lire 600 minutes.', 'Read for 600 minutes.',
   '{"type": "minutes_read", "count": 600}', 50),
  ('first-purchase', 'Premier achat', 'First purchase', 'Acheter un premier livre.', 'Buy your first book.',
   '{"type": "purchases", "count": 1}', 10);

create table public.challenges (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique
    constraint challenges_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 60),
  title_fr text not null constraint challenges_title_fr_length check (char_length(title_fr) between 1 and 200),
  title_en text not null constraint challenges_title_en_length check (char_length(title_en) between 1 and 200),
  goal jsonb not null constraint challenges_goal_shape check (private.is_valid_goal(goal)),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  partner_id uuid,
  points integer not null default 0 constraint challenges_points_range check (points between 0 and 100000),
  created_at timestamptz not null default now(),
  constraint challenges_period check (ends_at > starts_at)
);
comment on table public.challenges is
  'Time-boxed goals readers join (edited in Studio): global (partner_id null) or for one partner''s readers. Readers see the global ones and their partner''s.';
comment on column public.challenges.id is 'Challenge id.';
comment on column public.challenges.slug is 'Stable name (december-2026-300-minutes…).';
comment on column public.challenges.title_fr is 'Title in French.';
comment on column public.challenges.title_en is 'Title in English.';
comment on column public.challenges.goal is 'The goal, counted over [starts_at, ends_at): {"type": …, "count": n} (same types as badges; streak_days: the longest run of reading days in the period).';
comment on column public.challenges.starts_at is 'Start (inclusive).';
comment on column public.challenges.ends_at is 'End (exclusive); no joining or progress afterwards.';
comment on column public.challenges.partner_id is 'The partner whose readers it is for (private.partners.id); null for everyone.';
comment on column public.challenges.points is 'Points granted on completion.';
comment on column public.challenges.created_at is 'When the challenge was created.';

insert into public.challenges (slug, title_fr, title_en, goal, starts_at, ends_at, points) values
  ('decembre-2026-300-minutes', 'Lire 300 minutes en décembre', 'Read 300 minutes in December',
   '{"type": "minutes_read", "count": 300}', '2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z', 100);

-- =============================================================================================
-- Reader data
-- =============================================================================================
create table public.points_ledger (
  id bigint generated always as identity primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  event_id bigint,
  rule_id bigint references public.point_rules (id) on delete set null,
  badge_id uuid references public.badges (id) on delete set null,
  challenge_id uuid references public.challenges (id) on delete set null,
  points integer not null constraint points_ledger_points_non_zero check (points <> 0),
  reason text not null
    constraint points_ledger_reason check (reason in ('session', 'book', 'streak_day', 'review', 'purchase', 'badge', 'challenge', 'adjustment')),
  source_key text not null constraint points_ledger_source_key_length check (char_length(source_key) between 1 and 400),
  created_at timestamptz not null default now(),
  constraint points_ledger_once unique (user_id, source_key)
);
comment on table public.points_ledger is
  'Append-only points ledger: every point a reader has, with why. Written by the gamification consumer (and by the team for adjustments, as negative or positive rows); never updated or deleted (a trigger refuses it) except by the account anonymiser. Readers see their own rows.';
comment on column public.points_ledger.id is 'Entry id (in order of writing).';
comment on column public.points_ledger.user_id is 'The reader.';
comment on column public.points_ledger.event_id is 'The domain event it comes from (private.domain_events.id), null for badges, challenges and adjustments.';
comment on column public.points_ledger.rule_id is 'The point rule applied (null for badges, challenges and adjustments).';
comment on column public.points_ledger.badge_id is 'The badge it rewards (reason badge).';
comment on column public.points_ledger.challenge_id is 'The challenge it rewards (reason challenge).';
comment on column public.points_ledger.points is 'Points (never 0; negative only for adjustments).';
comment on column public.points_ledger.reason is 'session, book, streak_day, review, purchase, badge, challenge or adjustment.';
comment on column public.points_ledger.source_key is 'What it rewards, unique per reader (event:<dedupe key>, streak:<day>, badge:<slug>, challenge:<id>): the same fact never earns twice.';
comment on column public.points_ledger.created_at is 'When the points were earned (the weekly boards count by this time).';
create index points_ledger_user_id_id_idx on public.points_ledger (user_id, id);
create index points_ledger_rule_id_idx on public.points_ledger (rule_id);
create index points_ledger_badge_id_idx on public.points_ledger (badge_id);
create index points_ledger_challenge_id_idx on public.points_ledger (challenge_id);
create index points_ledger_event_id_idx on public.points_ledger (event_id);

create table public.reader_scores (
  user_id uuid primary key references auth.users (id) on delete cascade,
  points integer not null default 0,
  level integer not null default 1,
  weekly_points integer not null default 0,
  week_start date not null,
  reached_at timestamptz not null default now(),
  weekly_reached_at timestamptz not null default now(),
  current_streak integer not null default 0,
  longest_streak integer not null default 0,
  last_reading_day date,
  updated_at timestamptz not null default now()
);
comment on table public.reader_scores is
  'Each reader''s balance, level, weekly points and streaks: a cache of points_ledger kept by its trigger (rebuild: private.rebuild_reader_score). Readers see their own; others'' only through the leaderboards.';
comment on column public.reader_scores.user_id is 'The reader.';
comment on column public.reader_scores.points is 'Sum of the reader''s ledger.';
comment on column public.reader_scores.level is 'Highest public.levels.level whose min_points the points reach.';
comment on column public.reader_scores.weekly_points is 'Points earned in the ISO week starting week_start (UTC); 0 for an older week_start.';
comment on column public.reader_scores.week_start is 'Monday of the week weekly_points counts.';
comment on column public.reader_scores.reached_at is 'When the reader reached their current points (the all-time tie-break: first there ranks first).';
comment on column public.reader_scores.weekly_reached_at is 'When the reader reached their current weekly points (the weekly tie-break).';
comment on column public.reader_scores.current_streak is 'Consecutive reading days ending at last_reading_day.';
comment on column public.reader_scores.longest_streak is 'Longest run of consecutive reading days.';
comment on column public.reader_scores.last_reading_day is 'The latest local day with a credited reading session.';
comment on column public.reader_scores.updated_at is 'When the row last changed.';

create table public.badge_awards (
  user_id uuid not null references auth.users (id) on delete cascade,
  badge_id uuid not null references public.badges (id) on delete cascade,
  awarded_at timestamptz not null default now(),
  primary key (user_id, badge_id)
);
comment on table public.badge_awards is 'Badges readers earned, once each (written by the consumer). Readers see their own.';
comment on column public.badge_awards.user_id is 'The reader.';
comment on column public.badge_awards.badge_id is 'The badge.';
comment on column public.badge_awards.awarded_at is 'When it was earned.';
create index badge_awards_badge_id_idx on public.badge_awards (badge_id);

create table public.challenge_participants (
  challenge_id uuid not null references public.challenges (id) on delete cascade,
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  joined_at timestamptz not null default now(),
  progress integer not null default 0 constraint challenge_participants_progress_non_negative check (progress >= 0),
  completed_at timestamptz,
  primary key (challenge_id, user_id)
);
comment on table public.challenge_participants is
  'Readers who joined a challenge, their progress (kept by the consumer) and completion. Readers join open challenges they see, leave unfinished ones, and see their own rows.';
comment on column public.challenge_participants.challenge_id is 'The challenge.';
comment on column public.challenge_participants.user_id is 'The reader (the caller).';
comment on column public.challenge_participants.joined_at is 'When they joined.';
comment on column public.challenge_participants.progress is 'Progress towards the goal''s count, over the challenge''s period (activity before joining counts).';
comment on column public.challenge_participants.completed_at is 'When the goal was reached (null until then).';
create index challenge_participants_user_id_idx on public.challenge_participants (user_id) where completed_at is null;

create table public.leaderboard_entries (
  board text not null constraint leaderboard_entries_board check (board in ('weekly', 'all_time')),
  scope text not null constraint leaderboard_entries_scope_format
    check (scope = 'global' or scope ~ '^(partner|group):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'),
  period_start date not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  points integer not null,
  reached_at timestamptz not null,
  rank integer not null constraint leaderboard_entries_rank_positive check (rank >= 1),
  -- The reader first: the key also serves "a reader's entries" (my_rank, RLS, anonymiser, export), so a
  -- refresh maintains two indexes per changed row, not three.
  primary key (user_id, board, scope, period_start)
);
comment on table public.leaderboard_entries is
  'Materialised leaderboards, refreshed by private.refresh_leaderboards() (job engagement.refresh-leaderboards): readers with points who did not opt out, ranked by points, then who got there first, then user id. Readers see their own rows; others through public.leaderboard().';
comment on column public.leaderboard_entries.board is 'weekly or all_time.';
comment on column public.leaderboard_entries.scope is 'global, partner:<partner id> or group:<reading group id>.';
comment on column public.leaderboard_entries.period_start is 'weekly: the ISO week''s Monday (UTC); all_time: 1970-01-01.';
comment on column public.leaderboard_entries.user_id is 'The reader.';
comment on column public.leaderboard_entries.points is 'Points on this board (weekly points or all-time points).';
comment on column public.leaderboard_entries.reached_at is 'When the reader reached those points (the tie-break).';
comment on column public.leaderboard_entries.rank is 'Position (1 = first), unique per board, scope and period.';
create index leaderboard_entries_rank_idx on public.leaderboard_entries (board, scope, period_start, rank);

create table private.leaderboard_sizes (
  board text not null,
  scope text not null,
  period_start date not null,
  entries integer not null,
  refreshed_at timestamptz not null default now(),
  primary key (board, scope, period_start)
);
comment on table private.leaderboard_sizes is 'How many readers each materialised board has (for "rank 12 of 340" without counting the board).';
comment on column private.leaderboard_sizes.board is 'weekly or all_time.';
comment on column private.leaderboard_sizes.scope is 'global, partner:<id> or group:<id>.';
comment on column private.leaderboard_sizes.period_start is 'As in leaderboard_entries.';
comment on column private.leaderboard_sizes.entries is 'Number of entries.';
comment on column private.leaderboard_sizes.refreshed_at is 'When the board was last refreshed.';
alter table private.leaderboard_sizes enable row level security;
revoke all on table private.leaderboard_sizes from public, anon, authenticated;

create table private.gamification_processed (
  event_id bigint primary key,
  user_id uuid not null,
  kind text not null,
  outcome text not null constraint gamification_processed_outcome check (outcome in ('credited', 'capped', 'rejected', 'ignored')),
  book_id uuid,
  minutes integer not null default 0,
  local_day date,
  occurred_at timestamptz not null,
  started_at timestamptz,
  ended_at timestamptz,
  created_at timestamptz not null default now()
);
comment on table private.gamification_processed is
  'The events the gamification consumer has handled (its idempotency record: an event handled twice is skipped) with the activity facts badges and challenges count. Erased per reader by the anonymiser.';
comment on column private.gamification_processed.event_id is 'private.domain_events.id.';
comment on column private.gamification_processed.user_id is 'The reader.';
comment on column private.gamification_processed.kind is 'The event kind.';
comment on column private.gamification_processed.outcome is 'credited (points written), capped (daily cap reached: counts, no points), rejected (anti-abuse: neither), ignored (no rule).';
comment on column private.gamification_processed.book_id is 'The book (finished books are counted per distinct book).';
comment on column private.gamification_processed.minutes is 'Minutes read (sessions).';
comment on column private.gamification_processed.local_day is 'The reader''s local day of the event.';
comment on column private.gamification_processed.occurred_at is 'When it happened (challenges count events in their period).';
comment on column private.gamification_processed.started_at is 'Session start (the overlap rule).';
comment on column private.gamification_processed.ended_at is 'Session end (the overlap rule).';
comment on column private.gamification_processed.created_at is 'When it was handled.';
create index gamification_processed_user_id_kind_idx on private.gamification_processed (user_id, kind, occurred_at);
alter table private.gamification_processed enable row level security;
revoke all on table private.gamification_processed from public, anon, authenticated;

create table private.streak_days (
  user_id uuid not null,
  day date not null,
  primary key (user_id, day)
);
comment on table private.streak_days is 'Local days on which each reader had a credited reading session (streaks are runs of consecutive days).';
comment on column private.streak_days.user_id is 'The reader.';
comment on column private.streak_days.day is 'The day in the reader''s time zone.';
alter table private.streak_days enable row level security;
revoke all on table private.streak_days from public, anon, authenticated;

create table private.rejected_events (
  event_id bigint primary key,
  user_id uuid not null,
  kind text not null,
  reason text not null constraint rejected_events_reason check (reason in ('too_long', 'too_fast', 'overlapping', 'daily_cap')),
  details jsonb not null default '{}',
  created_at timestamptz not null default now()
);
comment on table private.rejected_events is
  'Events that earned no points and why: the anti-abuse rules (too_long, too_fast, overlapping) and the daily caps. For the team to audit in Studio. Erased per reader by the anonymiser.';
comment on column private.rejected_events.event_id is 'private.domain_events.id.';
comment on column private.rejected_events.user_id is 'The reader.';
comment on column private.rejected_events.kind is 'The event kind.';
comment on column private.rejected_events.reason is 'too_long (> 4 h), too_fast (> 3 pages a minute over ≥ 10 minutes), overlapping (> 5 min with a credited session), daily_cap.';
comment on column private.rejected_events.details is 'The measured values (minutes, pagesRead, overlapping event id…).';
comment on column private.rejected_events.created_at is 'When it was rejected.';
create index rejected_events_user_id_idx on private.rejected_events (user_id);
alter table private.rejected_events enable row level security;
revoke all on table private.rejected_events from public, anon, authenticated;

-- =============================================================================================
-- Ledger: append-only, and the scores it keeps
-- =============================================================================================
create or replace function private.level_for(points integer)
returns integer
language sql
stable
set search_path = ''
as $$
  select coalesce((select max(l.level) from public.levels l where l.min_points <= level_for.points), 1);
$$;
comment on function private.level_for(integer) is 'The level a number of points reaches (1 when below every threshold).';

create or replace function private.week_start(at timestamptz)
returns date
language sql
immutable
parallel safe
set search_path = ''
as $$
  select date_trunc('week', week_start.at at time zone 'UTC')::date;
$$;
comment on function private.week_start(timestamptz) is 'Monday (UTC) of the ISO week of a time: the weekly boards'' period.';

create or replace function private.points_ledger_guard()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  -- The anonymiser sets coko.erasing_gamification; a cascade from auth.users runs inside another trigger.
  if current_setting('coko.erasing_gamification', true) = 'on' or pg_trigger_depth() > 1 then
    return coalesce(old, new);
  end if;
  raise exception using errcode = '42501', message = 'The points ledger is append-only',
    hint = 'Correct a balance with a new row (reason adjustment, negative points).';
end;
$$;
comment on function private.points_ledger_guard() is 'Refuses updates and deletes of points_ledger, except by the anonymiser and foreign-key cascades.';
create trigger append_only before update or delete on public.points_ledger
  for each row execute function private.points_ledger_guard();

create or replace function private.points_ledger_after_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  week date := private.week_start(new.created_at);
  before_level integer;
  after_level integer;
begin
  select s.level into before_level from public.reader_scores s where s.user_id = new.user_id for update;
  insert into public.reader_scores as s (user_id, points, level, weekly_points, week_start, reached_at, weekly_reached_at)
  values (new.user_id, new.points, private.level_for(new.points), new.points, week, new.created_at, new.created_at)
  on conflict (user_id) do update set
    points = s.points + excluded.points,
    level = private.level_for(s.points + excluded.points),
    weekly_points = case when s.week_start = excluded.week_start then s.weekly_points + excluded.points
                         when s.week_start > excluded.week_start then s.weekly_points
                         else excluded.points end,
    week_start = greatest(s.week_start, excluded.week_start),
    reached_at = excluded.reached_at,
    weekly_reached_at = case when s.week_start > excluded.week_start then s.weekly_reached_at else excluded.reached_at end,
    updated_at = now()
  returning s.level into after_level;
  if after_level > coalesce(before_level, 1) then
    for lvl in coalesce(before_level, 1) + 1 .. after_level loop
      perform private.emit_event('level.reached', new.user_id, lvl::text,
        'level.reached:' || new.user_id || ':' || lvl, jsonb_build_object('level', lvl), new.created_at);
    end loop;
  end if;
  return null;
end;
$$;
comment on function private.points_ledger_after_insert() is
  'Keeps reader_scores (balance, level, weekly points, tie-break times) from each new ledger row and emits level.reached for each level crossed.';
create trigger keep_scores after insert on public.points_ledger
  for each row execute function private.points_ledger_after_insert();

create or replace function private.rebuild_reader_score(user_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  week date := private.week_start(now());
  total integer;
  last_at timestamptz;
  weekly integer;
  weekly_last timestamptz;
begin
  select coalesce(sum(l.points), 0), max(l.created_at) into total, last_at
    from public.points_ledger l where l.user_id = rebuild_reader_score.user_id;
  select coalesce(sum(l.points), 0), max(l.created_at) into weekly, weekly_last
    from public.points_ledger l
   where l.user_id = rebuild_reader_score.user_id and l.created_at >= week::timestamp at time zone 'UTC';
  if last_at is null then
    delete from public.reader_scores s where s.user_id = rebuild_reader_score.user_id;
    return;
  end if;
  insert into public.reader_scores as s (user_id, points, level, weekly_points, week_start, reached_at, weekly_reached_at)
  values (rebuild_reader_score.user_id, total, private.level_for(total), weekly, week, last_at, coalesce(weekly_last, last_at))
  on conflict on constraint reader_scores_pkey do update set
    points = excluded.points, level = excluded.level, weekly_points = excluded.weekly_points,
    week_start = excluded.week_start, reached_at = excluded.reached_at,
    weekly_reached_at = excluded.weekly_reached_at, updated_at = now();
  perform private.refresh_streak(rebuild_reader_score.user_id);
end;
$$;
comment on function private.rebuild_reader_score(uuid) is
  'Recomputes a reader''s reader_scores row from the ledger (balance, level, this week''s points, tie-break times) and streaks; deletes it when the ledger is empty. For repairs from Studio; the trigger keeps it otherwise.';

-- =============================================================================================
-- Metrics, badges, challenges
-- =============================================================================================
create or replace function private.longest_streak(user_id uuid, from_day date default null, to_day date default null)
returns integer
language sql
stable
security definer
set search_path = ''
as $$
  -- Gaps and islands: consecutive days share day - row_number().
  select coalesce(max(n), 0)::integer from (
    select count(*) as n
    from (select d.day, d.day - (row_number() over (order by d.day))::integer as island
            from private.streak_days d
           where d.user_id = longest_streak.user_id
             and (from_day is null or d.day >= from_day)
             and (to_day is null or d.day <= to_day)) days
    group by island
  ) runs;
$$;
comment on function private.longest_streak(uuid, date, date) is 'The longest run of consecutive reading days of a reader (within [from_day, to_day] when given).';

create or replace function private.refresh_streak(user_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  last_day date;
  current integer := 0;
begin
  select max(d.day) into last_day from private.streak_days d where d.user_id = refresh_streak.user_id;
  if last_day is not null then
    -- The run ending at the last day: days whose distance to it equals their rank from the end.
    select count(*) into current from (
      select d.day, row_number() over (order by d.day desc) as n
        from private.streak_days d where d.user_id = refresh_streak.user_id
    ) r where last_day - r.day = r.n - 1;
  end if;
  update public.reader_scores s set
    current_streak = current,
    longest_streak = private.longest_streak(refresh_streak.user_id),
    last_reading_day = last_day,
    updated_at = now()
  where s.user_id = refresh_streak.user_id;
end;
$$;
comment on function private.refresh_streak(uuid) is 'Recomputes a reader''s current and longest streak in reader_scores from private.streak_days.';

create or replace function private.gamification_metric(
  user_id uuid, metric text, from_at timestamptz default null, to_at timestamptz default null
)
returns bigint
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  result bigint;
  tz text;
begin
  if metric = 'streak_days' then
    if from_at is null then
      return private.longest_streak(gamification_metric.user_id);
    end if;
    tz := private.reader_time_zone(gamification_metric.user_id);
    return private.longest_streak(gamification_metric.user_id, (from_at at time zone tz)::date,
      ((to_at - interval '1 microsecond') at time zone tz)::date);
  end if;
  select case metric
           when 'books_finished' then count(distinct p.book_id) filter (where p.kind = 'reading.book_finished')
           when 'reviews' then count(*) filter (where p.kind = 'review.created')
           when 'purchases' then count(*) filter (where p.kind = 'order.paid')
           when 'sessions' then count(*) filter (where p.kind = 'reading.session_finished')
           when 'minutes_read' then coalesce(sum(p.minutes) filter (where p.kind = 'reading.session_finished'), 0)
         end
    into result
    from private.gamification_processed p
   where p.user_id = gamification_metric.user_id
     and p.outcome <> 'rejected'
     and p.kind in ('reading.book_finished', 'review.created', 'order.paid', 'reading.session_finished')
     and (from_at is null or p.occurred_at >= from_at)
     and (to_at is null or p.occurred_at < to_at);
  return coalesce(result, 0);
end;
$$;
comment on function private.gamification_metric(uuid, text, timestamptz, timestamptz) is
  'A reader''s count for a badge criterion or challenge goal type, over all time or [from_at, to_at): rejected sessions never count.';

create or replace function private.award_points(
  user_id uuid, points integer, reason text, source_key text,
  event_id bigint default null, rule_id bigint default null, badge_id uuid default null, challenge_id uuid default null
)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  inserted boolean;
begin
  if points = 0 then
    return false;
  end if;
  insert into public.points_ledger (user_id, event_id, rule_id, badge_id, challenge_id, points, reason, source_key)
  values (award_points.user_id, award_points.event_id, award_points.rule_id, award_points.badge_id,
          award_points.challenge_id, award_points.points, award_points.reason, award_points.source_key)
  on conflict on constraint points_ledger_once do nothing
  returning true into inserted;
  return coalesce(inserted, false);
end;
$$;
comment on function private.award_points(uuid, integer, text, text, bigint, bigint, uuid, uuid) is
  'Writes one ledger row unless the reader already has one for source_key; true when written.';

create or replace function private.gamification_evaluate_badges(user_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  badge record;
  awarded integer := 0;
  metrics jsonb := '{}';
  value bigint;
begin
  for badge in
    select b.* from public.badges b
     where b.is_active
       and not exists (select 1 from public.badge_awards a where a.user_id = gamification_evaluate_badges.user_id and a.badge_id = b.id)
     order by (b.criteria ->> 'count')::integer, b.slug
  loop
    -- One metric query per criterion type, however many badges share it.
    if not metrics ? (badge.criteria ->> 'type') then
      metrics := metrics || jsonb_build_object(badge.criteria ->> 'type',
        private.gamification_metric(gamification_evaluate_badges.user_id, badge.criteria ->> 'type'));
    end if;
    value := (metrics ->> (badge.criteria ->> 'type'))::bigint;
    continue when value < (badge.criteria ->> 'count')::bigint;
    insert into public.badge_awards (user_id, badge_id) values (gamification_evaluate_badges.user_id, badge.id)
      on conflict do nothing;
    continue when not found;
    awarded := awarded + 1;
    perform private.award_points(gamification_evaluate_badges.user_id, badge.points, 'badge', 'badge:' || badge.slug,
      badge_id => badge.id);
    perform private.emit_event('badge.earned', gamification_evaluate_badges.user_id, badge.id::text,
      'badge.earned:' || gamification_evaluate_badges.user_id || ':' || badge.id,
      -- The badge's names travel with the event: notifications and partners' webhooks need no lookup.
      jsonb_build_object('badgeId', badge.id, 'slug', badge.slug, 'nameFr', badge.name_fr, 'nameEn', badge.name_en));
  end loop;
  return awarded;
end;
$$;
comment on function private.gamification_evaluate_badges(uuid) is
  'Awards every active badge whose criterion the reader now meets (once each), with its points and a badge.earned event; returns how many.';

create or replace function private.gamification_evaluate_challenges(user_id uuid, at timestamptz default now())
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  participation record;
  value bigint;
  completed integer := 0;
begin
  for participation in
    select c.id, c.goal, c.starts_at, c.ends_at, c.points
      from public.challenge_participants cp
      join public.challenges c on c.id = cp.challenge_id
     where cp.user_id = gamification_evaluate_challenges.user_id
       and cp.completed_at is null
       and c.starts_at <= at
     for update of cp
  loop
    value := private.gamification_metric(gamification_evaluate_challenges.user_id, participation.goal ->> 'type',
      participation.starts_at, participation.ends_at);
    update public.challenge_participants cp
       set progress = least(value, 2147483647)::integer,
           completed_at = case when value >= (participation.goal ->> 'count')::bigint then at end
     where cp.challenge_id = participation.id and cp.user_id = gamification_evaluate_challenges.user_id;
    continue when value < (participation.goal ->> 'count')::bigint;
    completed := completed + 1;
    perform private.award_points(gamification_evaluate_challenges.user_id, participation.points, 'challenge',
      'challenge:' || participation.id, challenge_id => participation.id);
    perform private.emit_event('challenge.completed', gamification_evaluate_challenges.user_id, participation.id::text,
      'challenge.completed:' || gamification_evaluate_challenges.user_id || ':' || participation.id,
      jsonb_build_object('challengeId', participation.id));
  end loop;
  return completed;
end;
$$;
comment on function private.gamification_evaluate_challenges(uuid, timestamptz) is
  'Updates the progress of the reader''s unfinished challenges (activity within each period) and completes those whose goal is met: points and a challenge.completed event. Returns how many completed.';

-- =============================================================================================
-- The consumer
-- =============================================================================================
create or replace function private.session_abuse(
  user_id uuid, event_id bigint, started_at timestamptz, ended_at timestamptz, minutes numeric, pages_read numeric
)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  other record;
begin
  -- Documented in README "Engagement" (anti-abuse); thresholds are deliberate constants, not rules.
  if ended_at - started_at > interval '4 hours' or minutes > 240 then
    return jsonb_build_object('reason', 'too_long', 'minutes', minutes);
  end if;
  -- More than 3 pages a minute, judged over at least 10 minutes (a 2-minute session may flip 30 pages).
  if pages_read > 3 * greatest(minutes, 10) then
    return jsonb_build_object('reason', 'too_fast', 'minutes', minutes, 'pagesRead', pages_read);
  end if;
  select p.event_id, least(p.ended_at, session_abuse.ended_at) - greatest(p.started_at, session_abuse.started_at) as overlap
    into other
    from private.gamification_processed p
   where p.user_id = session_abuse.user_id
     and p.kind = 'reading.session_finished'
     and p.outcome in ('credited', 'capped')
     and p.event_id <> session_abuse.event_id
     and p.started_at < session_abuse.ended_at - interval '5 minutes'
     and p.ended_at > session_abuse.started_at + interval '5 minutes'
     and least(p.ended_at, session_abuse.ended_at) - greatest(p.started_at, session_abuse.started_at) > interval '5 minutes'
   order by p.event_id
   limit 1;
  if found then
    return jsonb_build_object('reason', 'overlapping', 'overlapsEventId', other.event_id,
      'overlapMinutes', round(extract(epoch from other.overlap) / 60, 1));
  end if;
  return null;
end;
$$;
comment on function private.session_abuse(uuid, bigint, timestamptz, timestamptz, numeric, numeric) is
  'Anti-abuse: why a finished session earns nothing (too_long: over 4 h; too_fast: over 3 pages a minute judged over at least 10 minutes; overlapping: over 5 minutes with a session already credited), or null.';

create or replace function private.apply_rule(
  user_id uuid, event_kind text, reason text, source_key text, event_id bigint, tz text, day date
)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  rule public.point_rules;
  today integer;
  granted integer;
begin
  select * into rule from public.point_rules r where r.event_kind = apply_rule.event_kind and r.is_active;
  if not found or rule.points = 0 then
    return 'ignored';
  end if;
  granted := rule.points;
  if rule.daily_cap is not null then
    -- Counted by the events' local day (not the processing time): a sync after days offline is capped per day read.
    select coalesce(sum(l.points), 0) into today
      from public.points_ledger l
      join private.gamification_processed p on p.event_id = l.event_id
     where l.user_id = apply_rule.user_id and l.rule_id = rule.id and p.local_day = apply_rule.day;
    granted := least(rule.points, rule.daily_cap - today);
    if granted <= 0 then
      if event_id is not null then
        insert into private.rejected_events (event_id, user_id, kind, reason, details)
        values (apply_rule.event_id, apply_rule.user_id, apply_rule.event_kind, 'daily_cap',
                jsonb_build_object('dailyCap', rule.daily_cap, 'day', day))
        on conflict do nothing;
      end if;
      return 'capped';
    end if;
  end if;
  perform private.award_points(apply_rule.user_id, granted, apply_rule.reason, apply_rule.source_key,
    event_id => apply_rule.event_id, rule_id => rule.id);
  return 'credited';
end;
$$;
comment on function private.apply_rule(uuid, text, text, text, bigint, text, date) is
  'Writes the ledger row an active point rule grants (within its daily cap, counted in the reader''s local day); returns credited, capped or ignored.';

create or replace function private.gamification_apply(from_id bigint, to_id bigint)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  e private.domain_events;
  tz text;
  day date;
  outcome text;
  abuse jsonb;
  started timestamptz;
  ended timestamptz;
  minutes numeric;
  pages numeric;
  book uuid;
  touched uuid[] := '{}';
  streak_touched uuid[] := '{}';
  handled integer := 0;
  rejected integer := 0;
  reader uuid;
begin
  for e in
    select * from private.domain_events d
     where d.id > from_id and d.id <= to_id
       and d.user_id is not null
       and d.kind in ('reading.session_finished', 'reading.book_finished', 'review.created', 'order.paid')
     order by d.id
  loop
    -- Skip events already handled (a consumer run twice) and readers who are gone.
    continue when exists (select 1 from private.gamification_processed p where p.event_id = e.id);
    continue when not exists (select 1 from auth.users u where u.id = e.user_id);
    tz := private.reader_time_zone(e.user_id);
    book := case when pg_input_is_valid(e.payload ->> 'bookId', 'uuid') then (e.payload ->> 'bookId')::uuid end;
    started := null; ended := null; minutes := 0;
    if e.kind = 'reading.session_finished' then
      started := case when pg_input_is_valid(e.payload ->> 'startedAt', 'timestamptz') then (e.payload ->> 'startedAt')::timestamptz end;
      ended := case when pg_input_is_valid(e.payload ->> 'endedAt', 'timestamptz') then (e.payload ->> 'endedAt')::timestamptz end;
      ended := coalesce(ended, e.occurred_at);
      minutes := case when pg_input_is_valid(e.payload ->> 'minutes', 'numeric') then (e.payload ->> 'minutes')::numeric end;
      started := coalesce(started, ended - make_interval(mins => coalesce(minutes, 0)::integer));
      minutes := coalesce(minutes, extract(epoch from ended - started) / 60);
      pages := case when pg_input_is_valid(e.payload ->> 'pagesRead', 'numeric') then (e.payload ->> 'pagesRead')::numeric else 0 end;
      day := (ended at time zone tz)::date;
    else
      day := (e.occurred_at at time zone tz)::date;
    end if;

    outcome := null;
    if e.kind = 'reading.session_finished' then
      abuse := private.session_abuse(e.user_id, e.id, started, ended, minutes, pages);
      if abuse is not null then
        insert into private.rejected_events (event_id, user_id, kind, reason, details)
        values (e.id, e.user_id, e.kind, abuse ->> 'reason', abuse - 'reason') on conflict do nothing;
        outcome := 'rejected';
        rejected := rejected + 1;
      end if;
    end if;

    if outcome is null then
      outcome := private.apply_rule(e.user_id, e.kind,
        case e.kind when 'reading.session_finished' then 'session' when 'reading.book_finished' then 'book'
                    when 'review.created' then 'review' else 'purchase' end,
        'event:' || e.dedupe_key, e.id, tz, day);
    end if;

    insert into private.gamification_processed (event_id, user_id, kind, outcome, book_id, minutes, local_day,
      occurred_at, started_at, ended_at)
    values (e.id, e.user_id, e.kind, outcome, book, greatest(round(minutes), 0)::integer, day, e.occurred_at, started, ended);

    -- A credited (or capped) session makes its local day a reading day: the streak-day rule, once a day.
    if e.kind = 'reading.session_finished' and outcome <> 'rejected' then
      insert into private.streak_days (user_id, day) values (e.user_id, day) on conflict do nothing;
      if found then
        perform private.apply_rule(e.user_id, 'reading.streak_day', 'streak_day', 'streak:' || day, null, tz, day);
        streak_touched := array_append(streak_touched, e.user_id);
      end if;
    end if;
    if not e.user_id = any (touched) then
      touched := array_append(touched, e.user_id);
    end if;
    handled := handled + 1;
  end loop;

  foreach reader in array touched loop
    if reader = any (streak_touched) then
      -- reader_scores exists once a ledger row exists; a reader whose every rule is off has none yet.
      insert into public.reader_scores (user_id, week_start) values (reader, private.week_start(now()))
        on conflict do nothing;
      perform private.refresh_streak(reader);
    end if;
    perform private.gamification_evaluate_badges(reader);
    perform private.gamification_evaluate_challenges(reader);
  end loop;

  return jsonb_build_object('handled', handled, 'rejected', rejected, 'readers', cardinality(touched));
end;
$$;
comment on function private.gamification_apply(bigint, bigint) is
  'The gamification consumer: handles the domain events with from_id < id <= to_id once each (ledger rows by the point rules, anti-abuse, daily caps, streak days), then evaluates badges and challenges of the readers concerned. Idempotent: a second run over the same range changes nothing. Returns {handled, rejected, readers}.';

-- =============================================================================================
-- Challenges: joining
-- =============================================================================================
create or replace function private.challenge_participants_before_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  challenge public.challenges;
begin
  select * into challenge from public.challenges c where c.id = new.challenge_id;
  if challenge.ends_at <= now() then
    raise exception using errcode = '22023', message = 'This challenge has ended';
  end if;
  new.joined_at := now();
  new.progress := 0;
  new.completed_at := null;
  return new;
end;
$$;
comment on function private.challenge_participants_before_insert() is 'Refuses joining an ended challenge; progress and completion start empty (the consumer owns them).';
create trigger before_insert before insert on public.challenge_participants
  for each row execute function private.challenge_participants_before_insert();

create or replace function private.challenge_participants_after_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Activity since the challenge started counts, including before joining.
  perform private.gamification_evaluate_challenges(new.user_id);
  return null;
end;
$$;
comment on function private.challenge_participants_after_insert() is 'Computes a new participant''s progress at once (and completes the challenge if the goal is already met).';
create trigger after_insert after insert on public.challenge_participants
  for each row execute function private.challenge_participants_after_insert();

create or replace function private.my_partner_id()
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select p.partner_id from public.profiles p where p.id = (select auth.uid());
$$;
comment on function private.my_partner_id() is 'The caller''s partner (profiles.partner_id), null for Coko''s own readers and anonymous callers.';

-- =============================================================================================
-- Leaderboards
-- =============================================================================================
create table private.leaderboard_state (
  id boolean primary key default true constraint leaderboard_state_one_row check (id),
  fingerprint text not null,
  refreshed_at timestamptz not null
);
comment on table private.leaderboard_state is 'One row: what the boards were last computed from (a fingerprint), so a refresh with nothing new does nothing.';
comment on column private.leaderboard_state.id is 'Always true (one row).';
comment on column private.leaderboard_state.fingerprint is 'Hash of the scores, memberships, partners, opt-outs and week of the last refresh.';
comment on column private.leaderboard_state.refreshed_at is 'When the boards were last recomputed.';
alter table private.leaderboard_state enable row level security;
revoke all on table private.leaderboard_state from public, anon, authenticated;

create or replace function private.refresh_leaderboards(at timestamptz default now())
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  week date := private.week_start(at);
  written integer;
  removed integer;
  fingerprint text;
begin
  -- One refresh at a time (the job is stately, but Studio or a test may call it too).
  perform pg_advisory_xact_lock(20261208, 130100);

  -- Nothing that decides a board changed since the last refresh (scores, memberships, partners,
  -- opt-outs, the week): skip. A few sequential scans of narrow columns, ~100 ms at 100 000 readers,
  -- against seconds for a refresh; quiet hours cost nothing.
  select md5(concat_ws('|', week,
           (select count(*) || ':' || coalesce(sum(hashtext(concat_ws(',', s.user_id, s.points, s.weekly_points,
                    s.week_start, s.reached_at, s.weekly_reached_at))::bigint), 0) from public.reader_scores s),
           (select count(*) || ':' || coalesce(sum(hashtext(m.group_id::text || m.user_id::text)::bigint), 0)
              from public.group_members m),
           (select coalesce(sum(hashtext(concat_ws(',', p.id, p.partner_id, p.deleted_at is null,
                    private.shows_on_leaderboards(p.preferences)))::bigint), 0)
              from public.profiles p where p.partner_id is not null or p.deleted_at is not null
                or not private.shows_on_leaderboards(p.preferences))))
    into fingerprint;
  if fingerprint = (select st.fingerprint from private.leaderboard_state st where st.id) then
    return jsonb_build_object('skipped', true, 'written', 0, 'removed', 0, 'weekStart', week);
  end if;

  drop table if exists pg_temp.fresh;
  create temporary table fresh on commit drop as
  with scores as (
    select s.user_id, p.partner_id, s.points, s.reached_at, s.weekly_points, s.week_start, s.weekly_reached_at
      from public.reader_scores s
      join public.profiles p on p.id = s.user_id
     where p.deleted_at is null and private.shows_on_leaderboards(p.preferences)
  ),
  boards as (
    select 'all_time'::text as board, date '1970-01-01' as period_start, user_id, partner_id, points, reached_at
      from scores where points > 0
    union all
    select 'weekly', week, user_id, partner_id, weekly_points, weekly_reached_at
      from scores where week_start = week and weekly_points > 0
  ),
  scoped as (
    select board, period_start, 'global'::text as scope, user_id, points, reached_at from boards
    union all
    select board, period_start, 'partner:' || partner_id, user_id, points, reached_at from boards where partner_id is not null
    union all
    select b.board, b.period_start, 'group:' || m.group_id, b.user_id, b.points, b.reached_at
      from boards b join public.group_members m on m.user_id = b.user_id
  )
  select board, scope, period_start, user_id, points, reached_at,
         (row_number() over (partition by board, scope, period_start order by points desc, reached_at, user_id))::integer as rank
    from scoped;
  analyze pg_temp.fresh;

  -- Only rows that changed are written (a diff against the current boards, one hash join): between
  -- two refreshes most entries stay put, and an unchanged row is never rewritten.
  drop table if exists pg_temp.changes;
  create temporary table changes on commit drop as
  select coalesce(f.board, e.board) as board, coalesce(f.scope, e.scope) as scope,
         coalesce(f.period_start, e.period_start) as period_start, coalesce(f.user_id, e.user_id) as user_id,
         f.points, f.reached_at, f.rank, e.user_id is null as is_new, f.user_id is null as is_gone
    from pg_temp.fresh f
    full join (select * from public.leaderboard_entries le where le.period_start = week or le.board = 'all_time') e
      on e.board = f.board and e.scope = f.scope and e.period_start = f.period_start and e.user_id = f.user_id
   where e.user_id is null or f.user_id is null
      or (e.points, e.reached_at, e.rank) is distinct from (f.points, f.reached_at, f.rank);

  delete from public.leaderboard_entries le using pg_temp.changes c
   where c.is_gone and le.board = c.board and le.scope = c.scope and le.period_start = c.period_start
     and le.user_id = c.user_id;
  get diagnostics removed = row_count;
  update public.leaderboard_entries le set points = c.points, reached_at = c.reached_at, rank = c.rank
    from pg_temp.changes c
   where not c.is_new and not c.is_gone and le.board = c.board and le.scope = c.scope
     and le.period_start = c.period_start and le.user_id = c.user_id;
  get diagnostics written = row_count;
  -- New entries may take a rank another row still holds until this statement: ranks are not unique-indexed.
  insert into public.leaderboard_entries (board, scope, period_start, user_id, points, reached_at, rank)
  select c.board, c.scope, c.period_start, c.user_id, c.points, c.reached_at, c.rank from pg_temp.changes c where c.is_new;
  written := written + (select count(*) from pg_temp.changes c where c.is_new);

  -- Past weeks stay for eight weeks (last week's podium), then go.
  delete from public.leaderboard_entries le where le.board = 'weekly' and le.period_start < week - 56;

  delete from private.leaderboard_sizes z where z.period_start = week or z.board = 'all_time' or z.period_start < week - 56;
  insert into private.leaderboard_sizes (board, scope, period_start, entries, refreshed_at)
  select board, scope, period_start, count(*), at from pg_temp.fresh group by board, scope, period_start;

  insert into private.leaderboard_state (id, fingerprint, refreshed_at) values (true, fingerprint, at)
  on conflict (id) do update set fingerprint = excluded.fingerprint, refreshed_at = excluded.refreshed_at;

  return jsonb_build_object('entries', (select count(*) from pg_temp.fresh), 'written', written, 'removed', removed, 'weekStart', week);
end;
$$;
comment on function private.refresh_leaderboards(timestamptz) is
  'Recomputes the weekly (current week) and all-time boards, global, per partner and per reading group, from reader_scores (opted-out and deleted readers excluded; ties: who got there first, then user id) and writes only the entries that changed. Job engagement.refresh-leaderboards, every 5 minutes.';

create or replace function private.leaderboard_scope_visible(scope text)
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if scope = 'global' then
    return true;
  end if;
  if (select private.authorize('users:read')) or coalesce(current_setting('request.jwt.claims', true)::jsonb ->> 'role', '') = 'service_role' then
    return true;
  end if;
  if scope like 'partner:%' then
    return coalesce(private.my_partner_id()::text = substr(scope, 9), false);
  end if;
  if scope like 'group:%' and pg_input_is_valid(substr(scope, 7), 'uuid') then
    return private.group_role(substr(scope, 7)::uuid) is not null;
  end if;
  return false;
end;
$$;
comment on function private.leaderboard_scope_visible(text) is
  'Who sees a board: global for everyone, partner:<id> for that partner''s readers, group:<id> for the group''s members; moderators, admins and the service role see all.';

create or replace function private.leaderboard_period(board text, at timestamptz default now())
returns date
language sql
stable
set search_path = ''
as $$
  select case board when 'weekly' then private.week_start(at) else date '1970-01-01' end;
$$;
comment on function private.leaderboard_period(text, timestamptz) is 'The period_start of a board now.';

create or replace function private.check_leaderboard_args(board text, scope text)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if board is null or board not in ('weekly', 'all_time') then
    raise exception using errcode = '22023', message = 'board must be weekly or all_time';
  end if;
  if scope is null or not (scope = 'global' or scope ~ '^(partner|group):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$') then
    raise exception using errcode = '22023', message = 'scope must be global, partner:<uuid> or group:<uuid>';
  end if;
  if not coalesce(private.leaderboard_scope_visible(scope), false) then
    raise exception using errcode = '42501', message = 'This leaderboard is for its members only';
  end if;
end;
$$;
comment on function private.check_leaderboard_args(text, text) is 'Validates a board and scope (22023) and that the caller may see it (42501).';

create or replace function private.leaderboard(board text, scope text, "limit" integer, "offset" integer)
returns table (rank integer, user_id uuid, display_name text, avatar_path text, points integer, is_me boolean)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.check_leaderboard_args(board, scope);
  if "limit" is null or "limit" not between 1 and 100 or "offset" is null or "offset" not between 0 and 100000 then
    raise exception using errcode = '22023', message = 'limit must be 1..100 and offset 0..100000';
  end if;
  return query
    select e.rank, e.user_id, p.display_name, p.avatar_path, e.points, e.user_id = (select auth.uid())
      from public.leaderboard_entries e
      join public.profiles p on p.id = e.user_id
     where e.board = leaderboard.board and e.scope = leaderboard.scope
       and e.period_start = private.leaderboard_period(leaderboard.board)
       and e.rank > leaderboard."offset"
       -- Opting out hides a reader at once, before the next refresh renumbers the board.
       and private.shows_on_leaderboards(p.preferences) and p.deleted_at is null
     order by e.rank
     limit leaderboard."limit";
end;
$$;
comment on function private.leaderboard(text, text, integer, integer) is 'Definer body of public.leaderboard.';

create or replace function public.leaderboard(board text default 'weekly', scope text default 'global', "limit" integer default 20, "offset" integer default 0)
returns table (rank integer, user_id uuid, display_name text, avatar_path text, points integer, is_me boolean)
language sql
stable
security invoker
set search_path = ''
as $$
  select * from private.leaderboard(leaderboard.board, leaderboard.scope, leaderboard."limit", leaderboard."offset");
$$;
comment on function public.leaderboard(text, text, integer, integer) is
  'A leaderboard page: board weekly (this ISO week) or all_time; scope global, partner:<id> (that partner''s readers) or group:<id> (members); ranks after offset, at most limit (1..100) rows, with public profile fields only. Readers who opted out (preferences.leaderboards = false) never appear. Refreshed every 5 minutes.';

create or replace function private.my_rank(board text, scope text)
returns table (rank integer, points integer, entries integer)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  period date := private.leaderboard_period(board);
begin
  perform private.check_leaderboard_args(board, scope);
  return query
    select e.rank, e.points, z.entries
      from public.leaderboard_entries e
      left join private.leaderboard_sizes z
        on z.board = e.board and z.scope = e.scope and z.period_start = e.period_start
     where e.board = my_rank.board and e.scope = my_rank.scope and e.period_start = period
       and e.user_id = (select auth.uid());
end;
$$;
comment on function private.my_rank(text, text) is 'Definer body of public.my_rank.';

create or replace function public.my_rank(board text default 'weekly', scope text default 'global')
returns table (rank integer, points integer, entries integer)
language sql
stable
security invoker
set search_path = ''
as $$
  select * from private.my_rank(my_rank.board, my_rank.scope);
$$;
comment on function public.my_rank(text, text) is
  'The caller''s rank and points on a board (one index lookup) and how many readers the board has; no row when the caller is not on it (no points yet, or opted out).';

-- =============================================================================================
-- Anonymiser
-- =============================================================================================
create or replace function private.erase_gamification(user_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform set_config('coko.erasing_gamification', 'on', true);
  delete from public.points_ledger l where l.user_id = erase_gamification.user_id;
  delete from public.reader_scores s where s.user_id = erase_gamification.user_id;
  delete from public.badge_awards a where a.user_id = erase_gamification.user_id;
  delete from public.challenge_participants cp where cp.user_id = erase_gamification.user_id;
  delete from public.leaderboard_entries e where e.user_id = erase_gamification.user_id;
  delete from private.streak_days d where d.user_id = erase_gamification.user_id;
  delete from private.gamification_processed p where p.user_id = erase_gamification.user_id;
  delete from private.rejected_events r where r.user_id = erase_gamification.user_id;
  perform set_config('coko.erasing_gamification', 'off', true);
end;
$$;
comment on function private.erase_gamification(uuid) is
  'Anonymisation step: deletes the reader''s points, scores, badges, challenge participations, leaderboard entries, streak days and consumer records.';

insert into private.account_anonymizers (function_name, position, description)
values ('private.erase_gamification(uuid)', 390, 'Points ledger, scores, badges, challenges, leaderboards (gamification).')
on conflict do nothing;

-- =============================================================================================
-- Row Level Security
-- =============================================================================================
alter table public.point_rules enable row level security;
alter table public.levels enable row level security;
alter table public.badges enable row level security;
alter table public.challenges enable row level security;
alter table public.points_ledger enable row level security;
alter table public.reader_scores enable row level security;
alter table public.badge_awards enable row level security;
alter table public.challenge_participants enable row level security;
alter table public.leaderboard_entries enable row level security;

create policy "Everyone reads the point rules" on public.point_rules for select to anon, authenticated using (true);
create policy "Everyone reads the levels" on public.levels for select to anon, authenticated using (true);
create policy "Everyone reads the badges" on public.badges for select to anon, authenticated using (true);
create policy "Global challenges for everyone, a partner's for its readers, all for staff"
  on public.challenges for select to anon, authenticated
  using (partner_id is null or partner_id = (select private.my_partner_id()) or (select private.authorize('users:read')));

create policy "Readers see their own points, staff everyone's"
  on public.points_ledger for select to authenticated
  using (user_id = (select auth.uid()) or (select private.authorize('users:read')));
create policy "Readers see their own score, staff everyone's"
  on public.reader_scores for select to authenticated
  using (user_id = (select auth.uid()) or (select private.authorize('users:read')));
create policy "Readers see their own badges, staff everyone's"
  on public.badge_awards for select to authenticated
  using (user_id = (select auth.uid()) or (select private.authorize('users:read')));
create policy "Readers see their own leaderboard entries, staff everyone's"
  on public.leaderboard_entries for select to authenticated
  using (user_id = (select auth.uid()) or (select private.authorize('users:read')));

create policy "Readers see their own participations, staff everyone's"
  on public.challenge_participants for select to authenticated
  using (user_id = (select auth.uid()) or (select private.authorize('users:read')));
create policy "Readers join open challenges they see"
  on public.challenge_participants for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and exists (select 1 from public.challenges c
                 where c.id = challenge_id and c.ends_at > now()
                   and (c.partner_id is null or c.partner_id = (select private.my_partner_id())))
  );
create policy "Readers leave unfinished challenges"
  on public.challenge_participants for delete to authenticated
  using (user_id = (select auth.uid()) and completed_at is null);

-- =============================================================================================
-- Grants
-- =============================================================================================
revoke all on table public.point_rules, public.levels, public.badges, public.challenges, public.points_ledger,
  public.reader_scores, public.badge_awards, public.challenge_participants, public.leaderboard_entries
from public, anon, authenticated;
grant select on table public.point_rules, public.levels, public.badges, public.challenges to anon, authenticated;
grant select on table public.points_ledger, public.reader_scores, public.badge_awards, public.challenge_participants,
  public.leaderboard_entries to authenticated;
grant insert (challenge_id, user_id), delete on table public.challenge_participants to authenticated;
grant all on table public.point_rules, public.levels, public.badges, public.challenges, public.points_ledger,
  public.reader_scores, public.badge_awards, public.challenge_participants, public.leaderboard_entries
to service_role;

revoke all on function
  private.shows_on_leaderboards(jsonb),
  private.reader_time_zone(uuid),
  private.is_valid_goal(jsonb),
  private.level_for(integer),
  private.week_start(timestamptz),
  private.points_ledger_guard(),
  private.points_ledger_after_insert(),
  private.rebuild_reader_score(uuid),
  private.longest_streak(uuid, date, date),
  private.refresh_streak(uuid),
  private.gamification_metric(uuid, text, timestamptz, timestamptz),
  private.award_points(uuid, integer, text, text, bigint, bigint, uuid, uuid),
  private.gamification_evaluate_badges(uuid),
  private.gamification_evaluate_challenges(uuid, timestamptz),
  private.session_abuse(uuid, bigint, timestamptz, timestamptz, numeric, numeric),
  private.apply_rule(uuid, text, text, text, bigint, text, date),
  private.gamification_apply(bigint, bigint),
  private.challenge_participants_before_insert(),
  private.challenge_participants_after_insert(),
  private.my_partner_id(),
  private.refresh_leaderboards(timestamptz),
  private.leaderboard_scope_visible(text),
  private.leaderboard_period(text, timestamptz),
  private.check_leaderboard_args(text, text),
  private.leaderboard(text, text, integer, integer),
  private.my_rank(text, text),
  private.erase_gamification(uuid),
  public.leaderboard(text, text, integer, integer),
  public.my_rank(text, text)
from public, anon, authenticated;
grant execute on function
  private.shows_on_leaderboards(jsonb),
  private.is_valid_goal(jsonb),
  private.week_start(timestamptz),
  private.my_partner_id(),
  private.leaderboard_scope_visible(text),
  private.leaderboard_period(text, timestamptz),
  private.check_leaderboard_args(text, text),
  private.leaderboard(text, text, integer, integer),
  public.leaderboard(text, text, integer, integer)
to anon, authenticated, service_role;
grant execute on function private.my_rank(text, text), public.my_rank(text, text) to authenticated, service_role;
grant execute on function
  private.rebuild_reader_score(uuid),
  private.gamification_apply(bigint, bigint),
  private.refresh_leaderboards(timestamptz)
to service_role;
