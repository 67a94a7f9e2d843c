-- Community: reviews, "helpful" votes and the books' rating aggregates (issue 12, part `reviews`;
-- names bound by docs/CONTRACT-community.md §1).
--
-- - public.reviews: one per reader and book (edit, delete), rating 1–5, optional title and body
--   (community text: plain text or the Markdown subset, never HTML). Only for books the reader may
--   see: the insert policy asks public.books as the caller, so the books policies decide.
-- - public.review_votes: "helpful", one per reader and review, never on one's own review;
--   reviews.helpful_count is kept by trigger.
-- - public.books.rating_count / rating_average / rating_histogram: maintained by triggers on
--   reviews (insert, rating change, delete, hide/restore: hidden reviews do not count). Exact under
--   concurrent writes: each change locks the book's row (SELECT … FOR NO KEY UPDATE), reads the
--   current histogram, applies its delta and writes it back, so two reviewers of one book queue on
--   the row instead of both reading the same histogram. The writes of these columns alone neither
--   bump books.updated_at nor write a `book.update` audit entry.
-- - is_verified_reader: set by trigger (reading progress ≥ 1 % or an unrevoked book entitlement);
--   clients cannot set it (no column privilege).
-- - Throttles: `review` on every insert (an upsert counts: its BEFORE INSERT trigger fires), `vote`.
-- - Moderation: registered as report target `review` (author user_id).
-- - Account anonymisation: a deleted reader's votes are deleted; their reviews stay (ratings still
--   count and the text stays useful to other readers) attributed to nobody (user_id → null).

-- =============================================================================================
-- Books: the rating aggregates
-- =============================================================================================
alter table public.books
  add column rating_count integer not null default 0,
  add column rating_average numeric(3, 2),
  add column rating_histogram integer[] not null default '{0,0,0,0,0}',
  add constraint books_rating_histogram_shape check (
    cardinality(rating_histogram) = 5 and array_lower(rating_histogram, 1) = 1 and 0 <= all (rating_histogram)
  ),
  add constraint books_rating_count_matches check (
    rating_count = rating_histogram[1] + rating_histogram[2] + rating_histogram[3] + rating_histogram[4] + rating_histogram[5]
  ),
  add constraint books_rating_average_range check (
    (rating_count = 0 and rating_average is null) or (rating_count > 0 and rating_average between 1 and 5)
  );
comment on column public.books.rating_count is
  'Number of visible reviews (hidden ones do not count), maintained by triggers on public.reviews. Not writable by API clients.';
comment on column public.books.rating_average is
  'Average rating of the visible reviews, 1.00–5.00 rounded to two decimals; null without reviews. Maintained by triggers on public.reviews.';
comment on column public.books.rating_histogram is
  'Visible reviews per rating, {one star, …, five stars} (index 1 = one star); sums to rating_count. Maintained by triggers on public.reviews.';

-- A write of the rating columns alone (the review triggers') is not an edit of the book: it keeps
-- updated_at (catalog caches and sync compare it) and writes no audit entry (one per review would
-- flood the log; the reviews carry their own history). Admins never write these columns (no
-- column privilege), so "the rating columns changed" means "the review triggers wrote".
drop trigger set_updated_at on public.books;
create trigger set_updated_at before update on public.books
  for each row
  when (
    old.rating_count is not distinct from new.rating_count
    and old.rating_average is not distinct from new.rating_average
    and old.rating_histogram is not distinct from new.rating_histogram
  )
  execute function private.set_updated_at();

drop trigger audit on public.books;
create trigger audit after insert or update or delete on public.books
  for each row execute function private.audit_row_change(
    'book', 'id', 'search_vector', 'title_search', 'is_published', 'list_authors', 'facet_category_ids',
    'rating_count', 'rating_average', 'rating_histogram'
  );

-- =============================================================================================
-- Tables
-- =============================================================================================
create table public.reviews (
  id uuid primary key default gen_random_uuid(),
  book_id uuid not null references public.books (id) on delete cascade,
  -- Null once the author's account is anonymised (the review stays, attributed to nobody).
  user_id uuid default auth.uid() references auth.users (id) on delete cascade,
  rating smallint not null
    constraint reviews_rating_range check (rating between 1 and 5),
  title text
    constraint reviews_title_text check (title is null or private.is_community_text(title, 120)),
  body text
    constraint reviews_body_text check (body is null or private.is_community_text(body, 5000)),
  is_verified_reader boolean not null default false,
  helpful_count integer not null default 0
    constraint reviews_helpful_count_non_negative check (helpful_count >= 0),
  hidden_at timestamptz,
  hidden_reason text
    constraint reviews_hidden_reason_length check (char_length(hidden_reason) <= 1000),
  edited_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint reviews_one_per_reader unique (book_id, user_id)
);
comment on table public.reviews is
  'Readers'' reviews of books: one per reader and book, rating 1–5 with an optional title and body (plain text or the Markdown subset, never HTML). Everyone sees the visible (not hidden) reviews of the books they may see; authors see their own (hidden ones too); moderators see all. Readers write their own (community:participate, not suspended, throttled). Feeds books.rating_*.';
comment on column public.reviews.id is 'Review id.';
comment on column public.reviews.book_id is 'The reviewed book.';
comment on column public.reviews.user_id is 'The author (set from the token); null once their account was anonymised.';
comment on column public.reviews.rating is 'Rating, 1 (worst) to 5 (best) stars.';
comment on column public.reviews.title is 'Optional title (1–120 characters, community text).';
comment on column public.reviews.body is 'Optional text (1–5000 characters, plain text or the Markdown subset; never HTML: escape when rendering).';
comment on column public.reviews.is_verified_reader is 'The author has read at least 1 % of the book or bought it (an unrevoked book entitlement) — set by trigger on every write, not writable by clients.';
comment on column public.reviews.helpful_count is 'Number of "helpful" votes (public.review_votes), maintained by trigger.';
comment on column public.reviews.hidden_at is 'When moderation hid the review (reports or a moderator); null = visible. Hidden reviews do not count in the book''s rating.';
comment on column public.reviews.hidden_reason is 'Why it is hidden (''reports'' for the automatic hide, or the moderator''s reason).';
comment on column public.reviews.edited_at is 'When the author last changed the rating, title or body; null = never edited.';
comment on column public.reviews.created_at is 'When the review was written.';
comment on column public.reviews.updated_at is 'When the rating, title, body or moderation state last changed (votes do not count).';

create table public.review_votes (
  review_id uuid not null references public.reviews (id) on delete cascade,
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (review_id, user_id)
);
comment on table public.review_votes is
  '"Helpful" votes on reviews: one per reader and review, never on one''s own. Readers see, add and remove their own; moderators see all. Kept in reviews.helpful_count by trigger.';
comment on column public.review_votes.review_id is 'The review found helpful.';
comment on column public.review_votes.user_id is 'The voter (set from the token).';
comment on column public.review_votes.created_at is 'When the vote was cast.';

-- The first page of a book's reviews, by each sort the SDK offers (newest, helpful, rating_high,
-- rating_low), is one index range scan; the cursor continues from (key, created_at, id).
create index reviews_book_newest_idx on public.reviews (book_id, created_at desc, id desc);
create index reviews_book_helpful_idx on public.reviews (book_id, helpful_count desc, created_at desc, id desc);
create index reviews_book_rating_high_idx on public.reviews (book_id, rating desc, created_at desc, id desc);
create index reviews_book_rating_low_idx on public.reviews (book_id, rating asc, created_at desc, id desc);
create index reviews_user_id_idx on public.reviews (user_id);
create index review_votes_user_id_idx on public.review_votes (user_id);

-- =============================================================================================
-- Functions
-- =============================================================================================
create or replace function private.is_verified_reader(user_id uuid, book_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select is_verified_reader.user_id is not null and (
    exists (
      select 1 from public.reading_progress p
      where p.user_id = is_verified_reader.user_id and p.book_id = is_verified_reader.book_id and p.percentage >= 1
    )
    or exists (
      select 1 from public.entitlements e
      where e.user_id = is_verified_reader.user_id and e.book_id = is_verified_reader.book_id and e.revoked_at is null
    )
  );
$$;
comment on function private.is_verified_reader(uuid, uuid) is
  'True when the user has read at least 1 % of the book or holds an unrevoked entitlement to it (bought it).';

create or replace function private.reviews_before_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform private.community_throttle('review');
    new.helpful_count := 0;
    new.edited_at := null;
    new.created_at := now();
    new.updated_at := now();
    new.is_verified_reader := private.is_verified_reader(new.user_id, new.book_id);
    return new;
  end if;
  -- An upsert sends book_id again (same value); moving a review to another book or author is not an edit.
  if new.book_id is distinct from old.book_id then
    raise exception using errcode = '22023', message = 'book_id cannot change', hint = 'Delete the review and write another.';
  end if;
  if new.user_id is distinct from old.user_id and new.user_id is not null then
    raise exception using errcode = '22023', message = 'user_id cannot change';
  end if;
  if (new.rating, new.title, new.body) is distinct from (old.rating, old.title, old.body) then
    new.edited_at := now();
    new.updated_at := now();
    new.is_verified_reader := private.is_verified_reader(new.user_id, new.book_id) or old.is_verified_reader;
  elsif (new.hidden_at, new.hidden_reason) is distinct from (old.hidden_at, old.hidden_reason) then
    new.updated_at := now();
  end if;
  return new;
end;
$$;
comment on function private.reviews_before_write() is
  'Trigger: throttles review writes (insert and upsert), sets is_verified_reader, counters and timestamps; refuses moving a review to another book or author. Votes (helpful_count) do not touch updated_at.';

create or replace function private.reviews_after_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  -- The rating this row removes from / adds to the book (null: it did not / does not count).
  removed smallint := case when tg_op <> 'INSERT' and old.hidden_at is null then old.rating end;
  added smallint := case when tg_op <> 'DELETE' and new.hidden_at is null then new.rating end;
  target uuid := case when tg_op = 'DELETE' then old.book_id else new.book_id end;
  histogram integer[];
  total integer;
begin
  if removed is not distinct from added then
    return null;
  end if;
  -- Lock the book's row and read its current histogram (the latest committed one: the lock waits
  -- for a concurrent reviewer of the same book and then sees their write). NO KEY UPDATE, not
  -- UPDATE: the review's foreign key check already holds KEY SHARE on the book, which FOR UPDATE
  -- conflicts with — two concurrent reviewers would each wait for the other's KEY SHARE (deadlock).
  select b.rating_histogram into histogram from public.books b where b.id = target for no key update;
  if not found then
    return null; -- the book is being deleted (reviews cascade)
  end if;
  if removed is not null then
    histogram[removed] := histogram[removed] - 1;
  end if;
  if added is not null then
    histogram[added] := histogram[added] + 1;
  end if;
  total := histogram[1] + histogram[2] + histogram[3] + histogram[4] + histogram[5];
  update public.books b
  set rating_histogram = histogram,
      rating_count = total,
      rating_average = case when total > 0 then round(
        (histogram[1] + 2 * histogram[2] + 3 * histogram[3] + 4 * histogram[4] + 5 * histogram[5])::numeric / total, 2
      ) end
  where b.id = target;
  return null;
end;
$$;
comment on function private.reviews_after_change() is
  'Trigger: applies a review''s change (insert, rating change, delete, hide/restore) to its book''s rating_count, rating_average and rating_histogram, under the book row''s lock (exact under concurrent reviews).';

create or replace function private.review_votes_before_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.community_throttle('vote');
  new.created_at := now();
  return new;
end;
$$;
comment on function private.review_votes_before_insert() is 'Trigger: throttles votes (action `vote`).';

create or replace function private.review_votes_after_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    update public.reviews r set helpful_count = r.helpful_count + 1 where r.id = new.review_id;
  else
    update public.reviews r set helpful_count = greatest(r.helpful_count - 1, 0) where r.id = old.review_id;
  end if;
  return null;
end;
$$;
comment on function private.review_votes_after_change() is 'Trigger: keeps reviews.helpful_count equal to the review''s votes.';

create or replace function private.review_is_votable(review_id uuid)
returns boolean
language sql
stable
security invoker
set search_path = ''
as $$
  -- As the caller: the review must be visible to them (reviews policies), not hidden, and not theirs.
  select exists (
    select 1 from public.reviews r
    where r.id = review_is_votable.review_id
      and r.hidden_at is null
      and r.user_id is distinct from (select auth.uid())
  );
$$;
comment on function private.review_is_votable(uuid) is
  'Vote policy: the review is visible to the caller, not hidden and not their own (runs as the caller).';

create or replace function private.is_visible_book(book_id uuid)
returns boolean
language sql
stable
security invoker
-- The SET clause keeps the function from being inlined: inlined, the reviews policy's EXISTS sits
-- under an OR and Postgres planned it as a hashed subplan, a sequential scan of every visible book
-- on each read of a book's reviews (≈ 10 ms at 10k books, growing with the catalog). Called per
-- review row instead, it is one primary-key probe for the 11 rows of a page.
set search_path = ''
as $$
  -- As the caller: the books policies decide (published for everyone, drafts for admins).
  select exists (select 1 from public.books b where b.id = is_visible_book.book_id);
$$;
comment on function private.is_visible_book(uuid) is
  'Reviews select policy: the book is visible to the caller (runs as the caller, so the books policies apply). Not inlined on purpose (a primary-key probe per row, never a scan of the catalog).';

create or replace function private.erase_community_reviews(user_id uuid)
returns void
language sql
security definer
set search_path = ''
as $$
  delete from public.review_votes v where v.user_id = erase_community_reviews.user_id;
  update public.reviews r set user_id = null where r.user_id = erase_community_reviews.user_id;
$$;
comment on function private.erase_community_reviews(uuid) is
  'Anonymisation step: deletes the user''s helpful votes and detaches their reviews (user_id → null; rating and text stay, attributed to nobody).';

-- =============================================================================================
-- Triggers
-- =============================================================================================
create trigger before_write before insert or update on public.reviews
  for each row execute function private.reviews_before_write();
create trigger maintain_book_rating after insert or update of rating, hidden_at or delete on public.reviews
  for each row execute function private.reviews_after_change();
create trigger before_insert before insert on public.review_votes
  for each row execute function private.review_votes_before_insert();
create trigger maintain_helpful_count after insert or delete on public.review_votes
  for each row execute function private.review_votes_after_change();

-- =============================================================================================
-- Row Level Security
-- =============================================================================================
alter table public.reviews enable row level security;
alter table public.review_votes enable row level security;

-- reviews ------------------------------------------------------------------------------------
-- "The book is visible": asked as the caller, so the books policies decide (drafts: admins only).
create policy "Visible reviews of visible books are public"
  on public.reviews for select to anon
  using (hidden_at is null and private.is_visible_book(book_id));
create policy "Readers see visible reviews, their own, and moderators all"
  on public.reviews for select to authenticated
  using (
    (hidden_at is null and private.is_visible_book(book_id))
    or user_id = (select auth.uid())
    or (select private.community_can_moderate())
  );
create policy "Readers review the books they may see"
  on public.reviews for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and (select private.community_can_write())
    and exists (select 1 from public.books b where b.id = book_id)
  );
create policy "Readers edit their own reviews"
  on public.reviews for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()) and (select private.community_can_write()));
create policy "Readers delete their own reviews"
  on public.reviews for delete to authenticated
  using (user_id = (select auth.uid()));

-- review_votes -------------------------------------------------------------------------------
create policy "Readers see their own votes and moderators all"
  on public.review_votes for select to authenticated
  using (user_id = (select auth.uid()) or (select private.community_can_moderate()));
create policy "Readers vote for reviews they see, not their own"
  on public.review_votes for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and (select private.community_can_write())
    and private.review_is_votable(review_id)
  );
create policy "Readers withdraw their own votes"
  on public.review_votes for delete to authenticated
  using (user_id = (select auth.uid()));

-- =============================================================================================
-- Grants
-- =============================================================================================
revoke all on table public.reviews, public.review_votes from public, anon, authenticated;
grant select on table public.reviews to anon, authenticated;
-- book_id is updatable only because an upsert (ON CONFLICT DO UPDATE) sets it again; the trigger
-- refuses any change. Counters, moderation state and timestamps are the triggers' and moderators'.
grant insert (book_id, rating, title, body), update (book_id, rating, title, body), delete
  on table public.reviews to authenticated;
grant select, delete on table public.review_votes to authenticated;
grant insert (review_id) on table public.review_votes to authenticated;
grant all on table public.reviews, public.review_votes to service_role;

revoke all on function
  private.is_verified_reader(uuid, uuid),
  private.reviews_before_write(),
  private.reviews_after_change(),
  private.review_votes_before_insert(),
  private.review_votes_after_change(),
  private.review_is_votable(uuid),
  private.is_visible_book(uuid),
  private.erase_community_reviews(uuid)
from public, anon, authenticated;
grant execute on function private.review_is_votable(uuid) to authenticated, service_role;
grant execute on function private.is_visible_book(uuid) to anon, authenticated, service_role;
grant execute on function private.erase_community_reviews(uuid) to service_role;

-- =============================================================================================
-- Registrations: moderation target, account anonymisation
-- =============================================================================================
insert into private.community_report_targets (target_type, table_name, author_column, description)
values ('review', 'public.reviews', 'user_id', 'A reader''s review of a book (rating, title, text).')
on conflict do nothing;

insert into private.account_anonymizers (function_name, position, description)
values ('private.erase_community_reviews(uuid)', 310, 'Community reviews: votes deleted, reviews kept and attributed to nobody.')
on conflict do nothing;
