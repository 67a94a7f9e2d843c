-- The search's prepared statement, in a helper of its own (issue 10, review of
-- 20261211110000_search_prepared_plans.sql).
--
-- That migration prepared the text-search statement inside private.search_book_matches(), which had
-- to become VOLATILE (Postgres refuses PREPARE in a STABLE function) and carry
-- `plan_cache_mode = force_generic_plan` for its whole run, so every statement it planned and every
-- function it called (the typo correction, the match probe) got generic plans too. The mechanism now
-- lives in private.execute_prepared(): only it is VOLATILE and forces generic plans, for the one
-- statement it prepares; private.search_book_matches() is STABLE again. Same statements, same
-- arguments, same answers, same limit of 16 per connection; the argument literals no longer repeat
-- their types (PREPARE declares them).

-- =============================================================================================
-- A statement prepared once per connection
-- =============================================================================================
create or replace function private.execute_prepared(statement text, parameter_types text, arguments text)
returns jsonb
language plpgsql
volatile  -- PREPARE and EXECUTE are refused in a stable function; this writes nothing
set search_path = ''
-- One generic plan from the first call: for statements whose plan's shape does not depend on the values.
set plan_cache_mode = force_generic_plan
as $$
declare
  -- Named after the text: the same statement finds its plan on any call on this connection.
  prepared constant text := 'coko_prepared_' || md5(statement);
  result jsonb;
begin
  begin
    execute 'execute ' || prepared || arguments into result;
    return result;
  exception when invalid_sql_statement_name then
    -- Not prepared on this connection (new, reset by a pooler, or another server connection).
    null;
  end;
  if (select count(*) from pg_catalog.pg_prepared_statements s where s.name like 'coko\_prepared\_%') >= 16 then
    return null;
  end if;
  execute 'prepare ' || prepared || ' ' || parameter_types || ' as ' || statement;
  execute 'execute ' || prepared || arguments into result;
  return result;
end;
$$;
comment on function private.execute_prepared(text, text, text) is
  'Runs a one-row jsonb `statement` ($1, $2… declared by `parameter_types`, e.g. ''(tsquery, integer)'') with `arguments` (literals, e.g. format(''(%L, %L)'', …)) as a prepared statement of this connection with a generic plan, preparing it on first use, so it is planned once per connection; prepared statements are found by name on every call, so a pooler that resets or moves sessions only costs a new PREPARE. Returns null without running it when the connection already keeps 16 (≈ 200 kB each): the caller then runs it itself.';
revoke all on function private.execute_prepared(text, text, text) from public, anon, authenticated;

-- =============================================================================================
-- Search: as in 20261211110000_search_prepared_plans.sql, STABLE again, through the helper
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
  folded text;        -- the accent-free query the parses are made of (corrected on attempt 2)
  correctable boolean;
  corrected text;     -- $2 (not read by the statement): the corrected query, when attempt 2 ran
  ts tsquery;         -- $1: all parses OR'ed, for matching
  ts_fr tsquery;      -- $12 … $14: the parse each book is ranked with, by its language
  ts_en tsquery;
  ts_simple tsquery;
  match_sql text;
  order_sql text;
  result jsonb;
  statement text;     -- the match/count/facet statement, built below for these filters and order
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
    -- Only stop words in a language ("la les", "the"): nothing a correction could fix.
    correctable := numnode(websearch_to_tsquery('pg_catalog.french', folded)) > 0
      and numnode(websearch_to_tsquery('pg_catalog.english', folded)) > 0;
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

  -- ===== Search: full text, then (only if it found nothing) full text with typos corrected ====
  for attempt in 1..2 loop
    if query is null then
      exit when attempt = 2;
      match_sql := 'select b.id, 0::real as rank, ' || columns || ' from public.books b where ' || filters;
    else
      if attempt = 2 then
        -- Nothing found: replace the words that match nothing by their closest catalog words
        -- (private.search_correction, the typo dictionary) and search again.
        exit when not correctable or (result ->> 'total')::bigint > 0;
        corrected := private.search_correction(query);
        exit when corrected is null;
        folded := corrected;
      end if;
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
        return empty_result;  -- only punctuation
      end if;
      -- A parse that came out empty (stop words in that language) ranks with the combined query.
      if numnode(ts_fr) = 0 then ts_fr := ts; end if;
      if numnode(ts_en) = 0 then ts_en := ts; end if;
      if numnode(ts_simple) = 0 then ts_simple := ts; end if;
      if attempt = 1 and position('!' in ts::text) = 0 and not private.search_matches_any(ts) then
        -- Matches no book at all (a typo, most often): skip planning and running the statement
        -- below for an empty answer (~0.8 ms) and go straight to the correction. Not for a query
        -- with a negation ("-histoire"): the GIN index answers those only by reading all of it.
        result := empty_result;
        continue;
      end if;
      match_sql := 'select b.id, '
        || case when sort_key = 'relevance'
             then 'ts_rank(b.search_vector, case left(b.language, 2)'
               || ' when ''fr'' then $12 when ''en'' then $13 else $14 end)'
             else '0::real'
           end
        || ' as rank, ' || columns
        || ' from ' || source || ' b where b.search_vector @@ $1 and ' || filters;
    end if;

    statement :=
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
      || ' )';

    -- A text query: its statement prepared once per connection (private.execute_prepared; its
    -- plan's shape never depends on the values: a GIN bitmap scan into a materialised match set,
    -- hash aggregates, a top-N sort). Browsing, or a connection that already keeps its share of
    -- prepared statements: planned here for these values, so the planner can weigh each filter's
    -- selectivity against walking an ordering index.
    result := null;
    if query is not null then
      result := private.execute_prepared(
        statement,
        '(tsquery, text, uuid, text, boolean, integer, integer, uuid, text[], integer, bigint, tsquery, tsquery, tsquery)',
        format('(%L, %L, %L, %L, %L, %L, %L, %L, %L, %L, %L, %L, %L, %L)',
          ts, corrected, category_id, search_book_matches.language, search_book_matches.is_free,
          min_price, max_price, author, countries, page_limit, page_offset, ts_fr, ts_en, ts_simple));
    end if;
    if result is null then
      execute statement
        into result
        using ts, corrected, category_id, search_book_matches.language, search_book_matches.is_free,
          min_price, max_price, author, countries, page_limit, page_offset, ts_fr, ts_en, ts_simple;
    end if;
  end loop;

  if corrected is not null then
    result := result || jsonb_build_object('corrected', corrected);
  end if;
  return coalesce(result, empty_result);
end;
$$;
comment on function private.search_book_matches(text, uuid, text, boolean, integer, integer, uuid, text[], text, integer, bigint) is
  'Internal to public.search_books(): total, page ids and facets of a search over published books sold in every one of `countries` (null: anywhere; security definer so that the GIN indexes apply; reads published books only). Full text; when that finds nothing, full text again with the query''s typos corrected from the catalog''s words (private.search_correction), the corrected query then in `corrected`.';


