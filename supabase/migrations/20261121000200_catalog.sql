-- Catalog: books, authors, publishers, categories (a tree) and the links between them.
--
-- Readers (anon and authenticated) see published books, their author and category links, and
-- every author, publisher and category. Admins see drafts too and are the only API users who may
-- write; the service role (server, worker, Studio) bypasses RLS. Full-text search state
-- (books.search_vector) and the denormalised category set used by search filters and facets
-- (books.facet_category_ids) are maintained by triggers, and so are the authors that lists show
-- (books.list_authors); books.is_published (the readers' RLS predicate) and books.title_search
-- (the typo-searched title) are generated columns. The search RPC lives in the next migration.
--
-- Money follows ISO 4217 minor units: `price` is an integer in the currency's minor unit
-- (XOF has none, so 1500 XOF is 1500; EUR has two, so 4.99 EUR is 499).

-- =============================================================================================
-- Enums
-- =============================================================================================
create type public.book_format as enum ('epub', 'pdf');
comment on type public.book_format is 'File format of a book''s readable file.';

create type public.book_status as enum ('draft', 'published');
comment on type public.book_status is
  'Editorial state: drafts are visible to admins only; published books are visible to everyone.';

-- =============================================================================================
-- Functions: normalisation and validation (immutable, used by constraints, indexes, triggers)
-- =============================================================================================

-- Accent folding. extensions.unaccent(text) is only STABLE (it looks its dictionary up through the
-- search path); naming the dictionary makes the result depend on the argument alone.
create or replace function private.unaccent(value text)
returns text
language sql
immutable
strict
parallel safe
set search_path = ''
as $$
  select extensions.unaccent('extensions.unaccent'::regdictionary, value);
$$;
comment on function private.unaccent(text) is
  'Immutable accent folding (École → Ecole), usable in indexes and generated search documents.';

create or replace function private.search_text(value text)
returns text
language sql
immutable
parallel safe
set search_path = ''
as $$
  -- extensions.unaccent directly rather than through private.unaccent(): one function call per
  -- row less when the trigram index rechecks its candidates.
  select lower(extensions.unaccent('extensions.unaccent'::regdictionary, coalesce(value, '')));
$$;
comment on function private.search_text(text) is
  'Lower-cased, accent-free form of a text, as indexed for trigram (typo-tolerant) search.';

create or replace function private.slugify(value text)
returns text
language sql
immutable
strict
parallel safe
set search_path = ''
as $$
  select left(trim(both '-' from regexp_replace(lower(private.unaccent(value)), '[^a-z0-9]+', '-', 'g')), 120);
$$;
comment on function private.slugify(text) is
  'URL slug of a name: "Économie & Entreprise" → "economie-entreprise".';

create or replace function private.ts_config(language text)
returns regconfig
language sql
immutable
parallel safe
set search_path = ''
as $$
  select case split_part(coalesce(language, ''), '-', 1)
    when 'fr' then 'pg_catalog.french'::regconfig
    when 'en' then 'pg_catalog.english'::regconfig
    else 'pg_catalog.simple'::regconfig
  end;
$$;
comment on function private.ts_config(text) is
  'Text search configuration for a book language: fr → french, en → english, anything else → simple.';

create or replace function private.book_search_document(
  title text,
  subtitle text,
  author_names text,
  description text,
  language text
)
returns tsvector
language sql
immutable
parallel safe
set search_path = ''
as $$
  select setweight(to_tsvector(private.ts_config(language), private.unaccent(coalesce(title, ''))), 'A')
      || setweight(to_tsvector(private.ts_config(language), private.unaccent(coalesce(subtitle, ''))), 'B')
      || setweight(to_tsvector(private.ts_config(language), private.unaccent(coalesce(author_names, ''))), 'B')
      || setweight(to_tsvector(private.ts_config(language), private.unaccent(coalesce(description, ''))), 'C');
$$;
comment on function private.book_search_document(text, text, text, text, text) is
  'Weighted, accent-free, language-stemmed search document of a book: title A, subtitle and authors B, description C.';

-- Returns the canonical ISBN-13 (13 digits) of a valid ISBN-10 or ISBN-13, hyphens and spaces
-- ignored, or null when the value is not a valid ISBN. ISBN-10s are converted (978 prefix), so the
-- same book cannot be entered twice under both forms.
create or replace function private.isbn13(isbn text)
returns text
language plpgsql
immutable
strict
parallel safe
set search_path = ''
as $$
declare
  digits text := upper(regexp_replace(isbn, '[[:space:]-]', '', 'g'));
  total integer := 0;
  i integer;
begin
  if digits ~ '^[0-9]{9}[0-9X]$' then
    for i in 1..9 loop
      total := total + substr(digits, i, 1)::integer * (11 - i);
    end loop;
    total := total + case when right(digits, 1) = 'X' then 10 else right(digits, 1)::integer end;
    if total % 11 <> 0 then
      return null;
    end if;
    digits := '978' || left(digits, 9);
  elsif digits ~ '^97[89][0-9]{10}$' then
    null;
  else
    return null;
  end if;

  total := 0;
  for i in 1..12 loop
    total := total + substr(digits, i, 1)::integer * (case when i % 2 = 1 then 1 else 3 end);
  end loop;
  if length(digits) = 13 then
    return case when (10 - total % 10) % 10 = right(digits, 1)::integer then digits end;
  end if;
  return digits || ((10 - total % 10) % 10)::text;
end;
$$;
comment on function private.isbn13(text) is
  'Canonical ISBN-13 of a valid ISBN-10 or ISBN-13 (checksums verified, hyphens/spaces ignored), else null.';

create or replace function private.is_country_code_list(codes text[])
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select coalesce(bool_and(code is not null and code ~ '^[A-Z]{2}$'), true)
  from unnest(codes) as code;
$$;
comment on function private.is_country_code_list(text[]) is
  'True when every element is an ISO 3166-1 alpha-2 code in upper case (an empty list is valid).';

-- =============================================================================================
-- Tables
-- =============================================================================================
create table public.authors (
  id uuid primary key default gen_random_uuid(),
  name text not null
    constraint authors_name_length check (char_length(btrim(name)) between 1 and 200),
  slug text not null unique
    constraint authors_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 120),
  biography text
    constraint authors_biography_length check (char_length(biography) <= 10000),
  photo_path text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.authors is 'Book authors. Readable by everyone; written by admins.';
comment on column public.authors.id is 'Author id.';
comment on column public.authors.name is 'Display name (1–200 characters).';
comment on column public.authors.slug is 'Unique URL slug (a-z, 0-9, hyphens); derived from the name when omitted.';
comment on column public.authors.biography is 'Biography (plain text, up to 10,000 characters).';
comment on column public.authors.photo_path is 'Path of the author photo in storage.';
comment on column public.authors.created_at is 'When the row was created.';
comment on column public.authors.updated_at is 'When the row was last changed (maintained by a trigger).';

create table public.publishers (
  id uuid primary key default gen_random_uuid(),
  name text not null
    constraint publishers_name_length check (char_length(btrim(name)) between 1 and 200),
  slug text not null unique
    constraint publishers_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 120),
  description text
    constraint publishers_description_length check (char_length(description) <= 10000),
  website text
    constraint publishers_website_format check (website ~ '^https?://[^[:space:]]+$'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.publishers is 'Publishing houses. Readable by everyone; written by admins.';
comment on column public.publishers.id is 'Publisher id.';
comment on column public.publishers.name is 'Display name (1–200 characters).';
comment on column public.publishers.slug is 'Unique URL slug (a-z, 0-9, hyphens); derived from the name when omitted.';
comment on column public.publishers.description is 'Description (plain text).';
comment on column public.publishers.website is 'Website URL (http or https).';
comment on column public.publishers.created_at is 'When the row was created.';
comment on column public.publishers.updated_at is 'When the row was last changed (maintained by a trigger).';

create table public.categories (
  id uuid primary key default gen_random_uuid(),
  parent_id uuid references public.categories (id) on delete restrict
    constraint categories_not_own_parent check (parent_id <> id),
  name text not null
    constraint categories_name_length check (char_length(btrim(name)) between 1 and 100),
  slug text not null unique
    constraint categories_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 120),
  description text
    constraint categories_description_length check (char_length(description) <= 5000),
  position integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.categories is
  'Category tree (parent_id null = top level). Readable by everyone; written by admins. A category with subcategories cannot be deleted; cycles are rejected.';
comment on column public.categories.id is 'Category id.';
comment on column public.categories.parent_id is 'Parent category; null for a top-level category.';
comment on column public.categories.name is 'Display name (1–100 characters).';
comment on column public.categories.slug is 'Unique URL slug, used by search_books(category => slug); derived from the name when omitted.';
comment on column public.categories.description is 'Description (plain text).';
comment on column public.categories.position is 'Display order among siblings (ascending).';
comment on column public.categories.created_at is 'When the row was created.';
comment on column public.categories.updated_at is 'When the row was last changed (maintained by a trigger).';

create table public.books (
  id uuid primary key default gen_random_uuid(),
  title text not null
    constraint books_title_length check (btrim(title) <> '' and char_length(title) <= 300),
  subtitle text
    constraint books_subtitle_length check (char_length(subtitle) <= 300),
  description text
    constraint books_description_length check (char_length(description) <= 20000),
  isbn text
    constraint books_isbn_valid check (isbn is null or (char_length(isbn) <= 17 and private.isbn13(isbn) is not null)),
  language text not null default 'fr'
    constraint books_language_format check (language ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  publication_date date,
  page_count integer
    constraint books_page_count_positive check (page_count > 0),
  file_size bigint
    constraint books_file_size_positive check (file_size > 0),
  format public.book_format,
  cover_path text,
  file_path text,
  price integer not null default 0
    constraint books_price_non_negative check (price >= 0),
  currency char(3) not null default 'XOF'
    constraint books_currency_format check (currency ~ '^[A-Z]{3}$'),
  is_free boolean not null default false,
  is_featured boolean not null default false,
  status public.book_status not null default 'draft',
  -- The RLS predicate of readers. A plain boolean column rather than `status = 'published'`:
  -- under RLS the planner only uses column statistics through leakproof operators, and enum
  -- equality is not leakproof, so `status = 'published'` was estimated at a default 50 % (the
  -- count=estimated total of a list said 50,126 for 97,480 visible books at 100k) while a boolean
  -- column is estimated from its statistics (97,545).
  is_published boolean not null generated always as (status = 'published') stored,
  available_countries text[] not null default '{}'
    constraint books_available_countries_format check (private.is_country_code_list(available_countries)),
  publisher_id uuid references public.publishers (id) on delete set null,
  metadata jsonb not null default '{}'
    constraint books_metadata_object check (jsonb_typeof(metadata) = 'object'),
  search_vector tsvector,
  -- The trigram-searched form of the title, stored so that the typo search neither recomputes
  -- it for every candidate (private.search_text() is never inlined: it has its own search_path)
  -- nor needs an expression index.
  title_search text not null generated always as (private.search_text(title)) stored,
  facet_category_ids uuid[] not null default '{}',
  -- The authors a list shows, denormalised: a page of a list reads one row per book instead of
  -- embedding book_authors → authors, which PostgREST evaluates (a LEFT JOIN LATERAL) for every
  -- row up to OFFSET + LIMIT: page 50 of the default list took ~17 ms at 100k books with the
  -- embed, ~1.2 ms with this column (page 1: 0.7 ms, 0.3 ms).
  list_authors jsonb not null default '[]',
  published_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint books_free_has_no_price check (not is_free or price = 0),
  constraint books_published_has_format check (status = 'draft' or format is not null),
  constraint books_published_has_date check (status = 'draft' or published_at is not null)
);
-- Ranking reads search_vector for every match: keep it inline and uncompressed when a row grows
-- past the TOAST threshold (long descriptions then move out first).
alter table public.books alter column search_vector set storage main;
comment on table public.books is
  'Books of the catalog. Readers see published books; admins see and write everything. Search through public.search_books().';
comment on column public.books.id is 'Book id.';
comment on column public.books.title is 'Title (1–300 characters).';
comment on column public.books.subtitle is 'Subtitle (up to 300 characters).';
comment on column public.books.description is 'Description / blurb (plain text, up to 20,000 characters).';
comment on column public.books.isbn is 'ISBN-10 or ISBN-13 as entered (hyphens allowed); checksum-validated and unique across both forms.';
comment on column public.books.language is 'Language as a lower-case ISO 639-1 code with an optional region (fr, en, fr-SN).';
comment on column public.books.publication_date is 'Date of (original) publication.';
comment on column public.books.page_count is 'Number of pages (positive), filled by the upload pipeline.';
comment on column public.books.file_size is 'Size of the readable file in bytes (positive).';
comment on column public.books.format is 'Format of the readable file; required once published.';
comment on column public.books.cover_path is 'Path of the cover image in storage.';
comment on column public.books.file_path is 'Path of the readable file in storage (served through entitlements, never publicly).';
comment on column public.books.price is 'Price in the currency''s ISO 4217 minor unit (XOF: 1500 = 1500 F CFA; EUR: 499 = 4.99 €). 0 when free.';
comment on column public.books.currency is 'ISO 4217 currency code (default XOF).';
comment on column public.books.is_free is 'Free to read; implies price = 0.';
comment on column public.books.is_featured is 'Highlighted in the catalog (listed first when browsing).';
comment on column public.books.status is 'draft (admins only) or published (everyone).';
comment on column public.books.is_published is 'Internal: status = ''published'' (generated), the column the readers'' row-level security policy and the list indexes use. Not writable; set status instead.';
comment on column public.books.available_countries is 'ISO 3166-1 alpha-2 codes where the book is sold; empty = worldwide.';
comment on column public.books.publisher_id is 'Publisher; null when unknown or self-published.';
comment on column public.books.metadata is 'Free-form metadata (JSON object), e.g. what the upload pipeline extracted.';
comment on column public.books.search_vector is 'Internal: full-text document (title, subtitle, authors, description), maintained by triggers. Not writable by API clients.';
comment on column public.books.title_search is 'Internal: the lower-case, accent-free title (generated), indexed for typo-tolerant search. Not writable; set title instead.';
comment on column public.books.facet_category_ids is 'Internal: ids of the book''s categories and of all their ancestors, maintained by triggers from book_categories (search filters and facets read it instead of joining). Not writable by API clients; use book_categories.';
comment on column public.books.list_authors is 'The book''s authors as shown in lists, [{"id", "name"}] in credit order (book_authors.position), maintained by triggers from book_authors and authors.name (catalog lists and search_books() read it instead of joining). Not writable by API clients; use book_authors.';
comment on column public.books.published_at is 'When the book was first published in the catalog (set automatically on publication).';
comment on column public.books.created_at is 'When the row was created.';
comment on column public.books.updated_at is 'When the row was last changed (maintained by a trigger).';

create table public.book_authors (
  book_id uuid not null references public.books (id) on delete cascade,
  author_id uuid not null references public.authors (id) on delete restrict,
  position integer not null default 0
    constraint book_authors_position_non_negative check (position >= 0),
  primary key (book_id, author_id)
);
comment on table public.book_authors is
  'Authors of each book, in credit order. Visible when the book is; written by admins. An author credited on a book cannot be deleted.';
comment on column public.book_authors.book_id is 'The book.';
comment on column public.book_authors.author_id is 'The author.';
comment on column public.book_authors.position is 'Credit order (ascending, 0 = first author).';

create table public.book_categories (
  book_id uuid not null references public.books (id) on delete cascade,
  category_id uuid not null references public.categories (id) on delete cascade,
  primary key (book_id, category_id)
);
comment on table public.book_categories is
  'Categories of each book. Visible when the book is; written by admins.';
comment on column public.book_categories.book_id is 'The book.';
comment on column public.book_categories.category_id is 'The category (search by a category includes its subcategories).';

-- =============================================================================================
-- Indexes
-- =============================================================================================
-- ISBN: unique across ISBN-10/13 forms, only when present.
create unique index books_isbn13_key on public.books (private.isbn13(isbn)) where isbn is not null;

-- Catalog list pages: an ordering plus LIMIT n, one index per order the SDK offers (without one,
-- PostgREST's embedded authors are computed for every row before the sort: a price-ordered page
-- took 1.2 s at 100k books). Not partial on is_published: for signed-in users RLS reads
-- `is_published OR <is admin>`, which cannot use a partial index, and drafts are few (their null
-- published_at sorts first in DESC order and is filtered out). is_published is included so that
-- the counts of a filtered list (PostgREST counts up to db-max-rows exactly) are index-only.
create index books_featured_idx on public.books (is_featured desc, published_at desc, id) include (is_published);
create index books_published_at_idx on public.books (published_at desc, id) include (is_published);
create index books_title_idx on public.books (title, id);
create index books_price_idx on public.books (price, published_at desc, id);
create index books_price_desc_idx on public.books (price desc, published_at desc, id);
create index books_language_published_at_idx on public.books (language, published_at desc);
-- Counts and the count=estimated estimate: an index-only scan of a tiny, deduplicated index, for
-- readers (is_published) and signed-in users (is_published OR admin).
create index books_is_published_idx on public.books (is_published);
-- Browsing without a text query (search_books() with no query): the total and the facets come
-- from an index-only scan of this index, in (language, is_free, category set) order, instead of
-- a scan of the wide heap rows. A btree entry holds at most ~2,700 bytes: ~165 category ids
-- (a book's categories and their ancestors), far beyond any real book.
create index books_browse_facets_idx on public.books (language, is_free, facet_category_ids)
  where is_published;
-- From the product documentation (admin lists, "recent books in a language").
create index books_language_created_at_idx on public.books (language, created_at desc);
create index books_created_at_idx on public.books (created_at desc);
-- Foreign keys.
create index books_publisher_id_idx on public.books (publisher_id);
-- Search: full text, and trigram fuzzy matching on the accent-free lower-case title.
create index books_search_vector_idx on public.books using gin (search_vector);
create index books_facet_category_ids_idx on public.books using gin (facet_category_ids);
create index books_title_trgm_idx on public.books using gin (title_search extensions.gin_trgm_ops);

create index authors_name_trgm_idx on public.authors
  using gin (private.search_text(name) extensions.gin_trgm_ops);

create index categories_parent_id_idx on public.categories (parent_id, position);

-- The list totals above db-max-rows are the planner's estimates (count=estimated): teach it how
-- the list filters combine (the share of free books differs by language …) rather than multiply
-- their selectivities as if independent. At 100k books `language=fr&is_free=true` was estimated
-- at 17,103 for 19,513 rows without these, 19,383 with them. Usable under RLS: the filters are
-- leakproof (text and boolean equality).
create statistics public.books_list_filters_stats (mcv) on language, is_free, is_featured from public.books;

-- The primary keys cover lookups by book; these cover lookups by author / category and the
-- foreign keys' ON DELETE checks.
create index book_authors_author_id_idx on public.book_authors (author_id, book_id);
create index book_categories_category_id_idx on public.book_categories (category_id, book_id);

-- =============================================================================================
-- Functions: triggers
-- =============================================================================================
create or replace function private.set_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
comment on function private.set_updated_at() is 'Trigger: stamps updated_at on every update.';

-- Fills a missing slug from the name; adds a short suffix from the id when that slug is taken.
create or replace function private.fill_slug()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  taken boolean;
begin
  if new.slug is null or btrim(new.slug) = '' then
    new.slug := nullif(private.slugify(new.name), '');
    if new.slug is null then
      new.slug := left(replace(new.id::text, '-', ''), 12);
    else
      execute format('select exists (select 1 from %I.%I where slug = $1 and id <> $2)',
        tg_table_schema, tg_table_name)
        into taken
        using new.slug, new.id;
      if taken then
        new.slug := left(new.slug, 110) || '-' || left(replace(new.id::text, '-', ''), 8);
      end if;
    end if;
  end if;
  return new;
end;
$$;
comment on function private.fill_slug() is 'Trigger: derives slug from name when it is null or blank.';

create or replace function private.categories_prevent_cycle()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.parent_id is not null and exists (
    with recursive ancestors(id, parent_id) as (
      select c.id, c.parent_id from public.categories c where c.id = new.parent_id
      union
      select c.id, c.parent_id from public.categories c join ancestors a on c.id = a.parent_id
    )
    select 1 from ancestors where id = new.id
  ) then
    raise exception using
      errcode = '23514',
      message = 'category cannot be its own ancestor',
      detail = format('Setting parent_id of category %s to %s would create a cycle.', new.id, new.parent_id);
  end if;
  return new;
end;
$$;
comment on function private.categories_prevent_cycle() is 'Trigger: rejects parent_id changes that would create a cycle.';

create or replace function private.book_author_names(book_id uuid)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select string_agg(a.name, ' ' order by ba.position, a.name)
  from public.book_authors ba
  join public.authors a on a.id = ba.author_id
  where ba.book_id = book_author_names.book_id;
$$;
comment on function private.book_author_names(uuid) is
  'Author names of a book in credit order (for the search document). Security definer: the document must not depend on who edits.';

create or replace function private.book_list_authors(book_id uuid)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(
    jsonb_agg(jsonb_build_object('id', a.id, 'name', a.name) order by ba.position, a.name, a.id),
    '[]'::jsonb
  )
  from public.book_authors ba
  join public.authors a on a.id = ba.author_id
  where ba.book_id = book_list_authors.book_id;
$$;
comment on function private.book_list_authors(uuid) is
  'Authors of a book as lists show them, [{"id", "name"}] in credit order (the value of books.list_authors).';

create or replace function private.books_before_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT'
    or new.title is distinct from old.title
    or new.subtitle is distinct from old.subtitle
    or new.description is distinct from old.description
    or new.language is distinct from old.language
  then
    new.search_vector := private.book_search_document(
      new.title, new.subtitle, private.book_author_names(new.id), new.description, new.language
    );
  end if;
  if new.status = 'published' and new.published_at is null then
    new.published_at := now();
  end if;
  return new;
end;
$$;
comment on function private.books_before_write() is
  'Trigger: maintains books.search_vector from the text columns and stamps published_at on publication.';

create or replace function private.refresh_book_authors(book_ids uuid[])
returns void
language sql
security definer
set search_path = ''
as $$
  update public.books b
  set search_vector = private.book_search_document(
      b.title, b.subtitle, private.book_author_names(b.id), b.description, b.language
    ),
    list_authors = private.book_list_authors(b.id)
  where b.id = any(book_ids);
$$;
comment on function private.refresh_book_authors(uuid[]) is
  'Recomputes what books derive from their authors (search_vector, list_authors) for the given books, after author links or author names change.';

create or replace function private.book_facet_category_ids(book_id uuid)
returns uuid[]
language sql
stable
security definer
set search_path = ''
as $$
  with recursive up (id, parent_id) as (
    select c.id, c.parent_id
    from public.book_categories bc
    join public.categories c on c.id = bc.category_id
    where bc.book_id = book_facet_category_ids.book_id
    union
    select c.id, c.parent_id
    from public.categories c
    join up on c.id = up.parent_id
  )
  select coalesce(array_agg(distinct up.id order by up.id), '{}') from up;
$$;
comment on function private.book_facet_category_ids(uuid) is
  'The categories of a book and all their ancestors (the value of books.facet_category_ids).';

create or replace function private.refresh_book_facet_categories(book_ids uuid[])
returns void
language sql
security definer
set search_path = ''
as $$
  update public.books b
  set facet_category_ids = x.ids
  from (select u.id, private.book_facet_category_ids(u.id) as ids from unnest(book_ids) as u (id)) x
  where b.id = x.id
    and b.facet_category_ids is distinct from x.ids;
$$;
comment on function private.refresh_book_facet_categories(uuid[]) is
  'Recomputes books.facet_category_ids of the given books.';

create or replace function private.book_categories_after_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform private.refresh_book_facet_categories(array(select distinct book_id from new_rows));
  elsif tg_op = 'UPDATE' then
    perform private.refresh_book_facet_categories(array(
      select book_id from new_rows union select book_id from old_rows
    ));
  else
    perform private.refresh_book_facet_categories(array(select distinct book_id from old_rows));
  end if;
  return null;
end;
$$;
comment on function private.book_categories_after_change() is
  'Statement trigger: refreshes books.facet_category_ids of books whose category links changed.';

create or replace function private.categories_after_move()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Books anywhere in the moved subtree now have different ancestors.
  perform private.refresh_book_facet_categories(array(
    with recursive subtree (id) as (
      select new.id
      union
      select c.id from public.categories c join subtree s on c.parent_id = s.id
    )
    select distinct bc.book_id
    from public.book_categories bc
    join subtree s on s.id = bc.category_id
  ));
  return null;
end;
$$;
comment on function private.categories_after_move() is
  'Trigger: refreshes books.facet_category_ids of the books of a category subtree whose parent changed.';

create or replace function private.book_authors_after_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform private.refresh_book_authors(array(select distinct book_id from new_rows));
  elsif tg_op = 'UPDATE' then
    perform private.refresh_book_authors(array(
      select book_id from new_rows union select book_id from old_rows
    ));
  else
    perform private.refresh_book_authors(array(select distinct book_id from old_rows));
  end if;
  return null;
end;
$$;
comment on function private.book_authors_after_change() is
  'Statement trigger: refreshes the search document and list authors of books whose author links changed.';

create or replace function private.authors_after_rename()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.refresh_book_authors(array(
    select ba.book_id from public.book_authors ba where ba.author_id = new.id
  ));
  return null;
end;
$$;
comment on function private.authors_after_rename() is
  'Trigger: refreshes the search document and list authors of an author''s books after a rename.';

-- Trigger functions are never called directly.
revoke all on function
  private.set_updated_at(),
  private.fill_slug(),
  private.categories_prevent_cycle(),
  private.books_before_write(),
  private.book_authors_after_change(),
  private.authors_after_rename(),
  private.refresh_book_authors(uuid[]),
  private.book_author_names(uuid),
  private.book_list_authors(uuid),
  private.book_facet_category_ids(uuid),
  private.refresh_book_facet_categories(uuid[]),
  private.book_categories_after_change(),
  private.categories_after_move()
from public, anon, authenticated;

-- =============================================================================================
-- Triggers
-- =============================================================================================
create trigger set_updated_at before update on public.authors
  for each row execute function private.set_updated_at();
create trigger set_updated_at before update on public.publishers
  for each row execute function private.set_updated_at();
create trigger set_updated_at before update on public.categories
  for each row execute function private.set_updated_at();
create trigger set_updated_at before update on public.books
  for each row execute function private.set_updated_at();

create trigger fill_slug before insert or update of slug on public.authors
  for each row execute function private.fill_slug();
create trigger fill_slug before insert or update of slug on public.publishers
  for each row execute function private.fill_slug();
create trigger fill_slug before insert or update of slug on public.categories
  for each row execute function private.fill_slug();

create trigger prevent_cycle before insert or update of parent_id on public.categories
  for each row execute function private.categories_prevent_cycle();

create trigger maintain_search_and_publication before insert or update on public.books
  for each row execute function private.books_before_write();

-- books.search_vector and books.list_authors follow the author links and the authors' names.
create trigger refresh_authors_after_insert after insert on public.book_authors
  referencing new table as new_rows
  for each statement execute function private.book_authors_after_change();
create trigger refresh_authors_after_update after update on public.book_authors
  referencing new table as new_rows old table as old_rows
  for each statement execute function private.book_authors_after_change();
create trigger refresh_authors_after_delete after delete on public.book_authors
  referencing old table as old_rows
  for each statement execute function private.book_authors_after_change();

create trigger refresh_authors_after_rename after update of name on public.authors
  for each row when (old.name is distinct from new.name)
  execute function private.authors_after_rename();

create trigger refresh_facets_after_insert after insert on public.book_categories
  referencing new table as new_rows
  for each statement execute function private.book_categories_after_change();
create trigger refresh_facets_after_update after update on public.book_categories
  referencing new table as new_rows old table as old_rows
  for each statement execute function private.book_categories_after_change();
create trigger refresh_facets_after_delete after delete on public.book_categories
  referencing old table as old_rows
  for each statement execute function private.book_categories_after_change();

create trigger refresh_facets_after_move after update of parent_id on public.categories
  for each row when (old.parent_id is distinct from new.parent_id)
  execute function private.categories_after_move();

-- =============================================================================================
-- Row level security
-- =============================================================================================
alter table public.authors enable row level security;
alter table public.publishers enable row level security;
alter table public.categories enable row level security;
alter table public.books enable row level security;
alter table public.book_authors enable row level security;
alter table public.book_categories enable row level security;

-- authors ------------------------------------------------------------------------------------
create policy "Authors are visible to everyone"
  on public.authors for select to anon, authenticated
  using (true);
create policy "Admins can add authors"
  on public.authors for insert to authenticated
  with check ((select private.has_role('admin')));
create policy "Admins can edit authors"
  on public.authors for update to authenticated
  using ((select private.has_role('admin')))
  with check ((select private.has_role('admin')));
create policy "Admins can delete authors"
  on public.authors for delete to authenticated
  using ((select private.has_role('admin')));

-- publishers ---------------------------------------------------------------------------------
create policy "Publishers are visible to everyone"
  on public.publishers for select to anon, authenticated
  using (true);
create policy "Admins can add publishers"
  on public.publishers for insert to authenticated
  with check ((select private.has_role('admin')));
create policy "Admins can edit publishers"
  on public.publishers for update to authenticated
  using ((select private.has_role('admin')))
  with check ((select private.has_role('admin')));
create policy "Admins can delete publishers"
  on public.publishers for delete to authenticated
  using ((select private.has_role('admin')));

-- categories ---------------------------------------------------------------------------------
create policy "Categories are visible to everyone"
  on public.categories for select to anon, authenticated
  using (true);
create policy "Admins can add categories"
  on public.categories for insert to authenticated
  with check ((select private.has_role('admin')));
create policy "Admins can edit categories"
  on public.categories for update to authenticated
  using ((select private.has_role('admin')))
  with check ((select private.has_role('admin')));
create policy "Admins can delete categories"
  on public.categories for delete to authenticated
  using ((select private.has_role('admin')));

-- books --------------------------------------------------------------------------------------
-- Two SELECT policies for two role sets: anon gets the plain `is_published` predicate
-- (index-friendly, partial indexes apply, and estimated from the column's statistics: see
-- books.is_published); authenticated users get it OR'ed with the admin check, which runs once per
-- statement as an InitPlan.
create policy "Published books are visible to everyone"
  on public.books for select to anon, authenticated
  using (is_published);
create policy "Admins can see every book"
  on public.books for select to authenticated
  using ((select private.has_role('admin')));
create policy "Admins can add books"
  on public.books for insert to authenticated
  with check ((select private.has_role('admin')));
create policy "Admins can edit books"
  on public.books for update to authenticated
  using ((select private.has_role('admin')))
  with check ((select private.has_role('admin')));
create policy "Admins can delete books"
  on public.books for delete to authenticated
  using ((select private.has_role('admin')));

-- book_authors -------------------------------------------------------------------------------
-- "Visible when the book is": the subquery is itself filtered by the books policies above.
create policy "Book authors are visible when their book is"
  on public.book_authors for select to anon, authenticated
  using (exists (select 1 from public.books b where b.id = book_id));
create policy "Admins can add book authors"
  on public.book_authors for insert to authenticated
  with check ((select private.has_role('admin')));
create policy "Admins can edit book authors"
  on public.book_authors for update to authenticated
  using ((select private.has_role('admin')))
  with check ((select private.has_role('admin')));
create policy "Admins can remove book authors"
  on public.book_authors for delete to authenticated
  using ((select private.has_role('admin')));

-- book_categories ----------------------------------------------------------------------------
create policy "Book categories are visible when their book is"
  on public.book_categories for select to anon, authenticated
  using (exists (select 1 from public.books b where b.id = book_id));
create policy "Admins can add book categories"
  on public.book_categories for insert to authenticated
  with check ((select private.has_role('admin')));
create policy "Admins can edit book categories"
  on public.book_categories for update to authenticated
  using ((select private.has_role('admin')))
  with check ((select private.has_role('admin')));
create policy "Admins can remove book categories"
  on public.book_categories for delete to authenticated
  using ((select private.has_role('admin')));

-- =============================================================================================
-- Grants
-- =============================================================================================
-- Helpers that policies, constraints, indexes or search_books() evaluate as the API roles.
revoke all on function
  private.unaccent(text),
  private.search_text(text),
  private.slugify(text),
  private.ts_config(text),
  private.book_search_document(text, text, text, text, text),
  private.isbn13(text),
  private.is_country_code_list(text[])
from public;
grant execute on function
  private.unaccent(text),
  private.search_text(text),
  private.slugify(text),
  private.ts_config(text),
  private.book_search_document(text, text, text, text, text),
  private.isbn13(text),
  private.is_country_code_list(text[])
to anon, authenticated, service_role;

-- Tables: start from nothing (older Supabase projects grant everything by default).
revoke all on table
  public.authors, public.publishers, public.categories,
  public.books, public.book_authors, public.book_categories
from public, anon, authenticated;

grant select on table
  public.authors, public.publishers, public.categories,
  public.books, public.book_authors, public.book_categories
to anon, authenticated;

-- Writes: RLS restricts them to admins.
grant insert, update, delete on table
  public.authors, public.publishers, public.categories,
  public.book_authors, public.book_categories
to authenticated;

-- books.search_vector, books.facet_category_ids and books.list_authors are maintained by
-- triggers, and books.is_published and books.title_search are generated, so clients may write
-- every column but those. (A migration that adds a column to books must grant it here too.)
grant insert (
  id, title, subtitle, description, isbn, language, publication_date, page_count, file_size,
  format, cover_path, file_path, price, currency, is_free, is_featured, status,
  available_countries, publisher_id, metadata, published_at, created_at, updated_at
), update (
  id, title, subtitle, description, isbn, language, publication_date, page_count, file_size,
  format, cover_path, file_path, price, currency, is_free, is_featured, status,
  available_countries, publisher_id, metadata, published_at, created_at, updated_at
), delete on table public.books to authenticated;

grant all on table
  public.authors, public.publishers, public.categories,
  public.books, public.book_authors, public.book_categories
to service_role;
