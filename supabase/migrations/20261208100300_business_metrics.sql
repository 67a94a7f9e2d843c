-- Business metrics (issue 11 §4): what the API's /metrics reports from the database, and the
-- Studio views the team reads (daily readers, sales per partner, top books).
--
-- - private.business_metrics(): every business series in one query, rows (name, labels, value).
--   Executed by the API's pool (the owner role) only; /metrics caches it ≤ 15 s per process.
-- - Downloads were counted nowhere (the download rate limit's counters expire): the access route now
--   calls private.record_download(book_id), which bumps a per-day total (the counter) and a per-day,
--   per-book count (top books). No user id is stored: a download count is not personal data.
-- - Active readers: private.reader_activity keeps one row per reader with the last time they read
--   (maintained by statement triggers on reading_progress and reading_sessions), so "readers active
--   in the last 30 days" is an index range count over at most one row per reader, not a distinct
--   count over every session.
-- - Studio views (public.daily_readers, public.sales_per_partner, public.top_books) are
--   security_invoker views over definer functions in private that refuse API callers without the
--   analytics:read permission (admins). Direct database sessions (Studio, psql) read them as before.

-- =============================================================================================
-- Tables
-- =============================================================================================
create table private.download_days (
  day date primary key,
  downloads bigint not null default 0
    constraint download_days_downloads_non_negative check (downloads >= 0)
);
comment on table private.download_days is
  'Downloads (book access grants by GET /v1/books/{id}/access) per UTC day, all books together: the source of coko_downloads_total. Kept when books are deleted so the counter never goes down.';
comment on column private.download_days.day is 'UTC day of the grants.';
comment on column private.download_days.downloads is 'Grants that day.';

create table private.book_download_days (
  day date not null,
  book_id uuid not null references public.books (id) on delete cascade,
  downloads integer not null default 0
    constraint book_download_days_downloads_non_negative check (downloads >= 0),
  primary key (day, book_id)
);
comment on table private.book_download_days is
  'Downloads (access grants) per UTC day and book: the source of public.top_books. No reader is recorded.';
comment on column private.book_download_days.day is 'UTC day of the grants.';
comment on column private.book_download_days.book_id is 'The book opened.';
comment on column private.book_download_days.downloads is 'Grants of this book that day.';

-- The foreign key's lookups on book deletion.
create index book_download_days_book_id_idx on private.book_download_days (book_id);

create table private.reader_activity (
  user_id uuid primary key references auth.users (id) on delete cascade,
  last_read_at timestamptz not null
);
comment on table private.reader_activity is
  'When each reader last read (saved a position or a reading session), server clock, refreshed at most every 5 minutes: the source of coko_active_readers. Erased with the reading data when the account is anonymised.';
comment on column private.reader_activity.user_id is 'The reader (auth.users.id).';
comment on column private.reader_activity.last_read_at is 'Last reading write seen for this reader (server clock, ±5 minutes).';

-- coko_active_readers counts a range of it (index-only).
create index reader_activity_last_read_at_idx on private.reader_activity (last_read_at);

alter table private.download_days enable row level security;
alter table private.book_download_days enable row level security;
alter table private.reader_activity enable row level security;
revoke all on table private.download_days, private.book_download_days, private.reader_activity
  from public, anon, authenticated;

-- =============================================================================================
-- Indexes for the scrape and the views
-- =============================================================================================
-- coko_registrations_total groups every profile by partner: an index-only scan instead of the heap.
create index profiles_partner_id_all_idx on public.profiles (partner_id);
-- No index for coko_payments_*: they aggregate every order once (one sequential scan; an index over
-- every row would be as large and the planner picks the scan). See DECISIONS for the next step.
-- public.daily_readers and public.top_books read the sessions of recent days.
create index reading_sessions_started_at_idx on public.reading_sessions (started_at) include (user_id, book_id, pages_read);
-- public.sales_per_partner and top_books: paid orders.
create index orders_paid_at_idx on public.orders (paid_at) include (partner_id, book_id, amount, currency, status)
  where paid_at is not null;

-- =============================================================================================
-- Functions: recording
-- =============================================================================================
create or replace function private.record_download(book_id uuid)
returns void
language sql
set search_path = ''
as $$
  with per_book as (
    insert into private.book_download_days as d (day, book_id, downloads)
    values ((now() at time zone 'utc')::date, record_download.book_id, 1)
    on conflict (day, book_id) do update set downloads = d.downloads + 1
  )
  insert into private.download_days as t (day, downloads)
  values ((now() at time zone 'utc')::date, 1)
  on conflict (day) do update set downloads = t.downloads + 1;
$$;
comment on function private.record_download(uuid) is
  'Counts one download (an access grant of GET /v1/books/{id}/access) for today (UTC): the day''s total and the book''s. Called by the API''s pool.';
revoke all on function private.record_download(uuid) from public, anon, authenticated;

-- Statement-level: a sync of 200 positions costs one upsert per reader, not 200. Definer because
-- readers write reading rows through PostgREST and hold no privilege on private tables.
create or replace function private.touch_reader_activity()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into private.reader_activity as a (user_id, last_read_at)
  select distinct c.user_id, now() from changed c
  on conflict (user_id) do update set last_read_at = excluded.last_read_at
    where a.last_read_at < excluded.last_read_at - interval '5 minutes';
  return null;
end;
$$;
comment on function private.touch_reader_activity() is
  'Trigger (statement level, transition table "changed"): records that the readers of the written reading rows read now (private.reader_activity, refreshed at most every 5 minutes).';
revoke all on function private.touch_reader_activity() from public, anon, authenticated;

create trigger touch_reader_activity_on_insert after insert on public.reading_progress
  referencing new table as changed for each statement execute function private.touch_reader_activity();
create trigger touch_reader_activity_on_update after update on public.reading_progress
  referencing new table as changed for each statement execute function private.touch_reader_activity();
create trigger touch_reader_activity_on_insert after insert on public.reading_sessions
  referencing new table as changed for each statement execute function private.touch_reader_activity();
create trigger touch_reader_activity_on_update after update on public.reading_sessions
  referencing new table as changed for each statement execute function private.touch_reader_activity();

-- Readers who read before this migration.
insert into private.reader_activity (user_id, last_read_at)
select user_id, max(updated_at)
from (
  select user_id, updated_at from public.reading_progress
  union all
  select user_id, updated_at from public.reading_sessions
) as reading
group by user_id
on conflict (user_id) do nothing;

create or replace function private.erase_reader_activity(user_id uuid)
returns void
language sql
set search_path = ''
as $$
  delete from private.reader_activity a where a.user_id = erase_reader_activity.user_id;
$$;
comment on function private.erase_reader_activity(uuid) is
  'Account anonymisation step: forgets when the reader last read.';
revoke all on function private.erase_reader_activity(uuid) from public, anon, authenticated;
grant execute on function private.erase_reader_activity(uuid) to service_role;

insert into private.account_anonymizers (function_name, position, description)
values ('private.erase_reader_activity(uuid)', 101, 'Reading: when the reader last read is forgotten.')
on conflict do nothing;

-- =============================================================================================
-- Functions: the scrape
-- =============================================================================================
-- One statement, each part an index(-only) scan or a catalog view:
-- profiles by partner, orders by provider/status/currency, a range of reader_activity, the per-day
-- download totals, pg_stat_database and pg_stat_activity of this database.
create or replace function private.business_metrics()
returns table (name text, labels jsonb, value numeric)
language sql
stable
security definer
set search_path = ''
as $$
  -- Orders are read once for both payment families.
  with orders as materialized (
    select o.provider, o.status, o.currency, count(*)::numeric as orders, sum(o.amount)::numeric as amount
    from public.orders o
    group by o.provider, o.status, o.currency
  )
  select 'coko_registrations_total', jsonb_build_object('partner', coalesce(p.slug, r.partner_id::text, '(direct)')), r.registrations
  from (
    select pr.partner_id, count(*)::numeric as registrations from public.profiles pr group by pr.partner_id
  ) as r
  left join private.partners p on p.id = r.partner_id
  union all
  select 'coko_downloads_total', '{}'::jsonb, coalesce(sum(d.downloads), 0)::numeric from private.download_days d
  union all
  select 'coko_payments_total', jsonb_build_object('provider', o.provider, 'status', o.status), sum(o.orders)
  from orders o group by o.provider, o.status
  union all
  select 'coko_payments_amount_total', jsonb_build_object('provider', o.provider, 'currency', o.currency), sum(o.amount)
  from orders o where o.status in ('paid', 'refunded') group by o.provider, o.currency
  union all
  select 'coko_active_readers', jsonb_build_object('window', w.name), w.readers
  from (
    select count(*) filter (where a.last_read_at >= now() - interval '1 day')::numeric as d1,
      count(*) filter (where a.last_read_at >= now() - interval '7 days')::numeric as d7,
      count(*)::numeric as d30
    from private.reader_activity a
    where a.last_read_at >= now() - interval '30 days'
  ) as c
  cross join lateral (values ('1d', c.d1), ('7d', c.d7), ('30d', c.d30)) as w (name, readers)
  union all
  select 'coko_database_errors_total', jsonb_build_object('kind', e.kind), e.errors
  from pg_catalog.pg_stat_database s
  cross join lateral (
    values ('rollback', s.xact_rollback::numeric), ('deadlock', s.deadlocks::numeric), ('conflict', s.conflicts::numeric)
  ) as e (kind, errors)
  where s.datname = pg_catalog.current_database()
  union all
  select 'coko_db_connections', jsonb_build_object('state', st.state), coalesce(a.connections, 0)::numeric
  from (values ('active'), ('idle'), ('idle in transaction'), ('idle in transaction (aborted)'), ('other')) as st (state)
  left join (
    select case
        when x.state in ('active', 'idle', 'idle in transaction', 'idle in transaction (aborted)') then x.state
        else 'other'
      end as state,
      count(*) as connections
    from pg_catalog.pg_stat_activity x
    where x.datname = pg_catalog.current_database() and x.backend_type = 'client backend'
    group by 1
  ) as a on a.state = st.state
  union all
  select 'coko_db_max_connections', '{}'::jsonb, pg_catalog.current_setting('max_connections')::numeric;
$$;
comment on function private.business_metrics() is
  'Every business series of /metrics as rows (name, labels, value): registrations by partner, downloads, payments by provider and status, amounts paid (paid and later refunded orders) by provider and currency in minor units, active readers over 1, 7 and 30 days, database errors (pg_stat_database) and connections by state (pg_stat_activity). One statement; the API''s pool only.';
revoke all on function private.business_metrics() from public, anon, authenticated, service_role;

-- =============================================================================================
-- Functions: Studio views (admins only)
-- =============================================================================================
-- The definer bodies read every reader's rows, so each first refuses an API caller (a session acting
-- as anon or authenticated: PostgREST, or the API's asUser) without analytics:read. A direct database
-- session (Studio, psql, the API's pool) already reads the base tables and passes.
create or replace function private.require_analytics_reader()
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if pg_catalog.current_setting('role') in ('anon', 'authenticated')
    and not (select private.authorize('analytics:read')) then
    raise exception using errcode = '42501', message = 'permission denied: analytics:read is required',
      hint = 'Only admins read the team''s analytics views.';
  end if;
end;
$$;
comment on function private.require_analytics_reader() is
  'Raises 42501 when the caller acts as anon or authenticated (PostgREST, asUser) without the analytics:read permission.';

create or replace function private.daily_readers()
returns table (day date, readers bigint, sessions bigint, pages_read bigint)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_analytics_reader();
  return query
    select (s.started_at at time zone 'utc')::date, count(distinct s.user_id), count(*), coalesce(sum(s.pages_read), 0)::bigint
    from public.reading_sessions s
    where s.started_at >= (now() at time zone 'utc')::date - 89
      and s.started_at < now() + interval '1 day'
    group by 1
    order by 1 desc;
end;
$$;
comment on function private.daily_readers() is
  'Body of public.daily_readers (analytics:read only): per UTC day of the last 90, distinct readers, sessions and pages read.';

create or replace function private.sales_per_partner()
returns table (
  partner_id uuid, partner text, currency text, orders_paid bigint, amount_paid bigint,
  orders_refunded bigint, amount_refunded bigint, amount_paid_30d bigint, last_paid_at timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_analytics_reader();
  return query
    select o.partner_id, coalesce(p.name, '(direct)'), o.currency,
      count(*), sum(o.amount)::bigint,
      count(*) filter (where o.status = 'refunded'),
      coalesce(sum(o.amount) filter (where o.status = 'refunded'), 0)::bigint,
      coalesce(sum(o.amount) filter (where o.paid_at >= now() - interval '30 days'), 0)::bigint,
      max(o.paid_at)
    from public.orders o
    left join private.partners p on p.id = o.partner_id
    where o.paid_at is not null
    group by o.partner_id, p.name, o.currency
    order by 5 desc;
end;
$$;
comment on function private.sales_per_partner() is
  'Body of public.sales_per_partner (analytics:read only): orders ever paid per partner and currency (amounts in minor units), refunds among them, the last 30 days, the last sale.';

create or replace function private.top_books()
returns table (
  book_id uuid, title text, is_published boolean, downloads_30d bigint, readers_30d bigint, sales_30d bigint
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_analytics_reader();
  return query
    with downloads as (
      select d.book_id, sum(d.downloads)::bigint as n from private.book_download_days d
      where d.day >= (now() at time zone 'utc')::date - 29 group by d.book_id
    ), readers as (
      select s.book_id, count(distinct s.user_id) as n from public.reading_sessions s
      where s.started_at >= now() - interval '30 days' group by s.book_id
    ), sales as (
      select o.book_id, count(*) as n from public.orders o
      where o.paid_at >= now() - interval '30 days' and o.book_id is not null group by o.book_id
    ), ranked as (
      select coalesce(d.book_id, r.book_id, s.book_id) as book_id,
        coalesce(d.n, 0) as downloads, coalesce(r.n, 0) as readers, coalesce(s.n, 0) as sales
      from downloads d
      full join readers r on r.book_id = d.book_id
      full join sales s on s.book_id = coalesce(d.book_id, r.book_id)
      order by 2 desc, 3 desc, 4 desc, 1
      limit 100
    )
    select k.book_id, b.title, b.is_published, k.downloads, k.readers, k.sales
    from ranked k join public.books b on b.id = k.book_id
    order by k.downloads desc, k.readers desc, k.sales desc, k.book_id;
end;
$$;
comment on function private.top_books() is
  'Body of public.top_books (analytics:read only): the 100 books most downloaded in the last 30 days, then most read (distinct readers with a session), then most sold.';

revoke all on function private.require_analytics_reader(), private.daily_readers(), private.sales_per_partner(),
  private.top_books() from public;
grant execute on function private.require_analytics_reader(), private.daily_readers(), private.sales_per_partner(),
  private.top_books() to authenticated, service_role;

-- =============================================================================================
-- Views
-- =============================================================================================
create view public.daily_readers with (security_invoker = true) as
  select * from private.daily_readers();
comment on view public.daily_readers is
  'Team analytics, admins only (analytics:read; others get 42501): per UTC day of the last 90, distinct readers, reading sessions and pages read.';
comment on column public.daily_readers.day is 'UTC day (the session''s start).';
comment on column public.daily_readers.readers is 'Distinct readers with a reading session that day.';
comment on column public.daily_readers.sessions is 'Reading sessions started that day.';
comment on column public.daily_readers.pages_read is 'Pages read in those sessions.';

create view public.sales_per_partner with (security_invoker = true) as
  select * from private.sales_per_partner();
comment on view public.sales_per_partner is
  'Team analytics, admins only (analytics:read; others get 42501): orders ever paid per partner and currency, amounts in the currency''s minor unit.';
comment on column public.sales_per_partner.partner_id is 'The partner (null: readers who came directly).';
comment on column public.sales_per_partner.partner is 'Partner name, or (direct).';
comment on column public.sales_per_partner.currency is 'ISO 4217 currency of the amounts.';
comment on column public.sales_per_partner.orders_paid is 'Orders ever paid (refunded ones included).';
comment on column public.sales_per_partner.amount_paid is 'Their amount, minor units (refunded ones included).';
comment on column public.sales_per_partner.orders_refunded is 'Of those, orders refunded since.';
comment on column public.sales_per_partner.amount_refunded is 'Amount refunded, minor units.';
comment on column public.sales_per_partner.amount_paid_30d is 'Amount paid in the last 30 days, minor units.';
comment on column public.sales_per_partner.last_paid_at is 'When the last order was paid.';

create view public.top_books with (security_invoker = true) as
  select * from private.top_books();
comment on view public.top_books is
  'Team analytics, admins only (analytics:read; others get 42501): the 100 books most downloaded in the last 30 days, then most read, then most sold.';
comment on column public.top_books.book_id is 'The book.';
comment on column public.top_books.title is 'Its title.';
comment on column public.top_books.is_published is 'Whether it is published now.';
comment on column public.top_books.downloads_30d is 'Access grants in the last 30 days (UTC days).';
comment on column public.top_books.readers_30d is 'Distinct readers with a reading session started in the last 30 days.';
comment on column public.top_books.sales_30d is 'Orders of this book paid in the last 30 days.';

revoke all on table public.daily_readers, public.sales_per_partner, public.top_books from public, anon, authenticated;
grant select on table public.daily_readers, public.sales_per_partner, public.top_books to authenticated, service_role;

-- =============================================================================================
-- Permissions
-- =============================================================================================
insert into public.role_permissions (role, permission) values ('admin', 'analytics:read')
on conflict do nothing;
