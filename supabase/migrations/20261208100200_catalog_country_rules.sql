-- Country rules of the catalog (issue 11 §3): a book whose available_countries is not empty is
-- sold only in those countries, and readers elsewhere neither list it, find it, nor open it.
--
-- The reader's country (private.reader_country()) is, in order: the country of their profile,
-- the `app_metadata.country` claim of their JWT (partner sessions), the `x-coko-country` request
-- header (the SDK's `country` option, for guests), else none. Readers see a published book when it
-- is sold worldwide (available_countries empty) or in their country; without a country, worldwide
-- books only. Editors (books:update) see every book, drafts included. The rule lives in the books
-- policy, so book_authors and book_categories (visible "when their book is") follow it, and
-- search_books() applies it to its match set, which it reads past RLS.
--
-- Cost on the hot path: the predicate reads books.country_restriction, a generated column that is
-- null for worldwide books. `country_restriction is null` is estimated from the column's
-- statistics (a null test, not an operator, so RLS does not hide the statistics from the planner,
-- as it does for `@>`): list estimates (count=estimated) and plans stay what they were. The list
-- and count indexes include it, so counts stay index-only. reader_country() runs once per
-- statement (an InitPlan), never per row.

-- =============================================================================================
-- Column
-- =============================================================================================
alter table public.books
  add column country_restriction text[]
    generated always as (case when available_countries = '{}'::text[] then null else available_countries end) stored;
comment on column public.books.country_restriction is
  'Internal: available_countries, or null when the book is sold worldwide (generated), the column the readers'' row-level security policy and the list indexes use. Not writable; set available_countries instead.';

-- The indexes lists and counts read index-only carry the readers' whole predicate.
drop index public.books_featured_idx;
create index books_featured_idx on public.books (is_featured desc, published_at desc, id)
  include (is_published, country_restriction);
drop index public.books_published_at_idx;
create index books_published_at_idx on public.books (published_at desc, id)
  include (is_published, country_restriction);
drop index public.books_is_published_idx;
create index books_is_published_idx on public.books (is_published) include (country_restriction);
drop index public.books_browse_facets_idx;
create index books_browse_facets_idx on public.books (language, is_free, facet_category_ids)
  include (country_restriction)
  where is_published;

-- =============================================================================================
-- The reader's country
-- =============================================================================================
create or replace function private.reader_country()
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(
    -- Definer: anon has no privilege on profiles (and a signed-in reader only sees their own row).
    (select p.country::text from public.profiles p where p.id = (select auth.uid())),
    (select c from (select upper(auth.jwt() -> 'app_metadata' ->> 'country') as c) claim where c ~ '^[A-Z]{2}$'),
    (select c from (
      select upper(btrim(nullif(current_setting('request.headers', true), '')::json ->> 'x-coko-country')) as c
    ) header where c ~ '^[A-Z]{2}$')
  );
$$;
comment on function private.reader_country() is
  'The caller''s country (ISO 3166-1 alpha-2): their profile''s country, else the JWT claim app_metadata.country, else the x-coko-country request header (the SDK''s country option), else null. Invalid values are ignored.';

revoke all on function private.reader_country() from public;
grant execute on function private.reader_country() to anon, authenticated, service_role;

-- =============================================================================================
-- Books policy (book_authors and book_categories follow: they are visible when their book is)
-- =============================================================================================
-- Whatever the SELECT policies are called by now (the editors' migration renames them), one
-- permissive policy replaces them all (advisor lint 0006).
do $$
declare
  policy record;
begin
  for policy in
    select policyname from pg_catalog.pg_policies
    where schemaname = 'public' and tablename = 'books' and cmd = 'SELECT'
  loop
    execute format('drop policy %I on public.books', policy.policyname);
  end loop;
end;
$$;

create policy "Readers see published books sold in their country and editors see every book"
  on public.books for select
  to anon, authenticated
  using (
    (is_published and (country_restriction is null or country_restriction @> array[(select private.reader_country())]))
    or (select private.authorize('books:update'))
  );
comment on table public.books is
  'Books of the catalog. Readers see published books sold worldwide (available_countries empty) or in their country (private.reader_country()); editors (books:update) see and write every book, deleting needs books:delete. Audited. Search through public.search_books().';

-- =============================================================================================
-- Search: the same rule, a query of at least 3 characters
-- =============================================================================================
drop function public.search_books(text, text, text, boolean, integer, integer, uuid, text, text, integer, integer);
drop function private.search_book_matches(text, uuid, text, boolean, integer, integer, uuid, text, text, integer, bigint);

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
  -- Published books only, whatever the caller may see: this function bypasses RLS.
  filters text := 'b.is_published';
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
        || ' from public.books b where b.search_vector @@ $1 and ' || filters;
    else
      exit when fuzzy is null or (result ->> 'total')::bigint > 0;
      -- Titles through their trigram index; author names through theirs, then the authors' books.
      -- A book found both ways keeps its best score.
      match_sql := 'select distinct on (s.id) s.* from ('
        || 'select b.id, extensions.word_similarity($2, b.title_search) as rank, ' || columns
        || ' from public.books b'
        || ' where b.title_search operator(extensions.%>) $2 and ' || filters
        || ' union all '
        || 'select b.id, 0.9 * extensions.word_similarity($2, private.search_text(a.name)) as rank, ' || columns
        || ' from public.authors a'
        || ' join public.book_authors ba on ba.author_id = a.id'
        || ' join public.books b on b.id = ba.book_id'
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

create or replace function public.search_books(
  query text default null,
  category text default null,
  language text default null,
  is_free boolean default null,
  min_price integer default null,
  max_price integer default null,
  author uuid default null,
  country text default null,
  sort text default 'relevance',
  page integer default 1,
  page_size integer default 20
)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
#variable_conflict use_column
declare
  q text := nullif(btrim(search_books.query), '');
  sort_key text := coalesce(nullif(lower(btrim(search_books.sort)), ''), 'relevance');
  category_id uuid;
  matches jsonb;
  page_ids uuid[];
  items jsonb;
  countries text[];
begin
  -- ===== Validate arguments (SQLSTATE 22023 → HTTP 400 through PostgREST) ==================
  if q is not null and char_length(q) > 200 then
    raise exception using errcode = '22023',
      message = 'query is too long',
      detail = format('query must be at most 200 characters after trimming; got %s.', char_length(q)),
      hint = 'argument: query';
  end if;
  if q is not null and char_length(q) < 3 then
    raise exception using errcode = '22023',
      message = 'query is too short',
      detail = format('query must be at least 3 characters after trimming (or empty, to browse); got %s.', char_length(q)),
      hint = 'argument: query';
  end if;
  if sort_key not in ('relevance', 'newest', 'title', 'price_asc', 'price_desc') then
    raise exception using errcode = '22023',
      message = 'sort is invalid',
      detail = format('sort must be one of relevance, newest, title, price_asc, price_desc; got %L.', search_books.sort),
      hint = 'argument: sort';
  end if;
  if search_books.page is null or search_books.page < 1 then
    raise exception using errcode = '22023',
      message = 'page is invalid',
      detail = format('page must be an integer >= 1; got %s.', coalesce(search_books.page::text, 'null')),
      hint = 'argument: page';
  end if;
  if search_books.page_size is null or search_books.page_size not between 1 and 100 then
    raise exception using errcode = '22023',
      message = 'page_size is invalid',
      detail = format('page_size must be between 1 and 100; got %s.', coalesce(search_books.page_size::text, 'null')),
      hint = 'argument: page_size';
  end if;
  if search_books.min_price < 0 then
    raise exception using errcode = '22023',
      message = 'min_price is invalid',
      detail = format('min_price must be >= 0 (minor currency units); got %s.', search_books.min_price),
      hint = 'argument: min_price';
  end if;
  if search_books.max_price < 0 then
    raise exception using errcode = '22023',
      message = 'max_price is invalid',
      detail = format('max_price must be >= 0 (minor currency units); got %s.', search_books.max_price),
      hint = 'argument: max_price';
  end if;
  if search_books.min_price > search_books.max_price then
    raise exception using errcode = '22023',
      message = 'min_price is greater than max_price',
      detail = format('min_price (%s) must not exceed max_price (%s).', search_books.min_price, search_books.max_price),
      hint = 'argument: min_price';
  end if;
  if search_books.language !~ '^[a-z]{2}(-[A-Z]{2})?$' then
    raise exception using errcode = '22023',
      message = 'language is invalid',
      detail = format('language must look like fr or fr-SN (ISO 639-1, optional region); got %L.', search_books.language),
      hint = 'argument: language';
  end if;
  if search_books.country !~ '^[A-Z]{2}$' then
    raise exception using errcode = '22023',
      message = 'country is invalid',
      detail = format('country must be an upper-case ISO 3166-1 alpha-2 code such as SN; got %L.', search_books.country),
      hint = 'argument: country';
  end if;

  -- ===== Category (the match includes its subcategories) ===================================
  if search_books.category is not null then
    select c.id into category_id from public.categories c where c.slug = search_books.category;
    if category_id is null then
      -- Unknown category: nothing can match.
      return jsonb_build_object(
        'total', 0,
        'items', '[]'::jsonb,
        'facets', jsonb_build_object('categories', '[]'::jsonb, 'languages', '[]'::jsonb, 'price', '[]'::jsonb)
      );
    end if;
  end if;

  -- ===== Countries: the reader's rule, then the country filter ============================
  -- The match set is read past RLS (see private.search_book_matches), so the rule the books policy
  -- applies is applied here too: editors see every published book; readers only those sold
  -- worldwide or in their country (none: worldwide only). A `country` argument narrows further.
  if not (select private.authorize('books:update')) then
    countries := array[(select private.reader_country())];
  end if;
  if search_books.country is not null then
    countries := array(select distinct c from unnest(coalesce(countries, '{}') || search_books.country) as c);
  end if;

  -- ===== Match set: total, page ids, facets ================================================
  matches := private.search_book_matches(
    q, category_id, search_books.language, search_books.is_free,
    search_books.min_price, search_books.max_price, search_books.author, countries,
    sort_key, search_books.page_size, (search_books.page::bigint - 1) * search_books.page_size
  );

  -- ===== The page of books, read as the caller (RLS applies) ===============================
  page_ids := array(select jsonb_array_elements_text(matches -> 'ids')::uuid);
  select coalesce(jsonb_agg(jsonb_build_object(
      'id', b.id,
      'title', b.title,
      'subtitle', b.subtitle,
      'cover_path', b.cover_path,
      'language', b.language,
      'price', b.price,
      'currency', b.currency,
      'is_free', b.is_free,
      'is_featured', b.is_featured,
      'format', b.format,
      'publication_date', b.publication_date,
      -- Denormalised by triggers (credit order), as catalog lists read it: no join per book.
      'authors', b.list_authors,
      -- Kept by the review triggers (20261208100150_community_reviews.sql), as lists show them.
      'rating_average', b.rating_average,
      'rating_count', b.rating_count
    ) order by array_position(page_ids, b.id)), '[]'::jsonb)
  into items
  from public.books b
  where b.id = any(page_ids);

  return jsonb_build_object('total', matches -> 'total', 'items', items, 'facets', matches -> 'facets');
end;
$$;

comment on function public.search_books(text, text, text, boolean, integer, integer, uuid, text, text, integer, integer) is
$$Searches the published catalog a reader may see (sold worldwide or in the reader's country: private.reader_country(); editors see every published book). Full text (accent-insensitive, French and English stemming) with a trigram fallback for typos; filters: category slug (with subcategories), language, is_free, min_price/max_price (minor units), author id, country (ISO alpha-2: books sold worldwide or there); sort: relevance | newest | title | price_asc | price_desc; page >= 1, page_size 1-100 (default 20); a query is empty (browse) or 3-200 characters after trimming.
Returns {"total", "items": [ListBook], "facets": {"categories", "languages", "price"}}. Invalid arguments raise SQLSTATE 22023 (HTTP 400).$$;

-- =============================================================================================
-- Grants
-- =============================================================================================
revoke all on function private.search_book_matches(text, uuid, text, boolean, integer, integer, uuid, text[], text, integer, bigint)
  from public, anon, authenticated;
grant execute on function private.search_book_matches(text, uuid, text, boolean, integer, integer, uuid, text[], text, integer, bigint)
  to anon, authenticated, service_role;

revoke all on function public.search_books(text, text, text, boolean, integer, integer, uuid, text, text, integer, integer)
  from public, anon, authenticated;
grant execute on function public.search_books(text, text, text, boolean, integer, integer, uuid, text, text, integer, integer)
  to anon, authenticated, service_role;
