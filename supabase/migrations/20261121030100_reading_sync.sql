-- Reading sync: public.sync_reading(changes, since), one round trip that applies a device's queued
-- changes and returns everything of the reader that changed since its last checkpoint.
--
-- Contract: docs/CONTRACT-reading.md. Tables, triggers and the checkpoint argument:
-- 20261121030000_reading.sql.
--
-- Request: POST /rest/v1/rpc/sync_reading {"changes": [...], "since": <checkpoint>}.
-- - changes: up to 1000 objects, applied in order; each is
--     {"op": "progress.save", "bookId", "deviceId", "deviceUpdatedAt", "locator"}
--     {"op": "annotation.upsert", "id", "bookId", "deviceId", "deviceUpdatedAt", "kind", "locator",
--      "selectedText"?, "note"?, "color"?}                      (the whole annotation)
--     {"op": "annotation.delete", "id", "bookId", "deviceId", "deviceUpdatedAt"}
--     {"op": "session.upsert", "id", "bookId", "deviceId", "deviceUpdatedAt", "startedAt",
--      "endedAt"?, "startProgression"?, "endProgression"?, "pagesRead"?, "deviceType"?}
-- - Each change gets a result: "applied" (it is now the stored version, or the stored version is
--   the same edit: retries are idempotent), "stale" (a newer version is stored: a later
--   deviceUpdatedAt, or for a session a later endedAt), or "rejected" with an error message (bad
--   input; the other changes still apply). Progress and annotations are last-writer-wins by
--   (deviceUpdatedAt, deviceId); a delete older than the latest edit loses, an edit newer than a
--   delete restores the annotation. Deleting an annotation the server never stored is "applied"
--   and stores nothing.
-- - A malformed call (changes not an array, more than 1000 changes, a negative since) fails as a
--   whole with SQLSTATE 22023 (HTTP 400).
--
-- Response: {"results": [{"index", "status", "error"?}], "changes": {"progress": [...],
-- "annotations": [... incl. tombstones], "sessions": [...]}, "checkpoint": <bigint>, "hasMore": bool}
-- - changes: the reader's rows with change_seq > since, camelCase, at most 1000 rows per call in
--   change_seq order; "hasMore": true means call again with the new checkpoint.
-- - Rows this call itself wrote are not echoed back (the device has them), but the checkpoint
--   moves past them.
-- - Safe checkpoint: in any snapshot, the reader's visible change_seq values are a prefix of the
--   reader's writes (see the reading migration's header), so the largest one returned is a
--   checkpoint below which nothing can appear later. A call with changes first takes the reader's
--   lock, so every earlier writer of this reader has committed and is visible to the statements
--   that follow (READ COMMITTED: one snapshot per statement), and no other transaction writes the
--   reader's rows until this one ends: the checkpoint may then include this call's own writes.
--
-- Implementation: set-based. One query parses and validates every change
-- (private.parse_reading_changes), one statement computes every status (a primary-key probe per
-- change for the stored row, window functions over the changes to the same row, in order), and at
-- most two statements per table write the final version of each row (a row changed several times
-- in one call is written once). A call of 500 changes runs in a few tens of milliseconds.

-- =============================================================================================
-- Types
-- =============================================================================================
create type private.reading_change as (
  idx integer,
  op text,
  id uuid,
  book_id uuid,
  device_id text,
  device_updated_at timestamptz,
  locator jsonb,
  kind public.annotation_kind,
  selected_text text,
  note text,
  color text,
  started_at timestamptz,
  ended_at timestamptz,
  start_progression numeric,
  end_progression numeric,
  pages_read integer,
  device_type public.device_type,
  error text,
  status text,
  existing boolean,
  do_write boolean
);
comment on type private.reading_change is
  'One change of a sync_reading() call, parsed: its position (idx, 0-based), fields, validation error, then status and write decision.';

-- =============================================================================================
-- Functions
-- =============================================================================================

-- Parses and validates every change of a call in one query; never raises. `error` is the first
-- problem found (a message for the client), null when the change is well formed; the typed
-- fields are only filled for well-formed changes. The checks run in CASE order, so a cast only
-- ever sees a value that passed the check before it.
create or replace function private.parse_reading_changes(changes jsonb)
returns setof private.reading_change
language sql
stable
parallel safe
set search_path = ''
as $$
  with raw as materialized (
    select (e.n - 1)::integer as idx, e.c,
      e.c ->> 'op' as op,
      case when jsonb_typeof(e.c) = 'object' then e.c else '{}'::jsonb end as o
    from jsonb_array_elements(changes) with ordinality as e (c, n)
  ),
  checked as materialized (
    select r.idx, r.op, r.o,
      case
        when jsonb_typeof(r.c) <> 'object' then 'a change must be a JSON object'
        when jsonb_typeof(r.o -> 'op') is distinct from 'string'
          or r.op not in ('progress.save', 'annotation.upsert', 'annotation.delete', 'session.upsert')
          then format('unknown op %s: expected progress.save, annotation.upsert, annotation.delete or session.upsert',
            coalesce((r.o -> 'op')::text, '(missing)'))
        when r.op <> 'progress.save'
          and (jsonb_typeof(r.o -> 'id') is distinct from 'string' or not pg_input_is_valid(r.o ->> 'id', 'uuid'))
          then 'id must be a UUID'
        when jsonb_typeof(r.o -> 'bookId') is distinct from 'string' or not pg_input_is_valid(r.o ->> 'bookId', 'uuid')
          then 'bookId must be a UUID'
        when jsonb_typeof(r.o -> 'deviceId') is distinct from 'string' or char_length(r.o ->> 'deviceId') not between 1 and 64
          then 'deviceId must be a string of 1 to 64 characters'
        when jsonb_typeof(r.o -> 'deviceUpdatedAt') is distinct from 'string'
          or (r.o ->> 'deviceUpdatedAt') !~ '^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}'
          or not pg_input_is_valid(r.o ->> 'deviceUpdatedAt', 'timestamptz')
          then 'deviceUpdatedAt must be an ISO 8601 timestamp'
        when (r.o ->> 'deviceUpdatedAt')::timestamptz > now() + interval '1 day'
          then 'deviceUpdatedAt is more than one day in the future'
        when (r.o ->> 'deviceUpdatedAt')::timestamptz < '2000-01-01T00:00:00Z'
          then 'deviceUpdatedAt is before 2000'
        when r.op in ('progress.save', 'annotation.upsert') and not private.is_valid_locator(r.o -> 'locator')
          then 'locator is not a valid Readium locator: it needs href (1–2048 characters), type, '
            || 'locations.progression and locations.totalProgression (numbers from 0 to 1), an optional integer '
            || 'locations.position ≥ 1 and optional text.before/highlight/after of at most 2000 characters (16 KiB in all)'
        -- annotation.upsert
        when r.op = 'annotation.upsert' and (jsonb_typeof(r.o -> 'kind') is distinct from 'string'
          or r.o ->> 'kind' not in ('highlight', 'note', 'bookmark'))
          then 'kind must be highlight, note or bookmark'
        when r.op = 'annotation.upsert' and coalesce(jsonb_typeof(r.o -> 'selectedText'), 'null') <> 'null'
          and (jsonb_typeof(r.o -> 'selectedText') <> 'string' or char_length(r.o ->> 'selectedText') > 10000)
          then 'selectedText must be a string of at most 10000 characters'
        when r.op = 'annotation.upsert' and coalesce(jsonb_typeof(r.o -> 'note'), 'null') <> 'null'
          and (jsonb_typeof(r.o -> 'note') <> 'string' or char_length(r.o ->> 'note') > 10000)
          then 'note must be a string of at most 10000 characters'
        when r.op = 'annotation.upsert' and coalesce(jsonb_typeof(r.o -> 'color'), 'null') <> 'null'
          and (jsonb_typeof(r.o -> 'color') <> 'string' or (r.o ->> 'color') !~ '^#[0-9A-Fa-f]{6}$')
          then 'color must be a #rrggbb hex colour'
        -- session.upsert
        when r.op = 'session.upsert' and (jsonb_typeof(r.o -> 'startedAt') is distinct from 'string'
          or (r.o ->> 'startedAt') !~ '^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}'
          or not pg_input_is_valid(r.o ->> 'startedAt', 'timestamptz'))
          then 'startedAt must be an ISO 8601 timestamp'
        when r.op = 'session.upsert' and ((r.o ->> 'startedAt')::timestamptz > now() + interval '1 day'
          or (r.o ->> 'startedAt')::timestamptz < '2000-01-01T00:00:00Z')
          then 'startedAt must be between 2000 and one day from now'
        when r.op = 'session.upsert' and coalesce(jsonb_typeof(r.o -> 'endedAt'), 'null') <> 'null'
          and (jsonb_typeof(r.o -> 'endedAt') <> 'string'
            or (r.o ->> 'endedAt') !~ '^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}'
            or not pg_input_is_valid(r.o ->> 'endedAt', 'timestamptz'))
          then 'endedAt must be an ISO 8601 timestamp or null'
        when r.op = 'session.upsert' and coalesce(jsonb_typeof(r.o -> 'endedAt'), 'null') <> 'null'
          and ((r.o ->> 'endedAt')::timestamptz < (r.o ->> 'startedAt')::timestamptz
            or (r.o ->> 'endedAt')::timestamptz > (r.o ->> 'startedAt')::timestamptz + interval '1 day')
          then 'endedAt must be after startedAt and at most one day later'
        when r.op = 'session.upsert' and coalesce(jsonb_typeof(r.o -> 'startProgression'), 'null') <> 'null'
          and (jsonb_typeof(r.o -> 'startProgression') <> 'number'
            or (r.o ->> 'startProgression')::numeric not between 0 and 1)
          then 'startProgression must be a number from 0 to 1'
        when r.op = 'session.upsert' and coalesce(jsonb_typeof(r.o -> 'endProgression'), 'null') <> 'null'
          and (jsonb_typeof(r.o -> 'endProgression') <> 'number'
            or (r.o ->> 'endProgression')::numeric not between 0 and 1)
          then 'endProgression must be a number from 0 to 1'
        when r.op = 'session.upsert' and coalesce(jsonb_typeof(r.o -> 'pagesRead'), 'null') <> 'null'
          and (jsonb_typeof(r.o -> 'pagesRead') <> 'number'
            or (r.o ->> 'pagesRead')::numeric <> trunc((r.o ->> 'pagesRead')::numeric)
            or (r.o ->> 'pagesRead')::numeric not between 0 and 2147483647)
          then 'pagesRead must be a non-negative integer'
        when r.op = 'session.upsert' and coalesce(jsonb_typeof(r.o -> 'deviceType'), 'null') <> 'null'
          and (jsonb_typeof(r.o -> 'deviceType') <> 'string'
            or r.o ->> 'deviceType' not in ('web', 'android', 'ios', 'other'))
          then 'deviceType must be web, android, ios or other'
      end as error
    from raw r
  )
  select k.idx,
    case when k.error is null then k.op end,
    case when k.error is null and k.op <> 'progress.save' then (k.o ->> 'id')::uuid end,
    case when k.error is null then (k.o ->> 'bookId')::uuid end,
    case when k.error is null then k.o ->> 'deviceId' end,
    case when k.error is null then (k.o ->> 'deviceUpdatedAt')::timestamptz end,
    case when k.error is null and k.op in ('progress.save', 'annotation.upsert') then k.o -> 'locator' end,
    case when k.error is null and k.op = 'annotation.upsert' then (k.o ->> 'kind')::public.annotation_kind end,
    case when k.error is null and k.op = 'annotation.upsert' then k.o ->> 'selectedText' end,
    case when k.error is null and k.op = 'annotation.upsert' then k.o ->> 'note' end,
    case when k.error is null and k.op = 'annotation.upsert' then lower(coalesce(k.o ->> 'color', '#ffd54f')) end,
    case when k.error is null and k.op = 'session.upsert' then (k.o ->> 'startedAt')::timestamptz end,
    case when k.error is null and k.op = 'session.upsert' then (k.o ->> 'endedAt')::timestamptz end,
    case when k.error is null and k.op = 'session.upsert' then (k.o ->> 'startProgression')::numeric end,
    case when k.error is null and k.op = 'session.upsert' then (k.o ->> 'endProgression')::numeric end,
    case when k.error is null and k.op = 'session.upsert' then coalesce((k.o ->> 'pagesRead')::numeric::integer, 0) end,
    case when k.error is null and k.op = 'session.upsert'
      then coalesce(k.o ->> 'deviceType', 'other')::public.device_type end,
    k.error,
    null::text,
    null::boolean,
    null::boolean
  from checked k
  order by k.idx;
$$;
comment on function private.parse_reading_changes(jsonb) is
  'Parses the changes of a sync_reading() call into private.reading_change rows, in order; sets `error` (a message for the client) instead of raising when a change is malformed.';

-- Which of these ids belong to another reader (the caller cannot see them under RLS, and an upsert
-- onto them would fail the whole statement). Only answers for ids the caller sends: UUIDs are not
-- guessable, and the answer reveals nothing but "taken".
create or replace function private.reading_ids_of_others(annotation_ids uuid[], session_ids uuid[])
returns uuid[]
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(array_agg(x.id), '{}')
  from (
    select a.id from public.annotations a
    where a.id = any(annotation_ids) and a.user_id is distinct from (select auth.uid())
    union all
    select s.id from public.reading_sessions s
    where s.id = any(session_ids) and s.user_id is distinct from (select auth.uid())
  ) x;
$$;
comment on function private.reading_ids_of_others(uuid[], uuid[]) is
  'Annotation and session ids (among those given) that exist but belong to another user; sync_reading() rejects changes to them.';

create or replace function public.sync_reading(changes jsonb default '[]', since bigint default 0)
returns jsonb
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  reader uuid := auth.uid();
  feed_limit constant integer := 1000;
  items private.reading_change[];
  written_progress uuid[];
  written_annotations uuid[];
  written_sessions uuid[];
  taken_ids uuid[];
  results jsonb;
  feed jsonb;
begin
  if reader is null then
    raise exception using errcode = '42501', message = 'sync_reading needs a signed-in reader';
  end if;
  changes := coalesce(changes, '[]'::jsonb);
  since := coalesce(since, 0);
  if jsonb_typeof(changes) <> 'array' then
    raise exception using errcode = '22023', message = 'changes must be a JSON array';
  end if;
  if jsonb_array_length(changes) > 1000 then
    raise exception using errcode = '22023',
      message = format('too many changes: %s (at most 1000 per call; send the rest in another call)', jsonb_array_length(changes));
  end if;
  if since < 0 then
    raise exception using errcode = '22023', message = 'since must be a checkpoint returned by sync_reading (≥ 0)';
  end if;
  -- The reader's lock: waits for the reader's other writers, keeps new ones out until commit. A
  -- call without changes needs no lock: what it reads is a prefix of the reader's writes anyway.
  -- Writing needs a fresh snapshot after the lock (see the header), which only READ COMMITTED gives.
  if jsonb_array_length(changes) > 0 then
    if current_setting('transaction_isolation') <> 'read committed' then
      raise exception using errcode = '25000', message = 'sync_reading with changes must run in a READ COMMITTED transaction';
    end if;
    perform pg_advisory_xact_lock(20261121, hashtext(reader::text));
  end if;

  -- 1. Parse and validate each change.
  items := array(select private.parse_reading_changes(changes));

  -- 2. Statuses. A change is checked against the stored row (existence, owner, book) and against
  -- the changes before it in this call that target the same row; it is "applied" when its version
  -- is at least the best one before it (equal = the same edit again), else "stale". Only the last
  -- applied change of each row is written, and only when it is newer than the stored row.
  taken_ids := private.reading_ids_of_others(
    array(select i.id from unnest(items) i where i.error is null and i.op like 'annotation.%'),
    array(select i.id from unnest(items) i where i.error is null and i.op = 'session.upsert'));

  with parsed as (
    select * from unnest(items)
  ),
  -- Each change with the stored row it targets (one primary-key probe per change).
  keyed as materialized (
    select p.idx, p.book_id,
      case when p.op = 'progress.save' then 'p:' || p.book_id
           when p.op like 'annotation.%' then 'a:' || p.id
           else 's:' || p.id end as row_key,
      case when p.op = 'session.upsert'
        then coalesce(to_char(p.ended_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), '')
        else to_char(p.device_updated_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || ' ' || p.device_id
      end collate "C" as version,
      stored.version as stored_version,
      stored.book_id is not null as existing,
      case
        when p.id = any(taken_ids) then 'id is already used by another reader''s row'
        when stored.book_id <> p.book_id then 'bookId does not match the book this id belongs to'
        when stored.book_id is null and p.op <> 'annotation.delete'
          and not exists (select 1 from public.books b where b.id = p.book_id)
          then 'book not found'
      end as error
    from parsed p
    left join lateral (
      select rp.book_id,
        (to_char(rp.device_updated_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || ' ' || rp.device_id) collate "C" as version
      from public.reading_progress rp
      where p.op = 'progress.save' and rp.user_id = reader and rp.book_id = p.book_id
      union all
      select a.book_id,
        (to_char(a.device_updated_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || ' ' || a.device_id) collate "C"
      from public.annotations a
      where p.op like 'annotation.%' and a.user_id = reader and a.id = p.id
      union all
      select s.book_id, coalesce(to_char(s.ended_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), '') collate "C"
      from public.reading_sessions s
      where p.op = 'session.upsert' and s.user_id = reader and s.id = p.id
    ) stored on true
    where p.error is null
  ),
  -- A new row's first change fixes its book: later changes of the same id must agree.
  consistent as (
    select k.*,
      case when k.error is null and not k.existing
        and first_value(k.book_id) over (partition by k.row_key order by k.idx) <> k.book_id
        then 'bookId does not match the book this id belongs to' else k.error end as final_error
    from keyed k
  ),
  ranked as (
    select c.idx, c.row_key, c.version, c.stored_version, c.existing, c.final_error,
      greatest(c.stored_version,
        max(c.version) over (partition by c.row_key order by c.idx rows between unbounded preceding and 1 preceding)
      ) as best_before
    from consistent c
    where c.final_error is null
  ),
  decided as (
    select r.idx, r.existing,
      case when r.best_before is null or r.version >= r.best_before then 'applied' else 'stale' end as status,
      r.version, r.stored_version, r.row_key
    from ranked r
  ),
  last_applied as (
    select distinct on (d.row_key) d.idx, d.version, d.stored_version, d.existing
    from decided d
    where d.status = 'applied'
    order by d.row_key, d.idx desc
  )
  select array_agg(
    row(p.idx, p.op, p.id, p.book_id, p.device_id, p.device_updated_at, p.locator, p.kind,
        p.selected_text, p.note, p.color, p.started_at, p.ended_at, p.start_progression,
        p.end_progression, p.pages_read, p.device_type,
        coalesce(p.error, c.final_error),
        case when coalesce(p.error, c.final_error) is not null then 'rejected' else d.status end,
        coalesce(c.existing, false),
        la.idx is not null and (la.stored_version is null or la.version > la.stored_version)
           and not (p.op = 'annotation.delete' and not la.existing)
    )::private.reading_change
    order by p.idx)
    into items
  from parsed p
  left join consistent c on c.idx = p.idx
  left join decided d on d.idx = p.idx
  left join last_applied la on la.idx = p.idx;

  -- 3. Writes: the final version of each row, once. The triggers re-check last-writer-wins.
  -- (Skipped when there is nothing to write: their statement triggers would take the lock.)
  if not exists (select 1 from unnest(items) i where i.do_write) then
    written_progress := '{}';
    written_annotations := '{}';
    written_sessions := '{}';
  else
    with written as (
      update public.reading_progress rp
      set locator = i.locator, device_id = i.device_id, device_updated_at = i.device_updated_at
      from unnest(items) i
      where i.do_write and i.existing and i.op = 'progress.save'
        and rp.user_id = reader and rp.book_id = i.book_id
      returning rp.book_id
    ), inserted as (
      insert into public.reading_progress (book_id, locator, device_id, device_updated_at)
      select i.book_id, i.locator, i.device_id, i.device_updated_at
      from unnest(items) i
      where i.do_write and not i.existing and i.op = 'progress.save'
      returning book_id
    )
    select array(select book_id from written union all select book_id from inserted) into written_progress;

    with written as (
      update public.annotations a
      set kind = coalesce(i.kind, a.kind),
          locator = coalesce(i.locator, a.locator),
          selected_text = i.selected_text,
          note = i.note,
          color = coalesce(i.color, a.color),
          device_id = i.device_id,
          device_updated_at = i.device_updated_at,
          deleted_at = case when i.op = 'annotation.delete' then coalesce(a.deleted_at, now()) end
      from unnest(items) i
      where i.do_write and i.existing and i.op like 'annotation.%'
        and a.user_id = reader and a.id = i.id
      returning a.id
    ), inserted as (
      insert into public.annotations (id, book_id, kind, locator, selected_text, note, color, device_id, device_updated_at)
      select i.id, i.book_id, i.kind, i.locator, i.selected_text, i.note, i.color, i.device_id, i.device_updated_at
      from unnest(items) i
      where i.do_write and not i.existing and i.op = 'annotation.upsert'
      returning id
    )
    select array(select id from written union all select id from inserted) into written_annotations;

    with written as (
      update public.reading_sessions s
      set started_at = i.started_at, ended_at = i.ended_at, start_progression = i.start_progression,
          end_progression = i.end_progression, pages_read = i.pages_read, device_type = i.device_type,
          device_id = i.device_id
      from unnest(items) i
      where i.do_write and i.existing and i.op = 'session.upsert'
        and s.user_id = reader and s.id = i.id
      returning s.id
    ), inserted as (
      insert into public.reading_sessions (id, book_id, started_at, ended_at, start_progression, end_progression, pages_read, device_type, device_id)
      select i.id, i.book_id, i.started_at, i.ended_at, i.start_progression, i.end_progression, i.pages_read, i.device_type, i.device_id
      from unnest(items) i
      where i.do_write and not i.existing and i.op = 'session.upsert'
      returning id
    )
    select array(select id from written union all select id from inserted) into written_sessions;
  end if;

  select jsonb_agg(jsonb_strip_nulls(jsonb_build_object('index', i.idx, 'status', i.status, 'error', i.error)) order by i.idx)
    into results
  from unnest(items) i;

  -- 4. The feed: a new statement, so a new snapshot taken under the lock.
  with candidates as (
    (select 'progress' as kind, rp.change_seq, rp.book_id = any(written_progress) as own,
       jsonb_build_object('bookId', rp.book_id, 'locator', rp.locator, 'percentage', rp.percentage,
         'deviceId', rp.device_id, 'deviceUpdatedAt', rp.device_updated_at, 'finishedAt', rp.finished_at,
         'createdAt', rp.created_at, 'updatedAt', rp.updated_at, 'changeSeq', rp.change_seq) as row
     from public.reading_progress rp
     where rp.user_id = reader and rp.change_seq > since
     order by rp.change_seq limit feed_limit + 1)
    union all
    (select 'annotations', a.change_seq, a.id = any(written_annotations),
       jsonb_build_object('id', a.id, 'bookId', a.book_id, 'kind', a.kind, 'locator', a.locator,
         'selectedText', a.selected_text, 'note', a.note, 'color', a.color, 'deviceId', a.device_id,
         'deviceUpdatedAt', a.device_updated_at, 'deletedAt', a.deleted_at, 'createdAt', a.created_at,
         'updatedAt', a.updated_at, 'changeSeq', a.change_seq)
     from public.annotations a
     where a.user_id = reader and a.change_seq > since
     order by a.change_seq limit feed_limit + 1)
    union all
    (select 'sessions', s.change_seq, s.id = any(written_sessions),
       jsonb_build_object('id', s.id, 'bookId', s.book_id, 'startedAt', s.started_at, 'endedAt', s.ended_at,
         'startProgression', s.start_progression, 'endProgression', s.end_progression,
         'pagesRead', s.pages_read, 'deviceType', s.device_type, 'deviceId', s.device_id,
         'createdAt', s.created_at, 'updatedAt', s.updated_at, 'changeSeq', s.change_seq)
     from public.reading_sessions s
     where s.user_id = reader and s.change_seq > since
     order by s.change_seq limit feed_limit + 1)
  ),
  page as (
    select c.*, row_number() over (order by c.change_seq) as n
    from candidates c
    order by c.change_seq
    limit feed_limit + 1
  )
  select jsonb_build_object(
    'changes', jsonb_build_object(
      'progress', coalesce(jsonb_agg(p.row order by p.change_seq) filter (where p.kind = 'progress' and not p.own and p.n <= feed_limit), '[]'),
      'annotations', coalesce(jsonb_agg(p.row order by p.change_seq) filter (where p.kind = 'annotations' and not p.own and p.n <= feed_limit), '[]'),
      'sessions', coalesce(jsonb_agg(p.row order by p.change_seq) filter (where p.kind = 'sessions' and not p.own and p.n <= feed_limit), '[]')
    ),
    'checkpoint', greatest(since, coalesce(max(p.change_seq) filter (where p.n <= feed_limit), since)),
    'hasMore', count(*) > feed_limit
  )
    into feed
  from page p;

  return jsonb_build_object('results', coalesce(results, '[]')) || feed;
end;
$$;
comment on function public.sync_reading(jsonb, bigint) is
  'Offline sync in one round trip: applies up to 1000 queued changes (progress.save, annotation.upsert, annotation.delete, session.upsert) in order, idempotently and last-writer-wins by device clock, with a result per change (applied / stale / rejected + error), and returns the reader''s rows changed since the given checkpoint (tombstones included, at most 1000, hasMore when there are more) with the next checkpoint. Malformed calls fail with 22023.';

-- =============================================================================================
-- Grants
-- =============================================================================================
revoke all on function
  private.parse_reading_changes(jsonb),
  private.reading_ids_of_others(uuid[], uuid[]),
  public.sync_reading(jsonb, bigint)
from public, anon, authenticated;
grant execute on function
  private.parse_reading_changes(jsonb),
  private.reading_ids_of_others(uuid[], uuid[])
to authenticated;
grant execute on function public.sync_reading(jsonb, bigint) to authenticated;
