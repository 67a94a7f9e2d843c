-- Reading statistics: public.reading_stats(from_date, to_date, tz), the reader's own numbers shaped
-- for charts, in one round trip.
--
-- Contract: docs/CONTRACT-reading.md. Definitions (all days are calendar days in `tz`):
-- - minutesPerDay: one entry per day from from_date to to_date (zeros included), the whole minutes
--   of reading sessions on that day. A session's time counts on the days it overlaps (split at
--   local midnight); open sessions (no ended_at) count nothing yet.
-- - A reading day is a day with at least one minute (60 seconds) of reading.
-- - currentStreak: consecutive reading days ending on the reference day or the day before (today's
--   reading may still come), where the reference day is to_date, or today when to_date is later.
--   It may start before from_date.
-- - longestStreak: the longest run of consecutive reading days up to the reference day (all
--   history, not only the range).
-- - booksStarted: books whose first activity (first session, or first saved progress) falls in
--   the range. booksFinished: books whose reading_progress.finished_at (first reached 99 %) falls in
--   the range.
-- - pagesThisWeek: pages_read of the sessions started in the week (from Monday) of the reference
--   day, up to the end of that day.
-- Errors (HTTP 400, SQLSTATE 22023): a missing date, from_date after to_date, a range longer than
-- 366 days, an unknown time zone.

create or replace function public.reading_stats(from_date date, to_date date, tz text default 'Africa/Dakar')
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  reader uuid := auth.uid();
  today date;
  ref_day date;
  range_start timestamptz;
  range_end timestamptz;
  week_start date;
  result jsonb;
begin
  if reader is null then
    raise exception using errcode = '42501', message = 'reading_stats needs a signed-in reader';
  end if;
  if from_date is null or to_date is null then
    raise exception using errcode = '22023', message = 'from_date and to_date are required';
  end if;
  if from_date > to_date then
    raise exception using errcode = '22023', message = 'from_date must not be after to_date';
  end if;
  if to_date - from_date > 366 then
    raise exception using errcode = '22023', message = 'the range is limited to 367 days';
  end if;
  begin
    today := (now() at time zone coalesce(tz, 'Africa/Dakar'))::date;
  exception when invalid_parameter_value then
    raise exception using errcode = '22023', message = format('unknown time zone: %s', tz);
  end;
  tz := coalesce(tz, 'Africa/Dakar');
  ref_day := least(to_date, today);
  week_start := date_trunc('week', ref_day::timestamp)::date;
  range_start := from_date::timestamp at time zone tz;
  range_end := (to_date + 1)::timestamp at time zone tz;

  with sessions as (
    -- All of the reader's sessions up to the end of the range (streaks look back through the
    -- whole history), through the (user_id, started_at) index.
    select s.book_id, s.started_at, s.ended_at, s.pages_read
    from public.reading_sessions s
    where s.user_id = reader
      and s.started_at < range_end
  ),
  session_days as (
    select d::date as day,
      sum(extract(epoch from
        least(s.ended_at, (d + interval '1 day')::timestamp at time zone tz)
        - greatest(s.started_at, d::timestamp at time zone tz))) as seconds
    from sessions s
    cross join lateral generate_series(
      (s.started_at at time zone tz)::date::timestamp,
      (s.ended_at at time zone tz)::date::timestamp,
      interval '1 day') as d
    where s.ended_at is not null
    group by 1
  ),
  reading_days as (
    select sd.day, sd.day - (row_number() over (order by sd.day))::integer as island
    from session_days sd
    where sd.seconds >= 60 and sd.day <= ref_day
  ),
  streaks as (
    select min(rd.day) as first_day, max(rd.day) as last_day, count(*)::integer as days
    from reading_days rd
    group by rd.island
  ),
  chart as (
    select coalesce(jsonb_agg(jsonb_build_object('date', to_char(g.day, 'YYYY-MM-DD'),
      'minutes', coalesce(floor(sd.seconds / 60), 0)::integer) order by g.day), '[]') as minutes_per_day
    from generate_series(from_date::timestamp, to_date::timestamp, interval '1 day') as g0 (t)
    cross join lateral (select g0.t::date as day) g
    left join session_days sd on sd.day = g.day
  ),
  first_activity as (
    select x.book_id, min(x.at) as at
    from (
      select s.book_id, s.started_at as at from public.reading_sessions s where s.user_id = reader
      union all
      select p.book_id, p.created_at from public.reading_progress p where p.user_id = reader
    ) x
    group by x.book_id
  )
  select jsonb_build_object(
    'minutesPerDay', (select c.minutes_per_day from chart c),
    'currentStreak', coalesce((
      select st.days from streaks st
      where st.last_day in (ref_day, ref_day - 1)
      order by st.last_day desc limit 1), 0),
    'longestStreak', coalesce((select max(st.days) from streaks st), 0),
    'booksStarted', (
      select count(*)::integer from first_activity fa
      where fa.at >= range_start and fa.at < range_end),
    'booksFinished', (
      select count(*)::integer from public.reading_progress p
      where p.user_id = reader and p.finished_at >= range_start and p.finished_at < range_end),
    'pagesThisWeek', (
      select coalesce(sum(s.pages_read), 0)::integer from sessions s
      where s.started_at >= week_start::timestamp at time zone tz
        and s.started_at < (ref_day + 1)::timestamp at time zone tz)
  )
    into result;
  return result;
end;
$$;
comment on function public.reading_stats(date, date, text) is
  'The signed-in reader''s statistics for charts: minutes per day (every day of the range, in tz), current and longest streaks of days with ≥ 1 minute, books started and finished in the range, pages this week. Range ≤ 367 days; errors are 22023.';

revoke all on function public.reading_stats(date, date, text) from public, anon, authenticated;
grant execute on function public.reading_stats(date, date, text) to authenticated;
