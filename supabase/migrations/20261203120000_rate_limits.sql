-- Rate limits shared by every process: the gateway's and the API's counters live here, not in
-- process memory, so two API processes (or edge isolates) draw from one budget per client.
--
-- - private.rate_limit_counters: one fixed window per bucket (`policy:client`), opened by the
--   bucket's first request. Processes lease quota in chunks (private.take_rate_limit) and serve
--   most requests from their lease without a round trip; a lease of 1 makes small limits exact.
-- - private.rate_limit_slots: concurrency leases (downloads: 3 at once per reader), each with an
--   expiry so a crashed process cannot hold a slot for ever.
-- - private.partners.rate_limits: per-partner overrides of the default limits, applied to the
--   partner's users (app_metadata.partner_id) and to requests made with the partner's keys.
--
-- Both tables are UNLOGGED: a counter is worth less than the WAL it would write on every lease;
-- after a database crash the counters restart from zero (the limits briefly forgive).
-- Times are passed in by the caller (its injectable clock), never read from now(), so tests are
-- deterministic and every process agrees with its own headers.

-- =============================================================================================
-- Functions: validation (immutable, used by constraints)
-- =============================================================================================
create or replace function private.is_rate_limit_overrides(value jsonb)
returns boolean
language sql
immutable
strict
parallel safe
set search_path = ''
as $$
  select jsonb_typeof(value) = 'object'
    and coalesce((
      select bool_and(
        key in ('authenticated', 'anonymous', 'downloads', 'downloads_concurrent', 'sessions')
        and jsonb_typeof(limit_value) = 'number'
        and (limit_value #>> '{}') ~ '^[0-9]+$'
        and (limit_value #>> '{}')::numeric between 1 and 10000000
      )
      from jsonb_each(value) as entry (key, limit_value)
    ), true);
$$;
comment on function private.is_rate_limit_overrides(jsonb) is
  'True for a partners.rate_limits value: an object whose keys are policies (authenticated, anonymous, downloads, downloads_concurrent, sessions) and whose values are whole numbers from 1 to 10 000 000.';

-- =============================================================================================
-- Tables
-- =============================================================================================
alter table private.partners
  add column rate_limits jsonb not null default '{}'
    constraint partners_rate_limits_format check (private.is_rate_limit_overrides(rate_limits));
comment on column private.partners.rate_limits is
  'Per-partner overrides of the default rate limits, e.g. {"authenticated": 5000, "downloads": 20}: requests per window of the policy (authenticated and anonymous per hour, downloads per hour, sessions per minute) or, for downloads_concurrent, downloads at once. Applied to the partner''s users and keys; absent keys keep the defaults.';

create unlogged table private.rate_limit_counters (
  bucket text primary key
    constraint rate_limit_counters_bucket_length check (char_length(bucket) between 1 and 300),
  window_start timestamptz not null,
  window_end timestamptz not null,
  used integer not null default 0 constraint rate_limit_counters_used_positive check (used >= 0),
  constraint rate_limit_counters_window_order check (window_end > window_start)
);
comment on table private.rate_limit_counters is
  'Fixed-window request counters shared by the gateway and every API process (unlogged: lost on a crash, by design).';
comment on column private.rate_limit_counters.bucket is 'Policy and client, e.g. anonymous:ip:203.0.113.7 or authenticated:user:<uuid>.';
comment on column private.rate_limit_counters.window_start is 'When the current window opened (the bucket''s first request in it).';
comment on column private.rate_limit_counters.window_end is 'When the current window closes and the count restarts.';
comment on column private.rate_limit_counters.used is 'Requests granted in the window so far, leased chunks included.';

-- Pruning finds closed windows without scanning the open ones.
create index rate_limit_counters_window_end_idx on private.rate_limit_counters (window_end);

create unlogged table private.rate_limit_slots (
  id uuid primary key default gen_random_uuid(),
  bucket text not null
    constraint rate_limit_slots_bucket_length check (char_length(bucket) between 1 and 300),
  acquired_at timestamptz not null,
  expires_at timestamptz not null,
  constraint rate_limit_slots_expiry_order check (expires_at > acquired_at)
);
comment on table private.rate_limit_slots is
  'Concurrency leases (e.g. downloads in progress per reader); released when the work ends, or ignored once expired.';
comment on column private.rate_limit_slots.id is 'Lease id, handed to the holder to release it.';
comment on column private.rate_limit_slots.bucket is 'Policy and client, e.g. downloads_concurrent:user:<uuid>.';
comment on column private.rate_limit_slots.acquired_at is 'When the slot was taken.';
comment on column private.rate_limit_slots.expires_at is 'When the slot frees itself if its holder never released it (crash).';

create index rate_limit_slots_bucket_idx on private.rate_limit_slots (bucket, expires_at);

-- =============================================================================================
-- Functions: limits
-- =============================================================================================
create or replace function private.rate_limit_for(partner uuid, policy text, default_limit integer)
returns integer
language sql
stable
set search_path = ''
as $$
  select coalesce(
    (select (p.rate_limits ->> rate_limit_for.policy)::integer from private.partners p where p.id = rate_limit_for.partner),
    default_limit
  );
$$;
comment on function private.rate_limit_for(uuid, text, integer) is
  'The limit of `policy` for a partner''s users and keys: its partners.rate_limits override, else default_limit.';

create or replace function private.take_rate_limit(
  bucket text,
  policy text,
  partner uuid,
  default_limit integer,
  window_seconds integer,
  want integer,
  at timestamptz
)
returns table (granted integer, used integer, limit_value integer, window_end timestamptz)
language plpgsql
volatile
set search_path = ''
as $$
declare
  effective integer := private.rate_limit_for(partner, policy, default_limit);
  old_used integer;
  ends timestamptz;
begin
  if bucket is null or window_seconds is null or window_seconds < 1 or want is null or want < 1 or at is null then
    raise exception using errcode = '22023', message = 'take_rate_limit: bucket, window_seconds >= 1, want >= 1 and at are required';
  end if;
  -- Opens the bucket's window, or a new one when the last has closed.
  insert into private.rate_limit_counters as c (bucket, window_start, window_end, used)
  values (take_rate_limit.bucket, at, at + make_interval(secs => window_seconds), 0)
  on conflict on constraint rate_limit_counters_pkey do update
    set window_start = excluded.window_start, window_end = excluded.window_end, used = 0
    where c.window_end <= excluded.window_start;

  select c.used, c.window_end into old_used, ends
  from private.rate_limit_counters c
  where c.bucket = take_rate_limit.bucket
  for update;

  granted := least(want, greatest(0, effective - old_used));
  if granted > 0 then
    update private.rate_limit_counters c set used = c.used + granted where c.bucket = take_rate_limit.bucket;
  end if;
  used := old_used + granted;
  limit_value := effective;
  window_end := ends;
  return next;
end;
$$;
comment on function private.take_rate_limit(text, text, uuid, integer, integer, integer, timestamptz) is
  'Leases up to `want` requests of `bucket`''s window (opened at `at` for window_seconds when none is open) under the limit of `policy` (partner override, else default_limit). Returns how many were granted, the window''s count after the lease, the limit applied and when the window closes.';

create or replace function private.acquire_rate_limit_slot(
  bucket text,
  policy text,
  partner uuid,
  default_limit integer,
  ttl_seconds integer,
  at timestamptz
)
returns table (slot uuid, held integer, limit_value integer, next_free_at timestamptz)
language plpgsql
volatile
set search_path = ''
as $$
declare
  effective integer := private.rate_limit_for(partner, policy, default_limit);
begin
  if bucket is null or ttl_seconds is null or ttl_seconds < 1 or at is null then
    raise exception using errcode = '22023', message = 'acquire_rate_limit_slot: bucket, ttl_seconds >= 1 and at are required';
  end if;
  -- One holder at a time counts and inserts for a bucket (released at the end of the statement).
  perform pg_advisory_xact_lock(hashtextextended('coko.rate_limit_slots:' || bucket, 0));
  delete from private.rate_limit_slots s where s.bucket = acquire_rate_limit_slot.bucket and s.expires_at <= at;
  select count(*)::integer, min(s.expires_at) into held, next_free_at
  from private.rate_limit_slots s
  where s.bucket = acquire_rate_limit_slot.bucket;
  limit_value := effective;
  if held < effective then
    insert into private.rate_limit_slots (bucket, acquired_at, expires_at)
    values (acquire_rate_limit_slot.bucket, at, at + make_interval(secs => ttl_seconds))
    returning id into slot;
    held := held + 1;
  end if;
  return next;
end;
$$;
comment on function private.acquire_rate_limit_slot(text, text, uuid, integer, integer, timestamptz) is
  'Takes one of the `policy` limit''s concurrent slots of `bucket` (expiring after ttl_seconds), or none when all are held: slot is then null and next_free_at is when the oldest held slot expires at the latest.';

create or replace function private.release_rate_limit_slot(slot uuid)
returns void
language sql
volatile
set search_path = ''
as $$
  delete from private.rate_limit_slots s where s.id = release_rate_limit_slot.slot;
$$;
comment on function private.release_rate_limit_slot(uuid) is 'Frees a slot taken with acquire_rate_limit_slot (no-op if it expired or was freed).';

create or replace function private.prune_rate_limits(at timestamptz)
returns integer
language plpgsql
volatile
set search_path = ''
as $$
declare
  counters integer;
  slots integer;
begin
  delete from private.rate_limit_counters c where c.window_end <= at;
  get diagnostics counters = row_count;
  delete from private.rate_limit_slots s where s.expires_at <= at;
  get diagnostics slots = row_count;
  return counters + slots;
end;
$$;
comment on function private.prune_rate_limits(timestamptz) is 'Deletes closed windows and expired slots; returns how many rows went.';

-- =============================================================================================
-- Row level security
-- =============================================================================================
-- Server-side state only: RLS on, no policies; the server (postgres, service_role) bypasses it.
alter table private.rate_limit_counters enable row level security;
alter table private.rate_limit_slots enable row level security;

-- =============================================================================================
-- Grants
-- =============================================================================================
revoke all on table private.rate_limit_counters, private.rate_limit_slots from public, anon, authenticated;
grant select, insert, update, delete on table private.rate_limit_counters, private.rate_limit_slots to service_role;

revoke all on function
  private.is_rate_limit_overrides(jsonb),
  private.rate_limit_for(uuid, text, integer),
  private.take_rate_limit(text, text, uuid, integer, integer, integer, timestamptz),
  private.acquire_rate_limit_slot(text, text, uuid, integer, integer, timestamptz),
  private.release_rate_limit_slot(uuid),
  private.prune_rate_limits(timestamptz)
from public, anon, authenticated;
-- The constraint helper runs as whoever writes partners (the server); the rest is the server's.
grant execute on function
  private.is_rate_limit_overrides(jsonb),
  private.rate_limit_for(uuid, text, integer),
  private.take_rate_limit(text, text, uuid, integer, integer, integer, timestamptz),
  private.acquire_rate_limit_slot(text, text, uuid, integer, integer, timestamptz),
  private.release_rate_limit_slot(uuid),
  private.prune_rate_limits(timestamptz)
to service_role;
