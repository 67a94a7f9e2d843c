-- Catalog search RPC: public.search_books(), called as POST /rest/v1/rpc/search_books.
--
-- One round trip returns the total, one page of books and the facets of the whole match set.
--
-- Matching:
--   1. Full text: the query is accent-folded and parsed with websearch_to_tsquery() under the
--      french, english and simple configurations; the parses are OR'ed and matched against
--      books.search_vector (each book stemmed in its own language) through its GIN index. Each
--      match is ranked with ts_rank against the parse of its own language (title >
--      subtitle/authors > description). ts_rank rather than ts_rank_cd: cover density walks
--      the positions of every matching lexeme, ~6.5 ms for the 11.6k matches of a common term at
--      100k books against ~2.5 ms for ts_rank, which still weighs title > subtitle/authors >
--      description, term frequency and, for several words, how close they are.
--   2. Only when that finds nothing: trigram word similarity of the query against the accent-free
--      lower-case titles (books.title_search, stored) and author names ("Sundjata" →
--      "Soundjata", "pettit prince" → "Petit Prince"), ranked by similarity.
-- With a text query the match set is computed once (a materialized CTE); the total and all
-- facets come from one pass over it (grouped by (language, is_free, category set) first, then
-- rolled up from those few groups), the page from one top-N sort. Without one, the same counts
-- come from an index-only scan of books_browse_facets_idx and the page from an ordering index.
-- The statement is built per call (EXECUTE … USING) with only the filters in use, so each call
-- is planned for its actual arguments.
--
-- Security: public.search_books() is SECURITY INVOKER, so the rows it returns (the page of books
-- and their authors) are read under the caller's RLS policies. The match set itself is computed by
-- private.search_book_matches(), SECURITY DEFINER, because Postgres never uses an index for a
-- non-leakproof operator under RLS (the GIN operators `@@` and trigram `%>` are not leakproof,
-- and only a superuser can mark them so): as the caller, every search would scan the whole table.
-- That helper reads nothing but published books (what the "Published books are visible to
-- everyone" policy shows to anyone) and returns only ids, counts and category facets.

-- =============================================================================================
-- Functions
-- =============================================================================================

-- The match set of a search over published books: {"total", "ids" (one page, in order),
-- "facets"}. Called by public.search_books() with validated arguments (query trimmed, null when
-- absent; category_id resolved from the slug).
create or replace function private.search_book_matches(
  query text,
  category_id uuid,
  language text,
  is_free boolean,
  min_price integer,
  max_price integer,
  author uuid,
  country text,
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
  if country is not null then
    filters := filters || ' and (b.available_countries = ''{}''::text[] or b.available_countries @> array[$9])';
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
        min_price, max_price, author, country, page_limit, page_offset, ts_fr, ts_en, ts_simple;
  end loop;

  return coalesce(result, empty_result);
end;
$$;
comment on function private.search_book_matches(text, uuid, text, boolean, integer, integer, uuid, text, text, integer, bigint) is
  'Internal to public.search_books(): total, page ids and facets of a search over published books (security definer so that the GIN indexes apply; reads published books only).';

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
begin
  -- ===== Validate arguments (SQLSTATE 22023 → HTTP 400 through PostgREST) ==================
  if q is not null and char_length(q) > 200 then
    raise exception using errcode = '22023',
      message = 'query is too long',
      detail = format('query must be at most 200 characters after trimming; got %s.', char_length(q)),
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

  -- ===== Match set: total, page ids, facets ================================================
  matches := private.search_book_matches(
    q, category_id, search_books.language, search_books.is_free,
    search_books.min_price, search_books.max_price, search_books.author, search_books.country,
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
      'authors', b.list_authors
    ) order by array_position(page_ids, b.id)), '[]'::jsonb)
  into items
  from public.books b
  where b.id = any(page_ids);

  return jsonb_build_object('total', matches -> 'total', 'items', items, 'facets', matches -> 'facets');
end;
$$;

comment on function public.search_books(text, text, text, boolean, integer, integer, uuid, text, text, integer, integer) is
$$Searches the published catalog. Full text (accent-insensitive, French and English stemming) with a trigram fallback for typos; filters: category slug (with subcategories), language, is_free, min_price/max_price (minor units), author id, country (ISO alpha-2: books sold worldwide or there); sort: relevance | newest | title | price_asc | price_desc; page >= 1, page_size 1-100.
Returns {"total", "items": [ListBook], "facets": {"categories", "languages", "price"}}. Invalid arguments raise SQLSTATE 22023 (HTTP 400).$$;

-- =============================================================================================
-- Grants
-- =============================================================================================
-- search_books() runs as its caller, so callers need EXECUTE on the helper too. The helper is not
-- reachable over HTTP (the private schema is not exposed).
revoke all on function private.search_book_matches(text, uuid, text, boolean, integer, integer, uuid, text, text, integer, bigint)
  from public, anon, authenticated;
grant execute on function private.search_book_matches(text, uuid, text, boolean, integer, integer, uuid, text, text, integer, bigint)
  to anon, authenticated, service_role;

revoke all on function public.search_books(text, text, text, boolean, integer, integer, uuid, text, text, integer, integer)
  from public, anon, authenticated;
grant execute on function public.search_books(text, text, text, boolean, integer, integer, uuid, text, text, integer, integer)
  to anon, authenticated, service_role;
