-- Typo search through a word dictionary (issue 10, search part): pg_trgm's "spelling suggestion"
-- pattern instead of trigram matching against every title.
--
-- Until now, when full text found nothing, private.search_book_matches() matched the whole query
-- with trigram word similarity (`%>`) against every title and every author name. A misspelling
-- shares its common trigrams (`ier`, ` co`, `on`) with thousands of titles, and every one of them
-- was rechecked: "cordonier" cost 7–12 ms of SQL at 100k books (18.5 ms end to end, one client),
-- ~200 ms end to end at 1M, growing with the catalog.
--
-- Now the distinct words of the published catalog's titles, subtitles and author names live in
-- private.search_words (439 rows for the 100k bench books, whose generator reuses word lists; it
-- grows with the vocabulary, not with the number of books), trigram-indexed. When full text finds nothing, each query word that
-- matches nothing on its own (not a catalog word, and no book's search document matches it) is
-- replaced by the closest catalog word (trigram similarity ≥ 0.4; ties: the word in more books),
-- and the full-text search runs again with the corrected query: "cordonier" returns exactly what
-- "cordonnier" returns, ranked by ts_rank, with exact totals and facets. A word with no close
-- catalog word, or of 3 letters (too few trigrams to tell a typo from another word), is taken as
-- unfinished and completed to the most common catalog word it begins ("kwa" → "kwame"), as the
-- trigram fallback's word similarity used to match a prefix. The answer carries the corrected
-- query (`corrected`) so an app can say "results for cordonnier".
--
-- Sync: statement triggers on public.books (after insert, update, delete; transition tables) add
-- the words of published books and subtract those of books that stop being published, change their
-- text or are deleted; a word whose count reaches 0 leaves. One set-based statement per write: a
-- bulk import of 1M books aggregates its words once. Author names come from books.list_authors,
-- which the catalog triggers already keep in step with authors and their renames.
--
-- Read replicas and transaction-mode poolers: search only reads the dictionary (STABLE, no writes
-- at query time); it is an ordinary table, so a streaming replica carries it.

-- =============================================================================================
-- Dictionary
-- =============================================================================================

-- Words as the dictionary keeps them: the full-text parser's letter-only words (hyphenated
-- compounds as their parts; no numbers, URLs, e-mails, words with digits), accent-free
-- (extensions.unaccent as a filtering dictionary) and lower-case (simple), unstemmed. All in C:
-- at 1M books the tokenising is the whole cost of the sync, and this is ~3× faster than
-- splitting private.search_text() with a regular expression.
create text search configuration private.plain_words (copy = pg_catalog.simple);
alter text search configuration private.plain_words
  drop mapping for numword, email, url, host, sfloat, version, hword_numpart, numhword, asciihword, hword,
    url_path, file, float, int, uint;
alter text search configuration private.plain_words
  alter mapping for asciiword, word, hword_asciipart, hword_part with extensions.unaccent, pg_catalog.simple;
comment on text search configuration private.plain_words is
  'Typo dictionary: letter-only words, accent-free and lower-case, unstemmed (private.book_dictionary_words).';

-- The dictionary words of a book: the distinct words (private.plain_words) of its title, subtitle
-- and author names, 3+ characters. Descriptions are left out: ~10× the words per book (sync cost),
-- and their rare words and own typos would become corrections.
create or replace function private.book_dictionary_words(title text, subtitle text, list_authors jsonb)
returns text[]
language sql
immutable
parallel safe
set search_path = ''
as $$
  select coalesce(array_agg(w.word), '{}')
  from unnest(pg_catalog.tsvector_to_array(
    pg_catalog.to_tsvector('private.plain_words'::regconfig, concat_ws(' ', title, subtitle))
    || pg_catalog.to_tsvector('private.plain_words'::regconfig,
      coalesce(jsonb_path_query_array(list_authors, '$[*].name'), '[]'::jsonb))
  )) as w (word)
  where char_length(w.word) >= 3;
$$;
comment on function private.book_dictionary_words(text, text, jsonb) is
  'Typo dictionary: the distinct words (private.plain_words: letters only, lower-case, accent-free, 3+ characters) of a book''s title, subtitle and author names (books.list_authors).';

create table private.search_words (
  word text primary key,
  books integer not null
);
alter table private.search_words enable row level security;
revoke all on table private.search_words from public, anon, authenticated;

comment on table private.search_words is
  'Internal: the typo dictionary, one row per distinct word of the published books'' titles, subtitles and author names (private.book_dictionary_words), trigram-indexed. private.search_book_matches() corrects a query word that matches nothing to the closest word here. Kept in sync by statement triggers on public.books (private.search_words_sync); never written directly. RLS on with no policy: only definer functions read it.';
comment on column private.search_words.word is 'A word (private.plain_words: letters only, lower case, no accents, as private.search_text() folds a query), 3+ characters.';
comment on column private.search_words.books is 'How many published books have the word in their title, subtitle or author names (ties between corrections go to the more common word; the word leaves at 0).';

create index search_words_word_trgm_idx on private.search_words using gin (word extensions.gin_trgm_ops);

-- Adds per-word deltas to the dictionary (words in any order, no duplicates); words left at 0
-- leave. Upserts in word order, so concurrent writers lock shared words in the same order.
create or replace function private.search_words_apply(words text[], deltas integer[])
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  emptied text[];
begin
  if coalesce(cardinality(words), 0) = 0 then
    return;
  end if;
  with applied as (
    insert into private.search_words as s (word, books)
    select d.word, d.delta
    from unnest(words, deltas) as d (word, delta)
    where d.delta <> 0
    order by d.word
    on conflict (word) do update set books = s.books + excluded.books
    returning s.word, s.books
  )
  select array_agg(a.word) into emptied from applied a where a.books <= 0;
  if emptied is not null then
    delete from private.search_words s where s.word = any(emptied) and s.books <= 0;
  end if;
end;
$$;
comment on function private.search_words_apply(text[], integer[]) is
  'Typo dictionary: adds per-word book-count deltas (upserts in word order) and removes words left at 0.';

-- Statement trigger on public.books: the words of rows that stop counting (old, published) minus,
-- the words of rows that start counting (new, published) plus; rows whose published state, title,
-- subtitle and authors did not change are skipped (ratings, prices, covers cost nothing here).
create or replace function private.search_words_sync()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  words text[];
  deltas integer[];
begin
  if tg_op = 'INSERT' then
    select array_agg(d.word), array_agg(d.delta) into words, deltas
    from (
      select w.word, count(*)::integer as delta
      from new_books n
      cross join lateral unnest(private.book_dictionary_words(n.title, n.subtitle, n.list_authors)) as w (word)
      where n.is_published
      group by w.word
    ) d;
  elsif tg_op = 'DELETE' then
    select array_agg(d.word), array_agg(d.delta) into words, deltas
    from (
      select w.word, -count(*)::integer as delta
      from old_books o
      cross join lateral unnest(private.book_dictionary_words(o.title, o.subtitle, o.list_authors)) as w (word)
      where o.is_published
      group by w.word
    ) d;
  else
    select array_agg(d.word), array_agg(d.delta) into words, deltas
    from (
      select w.word, sum(c.sign)::integer as delta
      from (
        select -1 as sign, o.title, o.subtitle, o.list_authors
        from old_books o
        where o.is_published
          and not exists (
            select 1 from new_books n
            where n.id = o.id and n.is_published
              and (n.title, n.subtitle, n.list_authors) is not distinct from (o.title, o.subtitle, o.list_authors)
          )
        union all
        select 1, n.title, n.subtitle, n.list_authors
        from new_books n
        where n.is_published
          and not exists (
            select 1 from old_books o
            where o.id = n.id and o.is_published
              and (n.title, n.subtitle, n.list_authors) is not distinct from (o.title, o.subtitle, o.list_authors)
          )
      ) c
      cross join lateral unnest(private.book_dictionary_words(c.title, c.subtitle, c.list_authors)) as w (word)
      group by w.word
      having sum(c.sign) <> 0
    ) d;
  end if;
  perform private.search_words_apply(words, deltas);
  return null;
end;
$$;
comment on function private.search_words_sync() is
  'Statement trigger (after insert, update, delete on public.books; transition tables new_books, old_books): keeps private.search_words counting the words of published books.';

revoke all on function private.book_dictionary_words(text, text, jsonb) from public, anon, authenticated;
revoke all on function private.search_words_apply(text[], integer[]) from public, anon, authenticated;
revoke all on function private.search_words_sync() from public, anon, authenticated;

create trigger search_words_sync_insert after insert on public.books
  referencing new table as new_books
  for each statement execute function private.search_words_sync();
create trigger search_words_sync_update after update on public.books
  referencing old table as old_books new table as new_books
  for each statement execute function private.search_words_sync();
create trigger search_words_sync_delete after delete on public.books
  referencing old table as old_books
  for each statement execute function private.search_words_sync();

-- Backfill.
insert into private.search_words (word, books)
select w.word, count(*)::integer
from public.books b
cross join lateral unnest(private.book_dictionary_words(b.title, b.subtitle, b.list_authors)) as w (word)
where b.is_published
group by w.word;

-- =============================================================================================
-- Correction
-- =============================================================================================

-- Whether a full-text query matches any published book: one probe of the GIN index. A misspelling
-- is never among the column's most common lexemes, so the planner guesses it matches ~0.1 % of
-- books and that a sequential scan stopping at the first match is cheapest; a typo matches none,
-- and that scan reads the whole side-table (~80 ms at 100k books). Through the index it is one
-- look-up of a posting list that does not exist, hence enable_seqscan = off for this statement.
create or replace function private.search_matches_any(query tsquery)
returns boolean
language sql
stable
security definer
set search_path = ''
set enable_seqscan = off
as $$
  select exists (select 1 from private.book_search b where b.search_vector @@ query);
$$;
comment on function private.search_matches_any(tsquery) is
  'Typo search: whether a full-text query matches any published book (private.book_search), through the GIN index.';
revoke all on function private.search_matches_any(tsquery) from public, anon, authenticated;

-- The query with each word that matches nothing replaced by the closest dictionary word (4+
-- letters), else by the most common dictionary word it begins (an unfinished word), or null when no
-- word was corrected. A word is left alone when it has under 3 characters or a non-letter, is a
-- dictionary word, is a stop word, or matches some published book's search document on its own (an
-- inflection, a description word: "enfant", "paludisme"). Reads only; STABLE.
create or replace function private.search_correction(query text)
returns text
language plpgsql
stable
security definer
set search_path = ''
-- Both dictionary look-ups through an index, whatever its size: a small dictionary (a few hundred
-- words in the bench) tempts the planner into computing similarity() for every word (0.5 ms
-- against 0.2 ms through the trigram index); a generic plan never knows how selective `%` is.
set enable_seqscan = off
as $$
declare
  corrected text := private.search_text(query);
  term text;
  best text;
  changed boolean := false;
begin
  for term in
    select distinct m[1] from regexp_matches(corrected, '[[:alnum:]]+', 'g') as m
  loop
    -- Words with digits are not in the dictionary (private.plain_words keeps letters-only words);
    -- under 3 characters nothing is worth guessing.
    continue when char_length(term) < 3 or term ~ '[^[:alpha:]]';
    continue when exists (select 1 from private.search_words s where s.word = term);
    -- A stop word in French or English (the search ignores it): not a typo.
    continue when numnode(websearch_to_tsquery('pg_catalog.french', term)) = 0
      or numnode(websearch_to_tsquery('pg_catalog.english', term)) = 0;
    -- Matches a book on its own (an inflection, a description word): not a typo.
    continue when private.search_matches_any(websearch_to_tsquery('pg_catalog.french', term)
      || websearch_to_tsquery('pg_catalog.english', term)
      || websearch_to_tsquery('pg_catalog.simple', term));
    -- The closest dictionary word: the trigram index finds the candidates (pg_trgm's `%`,
    -- similarity >= pg_trgm.similarity_threshold, 0.3 by default), 0.4 keeps the close ones.
    -- 3-letter words have too few trigrams to tell a typo from another word.
    best := null;
    if char_length(term) > 3 then
      select s.word into best
      from private.search_words s
      where s.word operator(extensions.%) term
        and extensions.similarity(s.word, term) >= 0.4
      order by extensions.similarity(s.word, term) desc, s.books desc, s.word
      limit 1;
    end if;
    if best is null then
      -- An unfinished word ("kwa", "xylo" typed while searching): the most common catalog word it
      -- begins (the trigram index serves LIKE 'prefix%'; term holds letters only, no wildcard).
      select s.word into best
      from private.search_words s
      where s.word like term || '%'
      order by s.books desc, s.word
      limit 1;
    end if;
    if best is not null then
      corrected := regexp_replace(corrected, '\m' || term || '\M', best, 'g');
      changed := true;
    end if;
  end loop;
  return case when changed then corrected end;
end;
$$;
comment on function private.search_correction(text) is
  'Typo search: the query (folded by private.search_text) with each word that matches nothing (letters only, 3+, not in private.search_words, no book''s search document matching it) replaced by the closest dictionary word (4+ letters: trigram similarity >= 0.4, then the more common word), else by the most common dictionary word it begins; null when nothing was corrected.';
revoke all on function private.search_correction(text) from public, anon, authenticated;

-- =============================================================================================
-- Search: full text, then (only if it found nothing) full text again with the corrected query
-- =============================================================================================
-- Unchanged from 20261209100000_search_speed.sql but for the second attempt (the trigram match
-- against titles and author names is gone) and `corrected` in the answer.
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
      using ts, corrected, category_id, search_book_matches.language, search_book_matches.is_free,
        min_price, max_price, author, countries, page_limit, page_offset, ts_fr, ts_en, ts_simple;
  end loop;

  if corrected is not null then
    result := result || jsonb_build_object('corrected', corrected);
  end if;
  return coalesce(result, empty_result);
end;
$$;
comment on function private.search_book_matches(text, uuid, text, boolean, integer, integer, uuid, text[], text, integer, bigint) is
  'Internal to public.search_books(): total, page ids and facets of a search over published books sold in every one of `countries` (null: anywhere; security definer so that the GIN indexes apply; reads published books only). Full text; when that finds nothing, full text again with the query''s typos corrected from the catalog''s words (private.search_correction), the corrected query then in `corrected`.';


-- public.search_books(): unchanged but for `corrected` passed through to the answer.
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

  return jsonb_build_object('total', matches -> 'total', 'items', items, 'facets', matches -> 'facets')
    -- Present only when the query had typos and the answer is for the corrected query.
    || case when matches ? 'corrected' then jsonb_build_object('corrected', matches -> 'corrected') else '{}' end;
end;
$$;

comment on function public.search_books(text, text, text, boolean, integer, integer, uuid, text, text, integer, integer) is
$$Searches the published catalog a reader may see (sold worldwide or in the reader's country: private.reader_country(); editors see every published book). Full text (accent-insensitive, French and English stemming); when that finds nothing, words that match nothing are corrected to the closest words of the catalog's titles, subtitles and author names and the search runs again; filters: category slug (with subcategories), language, is_free, min_price/max_price (minor units), author id, country (ISO alpha-2: books sold worldwide or there); sort: relevance | newest | title | price_asc | price_desc; page >= 1, page_size 1-100 (default 20); a query is empty (browse) or 3-200 characters after trimming.
Returns {"total", "items": [ListBook], "facets": {"categories", "languages", "price"}}, plus "corrected" (the lower-case, accent-free query searched instead) when typos were corrected. Invalid arguments raise SQLSTATE 22023 (HTTP 400).$$;
