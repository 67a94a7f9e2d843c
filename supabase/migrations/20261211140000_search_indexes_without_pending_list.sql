-- GIN indexes that searches and category pages read take their writes directly, not through a pending
-- list (issue 10, search that holds).
--
-- Why: with `fastupdate` on (Postgres's default), a GIN index collects new entries in an unsorted
-- pending list, up to `gin_pending_list_limit` (4 MB), until a vacuum or that limit folds them in,
-- and every scan of the index reads the whole list. Measured on the 100k-book bench catalog after
-- editors changed the descriptions of 4,500 books (one statement per 2,000–2,500 books; 469 pending
-- pages): the rare search 1.4 → 10.1 ms of SQL, the typo search 4.3 → 16.2 ms, both slower as edits
-- accumulate, and back once the list was folded in. The catalog is read far more often than written:
-- without the list, those 2,000 edits took 3.0–3.1 s instead of 2.3–2.4 s (≈ 0.35 ms more per edited
-- book), and reads never pay for it.
--
-- Which indexes: those a reader's request scans — the search side-table's full text and title
-- trigrams, the typo dictionary's trigrams, the category filter of catalog pages, and author names.
-- `books.search_vector` and `books.title_search` keep the default: no query of Coko's reads them since
-- search moved to the side-table, so their pending lists cost nothing but vacuum's time.
--
-- A bulk import that would rather batch (bench/sql/generate-books.sql) turns fastupdate on for its
-- transaction, folds the list in (`gin_clean_pending_list`) and turns it off again.
alter index private.book_search_search_vector_idx set (fastupdate = off);
alter index private.book_search_title_trgm_idx set (fastupdate = off);
alter index private.search_words_word_trgm_idx set (fastupdate = off);
alter index public.books_facet_category_ids_idx set (fastupdate = off);
alter index public.authors_name_trgm_idx set (fastupdate = off);

-- Entries already pending (a database migrated with data) are folded in now.
select pg_catalog.gin_clean_pending_list(index_name::regclass)
from unnest(array[
  'private.book_search_search_vector_idx',
  'private.book_search_title_trgm_idx',
  'private.search_words_word_trgm_idx',
  'public.books_facet_category_ids_idx',
  'public.authors_name_trgm_idx'
]) as index_name;
