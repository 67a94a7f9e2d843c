-- Search at 8 clients on 2 cores (issue 10): a narrow side-table for text search.
--
-- A common term ("histoire", ~12 % of the 100k bench catalog) matched 11.9k books through a bitmap
-- heap scan of public.books, whose rows carry descriptions, metadata, list_authors and a dozen
-- columns search never reads: most of the scan was spent visiting wide heap pages. The match set of
-- a text query now comes from private.book_search, one narrow row per *published* book with only
-- what matching, ranking, filtering, facets and sorting read (search_vector, title_search, title,
-- language, price, is_free, is_featured, published_at, facet_category_ids, country_restriction),
-- with its own GIN indexes. Browsing (no text query) still walks public.books' ordering indexes
-- (LIMIT n) and index-only counts, which the side-table would not improve.
--
-- Results are exactly those of 20261208100200_catalog_country_rules.sql: same rows (published
-- books, the same filters and country rule), same rank (the same search_vector), same order, totals
-- and facets. Only private.search_book_matches() changes; public.search_books() keeps its
-- signature and body.
--
-- Sync: every value the side-table holds is a column of public.books (search_vector, title_search,
-- list data and facet_category_ids are themselves kept on books by the catalog triggers, from
-- book_authors, authors.name, book_categories and categories), so two statement-level triggers on
-- books (insert and update, with transition tables, one set-based statement per write, so a bulk
-- import of 1M books costs one INSERT … SELECT) and the foreign key (on delete cascade) keep it
-- in sync. Ratings are not in it: search
-- never ranks or filters by them, and the page items are read from books.
--
-- Read replicas: the side-table is an ordinary table written only by those triggers, so a
-- streaming replica carries it and search stays a read-only STABLE function.

-- =============================================================================================
-- Side-table
-- =============================================================================================
create table private.book_search (
  id uuid primary key references public.books (id) on delete cascade,
  search_vector tsvector,
  title_search text not null,
  title text not null,
  language text not null,
  price integer not null,
  is_free boolean not null,
  is_featured boolean not null,
  published_at timestamptz,
  facet_category_ids uuid[] not null,
  country_restriction text[]
);
-- ts_rank reads search_vector for every match: keep it in the row (no TOAST fetch per match).
alter table private.book_search alter column search_vector set storage main;
alter table private.book_search enable row level security;
revoke all on table private.book_search from public, anon, authenticated;

comment on table private.book_search is
  'Internal: one narrow row per published book, only the columns text search matches, ranks, filters, counts and sorts on (private.search_book_matches). Kept in sync with public.books by statement triggers (private.book_search_sync_upsert) and its foreign key (on delete cascade); never written directly. RLS on with no policy: only definer functions read it.';
comment on column private.book_search.id is 'The book (public.books.id).';
comment on column private.book_search.search_vector is 'Copy of books.search_vector (full-text document; ranking reads it).';
comment on column private.book_search.title_search is 'Copy of books.title_search (lower-case, accent-free title, trigram-indexed for typo search).';
comment on column private.book_search.title is 'Copy of books.title (sort by title).';
comment on column private.book_search.language is 'Copy of books.language (filter and facet).';
comment on column private.book_search.price is 'Copy of books.price (filters and price sorts).';
comment on column private.book_search.is_free is 'Copy of books.is_free (filter and facet).';
comment on column private.book_search.is_featured is 'Copy of books.is_featured (relevance tie-break).';
comment on column private.book_search.published_at is 'Copy of books.published_at (newest sort and tie-breaks).';
comment on column private.book_search.facet_category_ids is 'Copy of books.facet_category_ids (categories and their ancestors: category filter and facet).';
comment on column private.book_search.country_restriction is 'Copy of books.country_restriction (null when sold worldwide: the country rule).';

create index book_search_search_vector_idx on private.book_search using gin (search_vector);
create index book_search_title_trgm_idx on private.book_search using gin (title_search extensions.gin_trgm_ops);

-- =============================================================================================
-- Sync from public.books (statement triggers with transition tables)
-- =============================================================================================
create or replace function private.book_search_sync_upsert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Unpublished (or deleted by an UPDATE … status = 'draft'): out of the side-table.
  delete from private.book_search s
  using changed_books c
  where s.id = c.id and not c.is_published;

  insert into private.book_search as s (
    id, search_vector, title_search, title, language, price, is_free, is_featured, published_at,
    facet_category_ids, country_restriction
  )
  select c.id, c.search_vector, c.title_search, c.title, c.language, c.price, c.is_free, c.is_featured,
    c.published_at, c.facet_category_ids, c.country_restriction
  from changed_books c
  where c.is_published
  on conflict (id) do update set
    search_vector = excluded.search_vector,
    title_search = excluded.title_search,
    title = excluded.title,
    language = excluded.language,
    price = excluded.price,
    is_free = excluded.is_free,
    is_featured = excluded.is_featured,
    published_at = excluded.published_at,
    facet_category_ids = excluded.facet_category_ids,
    country_restriction = excluded.country_restriction
  -- A write that changed nothing search reads (a rating, a cover, updated_at) leaves no dead row.
  where (s.search_vector, s.title_search, s.title, s.language, s.price, s.is_free, s.is_featured,
         s.published_at, s.facet_category_ids, s.country_restriction)
    is distinct from
        (excluded.search_vector, excluded.title_search, excluded.title, excluded.language, excluded.price,
         excluded.is_free, excluded.is_featured, excluded.published_at, excluded.facet_category_ids,
         excluded.country_restriction);
  return null;
end;
$$;
comment on function private.book_search_sync_upsert() is
  'Statement trigger (after insert or update on public.books, transition table changed_books): copies published books into private.book_search and removes unpublished ones.';

revoke all on function private.book_search_sync_upsert() from public, anon, authenticated;

create trigger book_search_sync_insert after insert on public.books
  referencing new table as changed_books
  for each statement execute function private.book_search_sync_upsert();
create trigger book_search_sync_update after update on public.books
  referencing new table as changed_books
  for each statement execute function private.book_search_sync_upsert();
-- A deleted book leaves through the foreign key (on delete cascade).

-- Backfill.
insert into private.book_search (
  id, search_vector, title_search, title, language, price, is_free, is_featured, published_at,
  facet_category_ids, country_restriction
)
select b.id, b.search_vector, b.title_search, b.title, b.language, b.price, b.is_free, b.is_featured,
  b.published_at, b.facet_category_ids, b.country_restriction
from public.books b
where b.is_published;

-- =============================================================================================
-- Search: text queries match in the side-table
-- =============================================================================================
create or replace function private.search_book_matches(
  query text,
  category_id uuid,
  language text,
  is_free boolean,
  min_price integer,
  max_price integer,
  author uuid,
  countries text[],
  sort_key text,
  page_limit integer,
  page_offset bigint
)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  -- Published books only, whatever the caller may see: this function bypasses RLS. A text query
  -- matches in private.book_search (published books only, narrow rows); browsing reads books.
  filters text := case when query is null then 'b.is_published' else 'true' end;
  source text := case when query is null then 'public.books' else 'private.book_search' end;
  columns text :=
    'b.price, b.is_free, b.is_featured, b.language, b.published_at, b.facet_category_ids';
  folded text;
  ts tsquery;         -- $1: all parses OR'ed, for matching
  fuzzy text;         -- $2: normalised text for trigram matching
  ts_fr tsquery;      -- $12 … $14: the parse each book is ranked with, by its language
  ts_en tsquery;
  ts_simple tsquery;
  match_sql text;
  order_sql text;
  result jsonb;
  empty_result constant jsonb := jsonb_build_object(
    'total', 0, 'ids', '[]'::jsonb,
    'facets', jsonb_build_object('categories', '[]'::jsonb, 'languages', '[]'::jsonb, 'price', '[]'::jsonb)
  );
begin
  if sort_key is null or sort_key not in ('relevance', 'newest', 'title', 'price_asc', 'price_desc') then
    raise exception using errcode = '22023', message = 'sort is invalid';
  end if;
  if page_limit is null or page_limit not between 1 and 100 or page_offset is null or page_offset < 0 then
    raise exception using errcode = '22023', message = 'page is invalid';
  end if;

  -- ===== Query =============================================================================
  if query is not null then
    folded := private.unaccent(query);
    ts_fr := websearch_to_tsquery('pg_catalog.french', folded);
    ts_en := websearch_to_tsquery('pg_catalog.english', folded);
    ts_simple := websearch_to_tsquery('pg_catalog.simple', folded);
    ts := ts_fr;
    if ts_en::text <> ts_fr::text then
      ts := ts || ts_en;
    end if;
    if ts_simple::text not in (ts_fr::text, ts_en::text) then
      ts := ts || ts_simple;
    end if;
    if numnode(ts) = 0 then
      ts := null;  -- only punctuation
    end if;
    fuzzy := btrim(regexp_replace(private.search_text(query), '[^[:alnum:]]+', ' ', 'g'));
    if char_length(fuzzy) < 3 or numnode(ts_fr) = 0 or numnode(ts_en) = 0 then
      -- Too short for meaningful trigrams, or only stop words ("la les", "the"): nothing worth a
      -- fuzzy match.
      fuzzy := null;
    end if;
    if ts is null and fuzzy is null then
      return empty_result;
    end if;
    -- A parse that came out empty (stop words in that language) ranks with the combined query.
    if numnode(ts_fr) = 0 then ts_fr := ts; end if;
    if numnode(ts_en) = 0 then ts_en := ts; end if;
    if numnode(ts_simple) = 0 then ts_simple := ts; end if;
  end if;

  -- ===== Filters ($3 … $9; only those in use are added) ====================================
  if search_book_matches.language is not null then
    filters := filters || ' and b.language = $4';
  end if;
  if search_book_matches.is_free is not null then
    filters := filters || ' and b.is_free = $5';
  end if;
  if min_price is not null then
    filters := filters || ' and b.price >= $6';
  end if;
  if max_price is not null then
    filters := filters || ' and b.price <= $7';
  end if;
  if countries is not null then
    -- Sold worldwide (no restriction), or in every listed country; a null element (a reader
    -- without a country) matches no restricted book.
    filters := filters || ' and (b.country_restriction is null or b.country_restriction @> $9)';
  end if;
  if author is not null then
    filters := filters
      || ' and exists (select 1 from public.book_authors fa where fa.book_id = b.id and fa.author_id = $8)';
  end if;
  if category_id is not null then
    -- facet_category_ids holds each book's categories and their ancestors: the whole subtree.
    filters := filters || ' and b.facet_category_ids @> array[$3]';
  end if;

  -- ===== Ordering ==========================================================================
  if sort_key = 'title' then
    columns := columns || ', b.title';
  end if;
  order_sql := case sort_key
    when 'relevance' then
      case when query is not null
        then 'm.rank desc, m.is_featured desc, m.published_at desc, m.id'
        else 'm.is_featured desc, m.published_at desc, m.id'
      end
    when 'newest' then 'm.published_at desc, m.id'
    -- ICU root collation when available: accent- and case-insensitive order (École with Ecole).
    when 'title' then
      case when exists (select 1 from pg_catalog.pg_collation where collname = 'unicode')
        then 'm.title collate "unicode", m.id'
        else 'm.title, m.id'
      end
    when 'price_asc' then 'm.price, m.published_at desc, m.id'
    else 'm.price desc, m.published_at desc, m.id'
  end;

  -- ===== Search: full text, then (only if it found nothing) trigram similarity =============
  for attempt in 1..2 loop
    if query is null then
      exit when attempt = 2;
      match_sql := 'select b.id, 0::real as rank, ' || columns || ' from public.books b where ' || filters;
    elsif attempt = 1 then
      continue when ts is null;
      match_sql := 'select b.id, '
        || case when sort_key = 'relevance'
             then 'ts_rank(b.search_vector, case left(b.language, 2)'
               || ' when ''fr'' then $12 when ''en'' then $13 else $14 end)'
             else '0::real'
           end
        || ' as rank, ' || columns
        || ' from ' || source || ' b where b.search_vector @@ $1 and ' || filters;
    else
      exit when fuzzy is null or (result ->> 'total')::bigint > 0;
      -- Titles through their trigram index; author names through theirs, then the authors' books.
      -- A book found both ways keeps its best score.
      match_sql := 'select distinct on (s.id) s.* from ('
        || 'select b.id, extensions.word_similarity($2, b.title_search) as rank, ' || columns
        || ' from ' || source || ' b'
        || ' where b.title_search operator(extensions.%>) $2 and ' || filters
        || ' union all '
        || 'select b.id, 0.9 * extensions.word_similarity($2, private.search_text(a.name)) as rank, ' || columns
        || ' from public.authors a'
        || ' join public.book_authors ba on ba.author_id = a.id'
        || ' join ' || source || ' b on b.id = ba.book_id'
        || ' where private.search_text(a.name) operator(extensions.%>) $2 and ' || filters
        || ') s order by s.id, s.rank desc';
    end if;

    execute
      -- With a text query the match set comes from a bitmap heap scan: compute it once. Without
      -- one, let the planner inline it instead: the page then walks an ordering index (LIMIT n)
      -- and the counts scan the table once, with no copy of every row in between.
      'with matches as ' || case when query is null then 'not materialized' else 'materialized' end
      || ' (' || match_sql || '),'
      -- The total and every facet in one pass: the matches grouped by (language, is_free,
      -- category set) first (a few hundred groups, and without a text query a GroupAggregate
      -- over books_browse_facets_idx in that order), then the grouping sets over those groups;
      -- grouping() tells the sets apart (a bit is set for each column left out: 3 = by language,
      -- 5 = by is_free, 6 = by category set, 7 = the total).
      || ' counts as materialized ('
      || '   select grouping(m.language, m.is_free, m.facet_category_ids) as g,'
      || '     m.language, m.is_free, m.facet_category_ids, sum(m.n)::bigint as n'
      || '   from ('
      || '     select m.language, m.is_free, m.facet_category_ids, count(*) as n'
      || '     from matches m'
      || '     group by m.language, m.is_free, m.facet_category_ids'
      || '   ) m'
      || '   group by grouping sets ((m.language), (m.is_free), (m.facet_category_ids), ())'
      || ' ),'
      -- A book lists each of its categories and their ancestors once, so summing the counts of
      -- the distinct category sets counts every book once per category, subcategories included.
      || ' category_counts as ('
      || '   select f.id, sum(s.n)::bigint as n'
      || '   from counts s cross join unnest(s.facet_category_ids) as f (id)'
      || '   where s.g = 6'
      || '   group by f.id'
      || ' )'
      || ' select jsonb_build_object('
      || '   ''total'', coalesce((select s.n from counts s where s.g = 7), 0),'
      || '   ''ids'', coalesce((select jsonb_agg(m.id order by ' || order_sql || ') from ('
      || '       select m.* from matches m order by ' || order_sql || ' limit $10 offset $11'
      || '     ) m), ''[]''::jsonb),'
      || '   ''facets'', jsonb_build_object('
      || '     ''categories'', coalesce((select jsonb_agg(jsonb_build_object('
      || '         ''id'', c.id, ''slug'', c.slug, ''name'', c.name, ''count'', cc.n)'
      || '         order by cc.n desc, c.name, c.id)'
      || '       from category_counts cc join public.categories c on c.id = cc.id), ''[]''::jsonb),'
      || '     ''languages'', coalesce((select jsonb_agg(jsonb_build_object(''language'', s.language, ''count'', s.n)'
      || '         order by s.n desc, s.language) from counts s where s.g = 3), ''[]''::jsonb),'
      || '     ''price'', coalesce((select jsonb_agg(jsonb_build_object(''is_free'', s.is_free, ''count'', s.n)'
      || '         order by s.is_free desc) from counts s where s.g = 5), ''[]''::jsonb)'
      || '   )'
      || ' )'
      into result
      using ts, fuzzy, category_id, search_book_matches.language, search_book_matches.is_free,
        min_price, max_price, author, countries, page_limit, page_offset, ts_fr, ts_en, ts_simple;
  end loop;

  return coalesce(result, empty_result);
end;
$$;
comment on function private.search_book_matches(text, uuid, text, boolean, integer, integer, uuid, text[], text, integer, bigint) is
  'Internal to public.search_books(): total, page ids and facets of a search over published books sold in every one of `countries` (null: anywhere; security definer so that the GIN indexes apply; reads published books only).';

