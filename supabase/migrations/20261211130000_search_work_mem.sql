-- The search's working memory (issue 10, 1M books).
--
-- A text search reads its matches through a GIN bitmap. The bitmap stays exact (one bit per matching
-- row) only while it fits in `work_mem`; past that Postgres keeps one bit per page instead ("lossy"),
-- and the heap scan re-checks `search_vector @@ query` on every row of every such page. A common term
-- ("histoire", ~10 % of the catalog) touches two thirds of the side-table's pages: about 0.5–0.8 MB
-- of bitmap at 100k books, so 5–8 MB at 1M, past the default 4 MB. Measured at 100k with `work_mem`
-- scaled down the same way (400 kB): 85–99 ms instead of 31–42 ms, every page of the table read.
-- The match set it materialises (~140 B a match) spills to disk past `work_mem` as well.
--
-- 32 MB for the search alone (not the session, not other statements): exact bitmaps up to ~4M books
-- for a term in 10 % of them. It is a ceiling per sort, hash or bitmap, used only as far as the matches
-- need it (≈ 1 MB at 100k books for the common term).
alter function private.search_book_matches(text, uuid, text, boolean, integer, integer, uuid, text[], text, integer, bigint)
  set work_mem = '32MB';
