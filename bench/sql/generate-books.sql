-- Benchmark data: N extra published books (N = setting coko.bench_books, default 100000), in the
-- seed's style: deterministic (md5 of the row number, never random()), French (~70 %) and English
-- (~30 %), titles and several-sentence descriptions built from word lists, 1-3 authors and 1-2
-- categories each, reusing the seed's authors, publishers and categories (run supabase/seed.sql
-- first). Rare term for benches: "xylophonique" appears in exactly 5 books; the common term
-- "histoire" appears in about one French book in six.
--
-- Usage (as the migration role, which owns the tables; it switches triggers off for one
-- transaction, which needs ownership):
--   psql "$DATABASE_URL" -c "set coko.bench_books = 100000" -f bench/sql/generate-books.sql
-- or `set coko.bench_books = …` earlier in the same session. Loads 100k books in about 30 s on an
-- idle two-core machine: search documents, list authors and category sets are computed in bulk
-- inside the INSERT (the triggers that would otherwise compute them again are off for this
-- transaction), then the GIN pending lists are flushed and the tables analyzed. The generated
-- columns (books.is_published, books.title_search) are computed by Postgres in the same INSERT,
-- triggers or not. Every generated book is published; to measure with drafts present (e.g. the accuracy
-- of count=estimated), turn some into drafts afterwards and re-analyze:
--   update public.books set status = 'draft'
--   where metadata ? 'bench' and abs(hashtext(id::text)) % 36 = 0;   -- ~2.8 %
--   vacuum analyze public.books;

-- =============================================================================================
-- Helpers (session-only, in pg_temp)
-- =============================================================================================
create function pg_temp.bench_uuid(key text) returns uuid
language sql immutable as $$
  select (
    substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-'
    || substr('89ab', 1 + get_byte(decode(substr(h, 17, 2), 'hex'), 0) % 4, 1) || substr(h, 18, 3)
    || '-' || substr(h, 21, 12)
  )::uuid
  from (select md5('coko-bench:' || key) as h) s
$$;

create function pg_temp.r(n integer, salt text) returns integer
language sql immutable as $$
  select ('x' || substr(md5(n::text || ':' || salt), 1, 7))::bit(28)::integer
$$;

create function pg_temp.pick(items text[], n integer, salt text) returns text
language sql immutable as $$
  select items[1 + pg_temp.r(n, salt) % cardinality(items)]
$$;

create function pg_temp.with_isbn13_check(body text) returns text
language sql immutable as $$
  select body || ((10 - sum(substr(body, k, 1)::integer * (case when k % 2 = 1 then 1 else 3 end)) % 10) % 10)::text
  from generate_series(1, 12) as k
$$;

-- Title, subtitle and description of bench book n.
create function pg_temp.bench_text(
  n integer, english boolean, rare boolean,
  out title text, out subtitle text, out description text
)
language plpgsql immutable as $$
declare
  people text[] := array['Aminata', 'Moussa', 'Fatou', 'Ibrahima', 'Awa', 'Kofi', 'Mariam', 'Ousmane',
    'Kadiatou', 'Yao', 'Aïcha', 'Seydou', 'Adjoa', 'Boubacar', 'Salimata', 'Issa', 'Rokia', 'Koffi',
    'Ndèye', 'Modibo', 'Sènami', 'Abdou', 'Akossiwa', 'Lamine', 'Binta', 'Tidiane', 'Mame', 'Kwame',
    'Efua', 'Yacouba', 'Nafissatou', 'Bakary', 'Oumou', 'Gnima', 'Dramane', 'Coumba'];
  cities text[] := array['Dakar', 'Abidjan', 'Bamako', 'Ouagadougou', 'Lomé', 'Cotonou', 'Niamey',
    'Conakry', 'Saint-Louis', 'Bouaké', 'Ségou', 'Thiès', 'Porto-Novo', 'Korhogo', 'Sokodé', 'Kaolack',
    'Tombouctou', 'Mopti', 'Djenné', 'Ziguinchor', 'Kankan', 'Parakou', 'Kara', 'Bobo-Dioulasso',
    'Koudougou', 'Kayes', 'Sikasso', 'Tamale', 'Kumasi', 'Gao', 'Zinder', 'Labé'];
  -- French --------------------------------------------------------------------------------
  fr_nouns text[] := array['Le Fleuve', 'La Saison des pluies', 'Les Enfants', 'Le Chant', 'La Promesse',
    'Le Silence', 'Les Tambours', 'La Route', 'Le Marché', 'La Lagune', 'Les Griots', 'Le Baobab',
    'La Mémoire', 'Les Voix', 'La Case', 'Le Rêve', 'Les Étoiles', 'La Colline', 'Le Retour', 'La Fille',
    'Le Fils', 'Les Secrets', 'La Nuit', 'Le Puits', 'Les Pirogues', 'La Maison', 'Le Voyageur',
    'Les Héritiers', 'La Reine', 'Le Forgeron', 'Le Lion', 'La Caravane', 'Les Sables', 'Le Tisserand',
    'La Source', 'Les Manguiers', 'Le Cordonnier', 'La Danse', 'Les Masques', 'Le Royaume'];
  fr_compl text[] := array['du Sahel', 'de Tombouctou', 'de la Casamance', 'du fleuve Niger', 'de Gorée',
    'de Kankan', 'du Fouta-Djalon', 'de Ouidah', 'de Saint-Louis', 'de Bobo-Dioulasso', 'd''Abomey',
    'de Korhogo', 'de Kayes', 'du Mandé', 'de la savane', 'de Grand-Bassam', 'de Porto-Novo',
    'de Ziguinchor', 'de Mopti', 'de Kara', 'de Djenné', 'de Sikasso', 'de l''Atakora', 'des ancêtres',
    'de l''harmattan', 'des cauris', 'de minuit', 'de la dernière pluie', 'du désert', 'de la forêt sacrée',
    'du village', 'de l''océan', 'des collines', 'du grand marché', 'de la lune rousse'];
  fr_kinds text[] := array['Roman', 'Nouvelles', 'Récit', 'Poèmes', 'Chronique', 'Essai', 'Conte',
    'Théâtre', 'Guide pratique', 'Manuel', 'Témoignage', 'Mémoires'];
  fr_title_forms text[] := array['%1$s %2$s', '%1$s %2$s', '%1$s %2$s', '%1$s %2$s', '%1$s %2$s',
    'Histoire %2$s', 'Chroniques %2$s', '%3$s à %4$s', 'Les Mystères %2$s', 'Souvenirs %2$s',
    'Comprendre %5$s', 'Cultiver le %6$s à %4$s', 'L''École %2$s', 'Apprendre le %7$s', 'La Société %8$s',
    'Mémoires %2$s', 'Contes %2$s', 'Lettres de %4$s', 'Le Voyage de %3$s', 'Récits %2$s'];
  trades text[] := array['couturière', 'pêcheur', 'institutrice', 'mécanicien', 'étudiante', 'commerçante',
    'chauffeur de taxi', 'infirmière', 'forgeron', 'tisserande', 'boulanger', 'sage-femme', 'cultivateur',
    'journaliste', 'griotte', 'menuisier', 'vendeuse de beignets', 'électricien'];
  topics text[] := array['le paludisme', 'la nutrition des enfants', 'l''hygiène de l''eau', 'le diabète',
    'la santé maternelle', 'les énergies renouvelables', 'le climat du Sahel', 'les plantes médicinales',
    'la microfinance', 'le commerce en ligne', 'la gestion d''une coopérative', 'le droit foncier',
    'la décentralisation', 'l''économie informelle', 'la pêche artisanale', 'l''élevage transhumant'];
  crops text[] := array['mil', 'sorgho', 'manioc', 'riz', 'maïs', 'coton', 'cacao', 'karité', 'niébé',
    'igname', 'fonio', 'sésame', 'gombo', 'arachide'];
  tongues text[] := array['wolof', 'bambara', 'mooré', 'fon', 'éwé', 'dioula', 'pulaar', 'haoussa',
    'baoulé', 'soussou', 'sérère', 'mandinka', 'yoruba', 'zarma'];
  societies text[] := array['sénégalaise', 'ivoirienne', 'malienne', 'burkinabè', 'togolaise', 'béninoise',
    'nigérienne', 'guinéenne'];
  fr_sentences text[] := array[
    '%1$s, jeune %3$s de %2$s, rêve de quitter son quartier pour tenter sa chance ailleurs.',
    'Entre tradition et modernité, ce livre raconte l''histoire d''une famille sur trois générations.',
    'Quand %1$s revient à %2$s après vingt ans d''absence, les secrets de la famille refont surface.',
    'Un roman d''amour et d''exil, porté par une écriture lumineuse et précise.',
    'Le destin de %1$s bascule le jour où la pluie ne vient pas.',
    'Au marché de %2$s, les commerçantes connaissent tous les secrets de la ville.',
    'Chaque chapitre donne la parole à un personnage ordinaire : un vendeur ambulant, une grand-mère, un écolier.',
    'Le soir, au pied du baobab, le griot raconte les exploits des anciens rois.',
    'L''auteur a recueilli pendant dix ans les récits des anciens de %2$s.',
    'À partir des traditions orales et des archives, ce livre retrace l''histoire de la région.',
    'Les luttes syndicales, les partis politiques et les grandes figures de l''indépendance y sont présentés avec clarté.',
    'Un guide pratique pour comprendre %4$s et agir au quotidien.',
    'Écrit par des médecins et des chercheurs de la région, il explique simplement les notions essentielles.',
    'Des conseils concrets pour créer et développer une petite entreprise à %2$s.',
    'Tontines, microcrédit et paiement mobile : les outils de financement sont expliqués pas à pas.',
    'Un manuel pour améliorer la culture du %5$s : semences, sols, irrigation et stockage.',
    'Les coopératives villageoises et les groupements de femmes y tiennent une place centrale.',
    'Une méthode progressive pour apprendre le %6$s, avec dialogues, vocabulaire et exercices corrigés.',
    'Conçu pour l''école et pour les adultes, ce manuel accompagne les enseignants tout au long de l''année.',
    'La pièce se joue sur la place du village, devant le chef et le conseil des anciens.',
    'Des poèmes qui chantent le fleuve, la mémoire des ancêtres et la beauté des femmes de %2$s.',
    'Un recueil de proverbes et de méditations pour accompagner la vie de tous les jours.',
    'Le lièvre, l''hyène et l''araignée rivalisent de ruse dans ces contes pleins d''humour.',
    'Un livre illustré à lire en famille, dès six ans.',
    'Un livre essentiel pour comprendre la société %7$s d''aujourd''hui.',
    'La narration alterne entre %1$s et sa sœur, restée au pays.',
    'Le récit traverse les années de sécheresse, les migrations vers la côte et le retour au village.',
    'Une enquête rigoureuse, nourrie de témoignages inédits et de photographies d''époque.',
    'Un texte sensible, servi par une langue simple et musicale.',
    'Les élèves y trouveront des exercices tirés de la vie quotidienne à %2$s.',
    'Une lecture accessible, idéale pour les lecteurs curieux des cultures de la région.',
    'Depuis sa parution, ce livre est lu dans de nombreuses écoles et bibliothèques.',
    'Orphelin à douze ans, %1$s apprend le métier de %3$s auprès d''un oncle exigeant.',
    'Les rues de %2$s s''animent dès l''aube, entre les klaxons des taxis-brousse et les appels des vendeuses.',
    'Le fleuve monte, les champs disparaissent, et tout le village doit décider s''il faut partir.',
    'Un jeune instituteur nommé à %2$s découvre une école sans tables ni cahiers.',
    'La saison des pluies apporte avec elle des visiteurs inattendus.',
    'Un mariage arrangé, une fuite en pleine nuit, et une amitié qui résiste à tout.',
    'Le roman suit trois amies d''enfance devenues médecin, commerçante et députée.',
    'Les dialogues, vifs et drôles, font entendre le français tel qu''on le parle à %2$s.',
    'Entre %2$s et Paris, %1$s cherche sa place et sa voix.',
    'Un vieux pêcheur transmet à son petit-fils les secrets de la lagune.',
    'L''ouvrage réunit des cartes, des chronologies et des portraits des grands souverains.',
    'Chaque leçon se termine par un résumé et un petit test.',
    'Les illustrations en couleurs accompagnent chaque page.',
    'Un essai stimulant sur la jeunesse, le travail et l''avenir des villes africaines.',
    'L''auteur interroge la place des femmes dans l''économie du village.',
    'Des recettes, des chants et des jeux rythment ce voyage à travers les saisons.',
    'Une réflexion sur la foi, le doute et la tolérance.',
    'Le procès d''un chef de canton devient le miroir de toute une époque.',
    'Les personnages se croisent au carrefour, sous le grand manguier.',
    'Un carnet de voyage de %2$s à Tombouctou, à pied, en pirogue et en camion.',
    'Des entretiens avec des agriculteurs, des éleveurs et des ingénieurs.',
    'On y apprend à lire l''heure, à compter la monnaie du marché et à mesurer les champs.',
    'Un thriller haletant dans les coulisses du port de %2$s.',
    'La mémoire des tirailleurs revit à travers les lettres d''un grand-père.',
    'Le conte du chasseur et de la biche blanche, revisité pour les jeunes lecteurs.',
    'Une chronique du quotidien dans un lycée de %2$s.',
    'La musique de la kora accompagne chaque chapitre.',
    'Des lettres échangées entre deux cousins, l''un resté au village, l''autre parti à %2$s.',
    'Des fiches pratiques pour gérer un budget familial et épargner.',
    'L''auteur raconte avec humour ses années d''étudiant à %2$s.',
    'Une fable politique sur le pouvoir, la rumeur et la vérité.',
    'Un hommage aux bâtisseurs de la grande mosquée de terre.'];
  -- English --------------------------------------------------------------------------------
  en_nouns text[] := array['The River', 'The Rainy Season', 'The Children', 'The Song', 'The Promise',
    'The Drums', 'The Road', 'The Market', 'The Lagoon', 'The Griots', 'The Baobab', 'The Voices',
    'The Stars', 'The Return', 'The Daughter', 'The Secrets', 'The Well', 'The Canoes', 'The Traveller',
    'The Queen', 'The Blacksmith', 'The Caravan', 'The Sands', 'The Weaver', 'The Masks', 'The Kingdom'];
  en_compl text[] := array['of the Sahel', 'of Timbuktu', 'of Casamance', 'of the Niger', 'of Gorée Island',
    'of Kumasi', 'of Ouidah', 'of Saint-Louis', 'of Abomey', 'of Korhogo', 'of the Savannah', 'of Accra',
    'of Djenné', 'of the Ancestors', 'of the Harmattan', 'of Midnight', 'of the Last Rain', 'of the Desert',
    'of the Sacred Forest', 'of the Ocean', 'of the Hills'];
  en_kinds text[] := array['A Novel', 'Stories', 'Poems', 'A Memoir', 'An Essay', 'A Practical Guide',
    'A Handbook', 'A Play', 'Folk Tales', 'A History'];
  en_title_forms text[] := array['%1$s %2$s', '%1$s %2$s', '%1$s %2$s', 'A History %2$s',
    'Tales %2$s', 'Chronicles %2$s', '%3$s in %4$s', 'Understanding %5$s', 'Growing %6$s in %4$s',
    'Learning %7$s', 'Letters from %4$s', 'Memories %2$s'];
  en_topics text[] := array['Malaria', 'Child Nutrition', 'Safe Water', 'Diabetes', 'Solar Energy',
    'Climate Change', 'Microfinance', 'Land Rights', 'Small Business', 'Mobile Money', 'Fisheries'];
  en_crops text[] := array['Millet', 'Sorghum', 'Cassava', 'Rice', 'Maize', 'Cocoa', 'Shea', 'Yams', 'Fonio'];
  en_tongues text[] := array['Wolof', 'Bambara', 'Twi', 'Ewe', 'Fon', 'Hausa', 'Yoruba', 'Mooré', 'French'];
  en_trades text[] := array['seamstress', 'fisherman', 'teacher', 'mechanic', 'student', 'trader',
    'taxi driver', 'nurse', 'blacksmith', 'weaver', 'baker', 'midwife', 'farmer', 'journalist'];
  en_sentences text[] := array[
    '%1$s, a young %3$s from %2$s, dreams of a different life.',
    'This is the story of a family across three generations, between tradition and change.',
    'When %1$s returns to %2$s after twenty years away, old family secrets resurface.',
    'A story of love and exile, told in luminous, precise prose.',
    'Everything changes for %1$s the year the rains do not come.',
    'In the market of %2$s, the women traders know every secret of the town.',
    'Each chapter gives a voice to an ordinary person: a street vendor, a grandmother, a schoolboy.',
    'At night, under the baobab tree, the griot tells of the deeds of ancient kings.',
    'Drawing on oral traditions and archives, the book traces the history of the region.',
    'Trade unions, political parties and the leaders of independence are described with clarity.',
    'A practical guide to understanding %4$s and acting on it every day.',
    'Written by doctors and researchers from the region, it explains the essentials simply.',
    'Concrete advice for starting and growing a small business in %2$s.',
    'Savings groups, microcredit and mobile payments are explained step by step.',
    'A handbook for better %5$s farming: seeds, soils, irrigation and storage.',
    'A progressive course in %6$s, with dialogues, vocabulary and corrected exercises.',
    'Poems that sing of the river, of the ancestors and of the people of %2$s.',
    'Hare, Spider and Tortoise outwit the mighty in these humorous tales.',
    'A beautifully illustrated book to read aloud with the family.',
    'The narrative alternates between the voices of %1$s and a sister who stayed at home.',
    'A rigorous investigation, rich in first-hand accounts and archival photographs.',
    'An accessible read for anyone curious about West African cultures.',
    'Since it first appeared, this book has been read in many schools and libraries.',
    'Orphaned at twelve, %1$s learns the trade of a %3$s from a demanding uncle.',
    'The streets of %2$s come alive at dawn with taxi horns and the calls of street vendors.',
    'The river is rising, the fields are disappearing, and the whole village must decide whether to leave.',
    'A young teacher posted to %2$s finds a school with no desks and no exercise books.',
    'An arranged marriage, an escape in the night, and a friendship that survives everything.',
    'The novel follows three childhood friends who became a doctor, a trader and a member of parliament.',
    'Between %2$s and London, %1$s looks for a place and a voice.',
    'An old fisherman passes the secrets of the lagoon on to his grandson.',
    'Maps, timelines and portraits of the great rulers complete the book.',
    'Each lesson ends with a summary and a short quiz.',
    'A stimulating essay on youth, work and the future of African cities.',
    'Recipes, songs and games mark this journey through the seasons.',
    'A reflection on faith, doubt and tolerance.',
    'A gripping thriller behind the scenes of the port of %2$s.',
    'Letters from a grandfather bring the memory of the colonial soldiers back to life.',
    'A chronicle of daily life in a secondary school in %2$s.',
    'A political fable about power, rumour and truth.'];
  who text := pg_temp.pick(people, n, 'who');
  city text := pg_temp.pick(cities, n, 'city');
  sentence_count integer := 3 + pg_temp.r(n, 'len') % 3;
  -- Sentences first_sentence + 7k: distinct for k = 1..5, as 7 is prime to both list lengths
  -- (64 and 40).
  first_sentence integer := pg_temp.r(n, 'sentence');
  k integer;
begin
  if not english then
    title := format(pg_temp.pick(fr_title_forms, n, 'form'),
      pg_temp.pick(fr_nouns, n, 'noun'), pg_temp.pick(fr_compl, n, 'compl'), who, city,
      pg_temp.pick(topics, n, 'topic'), pg_temp.pick(crops, n, 'crop'), pg_temp.pick(tongues, n, 'tongue'),
      pg_temp.pick(societies, n, 'society'));
    subtitle := pg_temp.pick(fr_kinds, n, 'kind');
    description := '';
    for k in 1..sentence_count loop
      description := description || format(fr_sentences[1 + (first_sentence + 7 * k) % cardinality(fr_sentences)],
        pg_temp.pick(people, n, 'p' || k), pg_temp.pick(cities, n, 'c' || k), pg_temp.pick(trades, n, 't' || k),
        pg_temp.pick(topics, n, 'o' || k), pg_temp.pick(crops, n, 'r' || k), pg_temp.pick(tongues, n, 'l' || k),
        pg_temp.pick(societies, n, 'y' || k)) || ' ';
    end loop;
    if rare then
      description := description || 'Un récit xylophonique, rythmé comme un balafon.';
    end if;
  else
    title := format(pg_temp.pick(en_title_forms, n, 'form'),
      pg_temp.pick(en_nouns, n, 'noun'), pg_temp.pick(en_compl, n, 'compl'), who, city,
      pg_temp.pick(en_topics, n, 'topic'), pg_temp.pick(en_crops, n, 'crop'), pg_temp.pick(en_tongues, n, 'tongue'));
    subtitle := pg_temp.pick(en_kinds, n, 'kind');
    description := '';
    for k in 1..sentence_count loop
      description := description || format(en_sentences[1 + (first_sentence + 7 * k) % cardinality(en_sentences)],
        pg_temp.pick(people, n, 'p' || k), pg_temp.pick(cities, n, 'c' || k), pg_temp.pick(en_trades, n, 't' || k),
        lower(pg_temp.pick(en_topics, n, 'o' || k)), lower(pg_temp.pick(en_crops, n, 'r' || k)),
        pg_temp.pick(en_tongues, n, 'l' || k)) || ' ';
    end loop;
    if rare then
      description := description || 'A xylophonique tale, rhythmic as a balafon.';
    end if;
  end if;
  description := rtrim(description);
end;
$$;

-- =============================================================================================
-- Generate
-- =============================================================================================
begin;

-- The triggers would compute each search document twice (on insert, again when the author links
-- arrive) and rewrite every book once more for its list authors and category set; compute them in
-- bulk instead.
-- ALTER TABLE is transactional: the triggers are back on at commit, and also if anything fails.
alter table public.books disable trigger maintain_search_and_publication;
alter table public.book_authors disable trigger refresh_authors_after_insert;
alter table public.book_categories disable trigger refresh_facets_after_insert;
-- The read path's GIN indexes take writes directly (20261211140000_search_indexes_without_pending_list.sql);
-- a bulk load batches them through the pending list instead, folded in below and switched off again
-- (ALTER INDEX is transactional too).
create temp table bench_direct_gin_indexes on commit drop as
select c.oid::regclass as index_name
from pg_catalog.pg_class c
join pg_catalog.pg_am am on am.oid = c.relam
where am.amname = 'gin' and c.relkind = 'i' and c.reloptions @> array['fastupdate=off'];
do $$
declare
  index_name regclass;
begin
  for index_name in select g.index_name from bench_direct_gin_indexes g loop
    execute format('alter index %s set (fastupdate = on)', index_name);
  end loop;
end
$$;

-- Each category with its ancestors, for books.facet_category_ids.
create temp table bench_category_paths on commit drop as
with recursive up (category_id, id, parent_id) as (
  select c.id, c.id, c.parent_id from public.categories c
  union
  select up.category_id, c.id, c.parent_id from up join public.categories c on c.id = up.parent_id
)
select category_id, array_agg(id) as path from up group by category_id;

create temp table bench_spec on commit drop as
with params as (
  select coalesce(nullif(current_setting('coko.bench_books', true), '')::integer, 100000) as total
),
ref as (
  select
    (select array_agg(id order by id) from public.authors) as authors,
    (select array_agg(id order by id) from public.publishers) as publishers,
    (select array_agg(c.id order by c.slug) from public.categories c
      where not exists (select 1 from public.categories ch where ch.parent_id = c.id)) as leaves
)
select g.n,
  pg_temp.bench_uuid('book:' || g.n) as id,
  g.n % 10 >= 7 as english,
  -- exactly five books carry the rare word
  g.n % greatest(p.total / 5, 1) = 3 % greatest(p.total / 5, 1) and g.n <= 5 * greatest(p.total / 5, 1) as rare,
  array(
    select x.author_id from (
      select ref.authors[1 + pg_temp.r(g.n, 'author' || k) % cardinality(ref.authors)] as author_id, k
      from generate_series(1, 1 + pg_temp.r(g.n, 'nauthors') % 10 / 7 + pg_temp.r(g.n, 'nauthors') % 10 / 9) as k
    ) x
    group by x.author_id
    order by min(x.k)
  ) as author_ids,
  array(
    select distinct ref.leaves[1 + pg_temp.r(g.n, 'cat' || k) % cardinality(ref.leaves)]
    from generate_series(1, 1 + pg_temp.r(g.n, 'ncats') % 3 / 2) as k
  ) as category_ids,
  ref.publishers[1 + pg_temp.r(g.n, 'publisher') % cardinality(ref.publishers)] as publisher_id
from params p
cross join ref
cross join lateral generate_series(1, p.total) as g (n);

insert into public.books (
  id, title, subtitle, description, isbn, language, publication_date, page_count, file_size, format,
  price, currency, is_free, is_featured, status, available_countries, publisher_id, metadata,
  search_vector, list_authors, facet_category_ids, published_at, created_at, updated_at
)
select s.id, t.title, t.subtitle, t.description,
  pg_temp.with_isbn13_check('9791' || lpad(s.n::text, 8, '0')),
  case when s.english then 'en' else 'fr' end,
  date '1990-01-01' + pg_temp.r(s.n, 'pubdate') % 12500,
  40 + pg_temp.r(s.n, 'pages') % 600,
  (40 + pg_temp.r(s.n, 'pages') % 600) * 9000 + pg_temp.r(s.n, 'bytes') % 50000,
  case when s.n % 6 = 0 then 'pdf' else 'epub' end::public.book_format,
  case when s.n % 4 = 0 then 0
    when s.n % 13 = 0 then 299 + (s.n % 10) * 100
    else 500 + (pg_temp.r(s.n, 'price') % 46) * 100 end,
  case when s.n % 4 <> 0 and s.n % 13 = 0 then 'EUR' else 'XOF' end,
  s.n % 4 = 0,
  s.n % 200 = 1,
  'published'::public.book_status,
  case when s.n % 11 = 0 then array['SN', 'CI', 'ML']
    when s.n % 23 = 0 then array['BF']
    else '{}'::text[] end,
  s.publisher_id,
  jsonb_build_object('bench', true),
  private.book_search_document(t.title, t.subtitle,
    (select string_agg(a.name, ' ' order by x.ord) from unnest(s.author_ids) with ordinality as x (id, ord)
      join public.authors a on a.id = x.id),
    t.description, case when s.english then 'en' else 'fr' end),
  -- As private.book_list_authors() computes it (positions follow author_ids' order).
  coalesce((select jsonb_agg(jsonb_build_object('id', a.id, 'name', a.name) order by x.ord)
    from unnest(s.author_ids) with ordinality as x (id, ord)
    join public.authors a on a.id = x.id), '[]'::jsonb),
  array(
    select distinct p.id
    from unnest(s.category_ids) as c (id)
    join bench_category_paths cp on cp.category_id = c.id
    cross join lateral unnest(cp.path) as p (id)
    order by p.id
  ),
  timestamptz '2024-01-01 00:00:00+00' + s.n * interval '5 minutes',
  timestamptz '2024-01-01 00:00:00+00' + s.n * interval '5 minutes',
  timestamptz '2024-01-01 00:00:00+00' + s.n * interval '5 minutes'
from bench_spec s
cross join lateral pg_temp.bench_text(s.n, s.english, s.rare) as t;

insert into public.book_authors (book_id, author_id, position)
select s.id, x.author_id, x.ord - 1
from bench_spec s
cross join lateral unnest(s.author_ids) with ordinality as x (author_id, ord);

insert into public.book_categories (book_id, category_id)
select s.id, c.category_id
from bench_spec s
cross join lateral unnest(s.category_ids) as c (category_id);

alter table public.books enable trigger maintain_search_and_publication;
alter table public.book_authors enable trigger refresh_authors_after_insert;
alter table public.book_categories enable trigger refresh_facets_after_insert;
do $$
declare
  index_name regclass;
begin
  for index_name in select g.index_name from bench_direct_gin_indexes g loop
    perform pg_catalog.gin_clean_pending_list(index_name);
    execute format('alter index %s set (fastupdate = off)', index_name);
  end loop;
end
$$;

commit;

-- Fold the GIN pending lists into the indexes now (otherwise the first searches scan them
-- linearly until autovacuum runs), then refresh planner statistics. Both work inside a
-- transaction block, unlike VACUUM, so the file can be sent as one multi-statement query.
select pg_catalog.gin_clean_pending_list('public.books_search_vector_idx'::regclass),
  pg_catalog.gin_clean_pending_list('public.books_title_trgm_idx'::regclass);
analyze public.books, public.book_authors, public.book_categories;
