-- Demo data for local development and demos. Runs once, after the migrations, on a fresh database
-- (as the migration role). Everything is fictional and deterministic: ids derive from md5 of a key,
-- choices from md5 of the row number, never from random(), so every run produces the same rows.
-- Re-running is a no-op (on conflict do nothing).
--
-- Contents: the demo reader and the demo admin (auth.users + user_roles), a category tree,
-- 10 publishers, 60 authors, 240 published and 12 draft books (about 3/4 in French, 1/4 in English),
-- with their author and category links, and the two subscription plans (mensuel, annuel) over the
-- whole catalog. Prices are in ISO 4217 minor units (XOF has none; 499 EUR = 4.99 €).

-- =============================================================================================
-- Helpers (session-only, in pg_temp)
-- =============================================================================================

-- A deterministic, RFC 4122 version-4-shaped uuid from a key.
create function pg_temp.seed_uuid(key text) returns uuid
language sql immutable as $$
  select (
    substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-'
    || substr('89ab', 1 + get_byte(decode(substr(h, 17, 2), 'hex'), 0) % 4, 1) || substr(h, 18, 3)
    || '-' || substr(h, 21, 12)
  )::uuid
  from (select md5('coko-seed:' || key) as h) s
$$;

-- A deterministic pseudo-random non-negative integer for (n, salt).
create function pg_temp.r(n integer, salt text) returns integer
language sql immutable as $$
  select ('x' || substr(md5(n::text || ':' || salt), 1, 7))::bit(28)::integer
$$;

-- A deterministic pick from a list.
create function pg_temp.pick(items text[], n integer, salt text) returns text
language sql immutable as $$
  select items[1 + pg_temp.r(n, salt) % cardinality(items)]
$$;

-- Appends the ISBN-13 check digit to 12 digits.
create function pg_temp.with_isbn13_check(body text) returns text
language sql immutable as $$
  select body || ((10 - sum(substr(body, k, 1)::integer * (case when k % 2 = 1 then 1 else 3 end)) % 10) % 10)::text
  from generate_series(1, 12) as k
$$;

-- Title, subtitle and description of generated book n, for a theme (category slug) and language.
create function pg_temp.book_text(
  n integer, theme text, english boolean,
  out title text, out subtitle text, out description text
)
language plpgsql immutable as $$
declare
  -- French word lists ---------------------------------------------------------------------
  nouns text[] := array['Le Fleuve', 'La Saison des pluies', 'Les Enfants', 'Le Chant', 'La Promesse',
    'Le Silence', 'Les Tambours', 'La Route', 'Le Marché', 'La Lagune', 'Les Griots', 'Le Baobab',
    'La Mémoire', 'Les Voix', 'La Case', 'Le Rêve', 'Les Étoiles', 'La Colline', 'Le Retour',
    'La Fille', 'Le Fils', 'Les Secrets', 'La Nuit', 'Le Puits', 'Les Pirogues', 'La Maison',
    'Le Voyageur', 'Les Héritiers', 'La Reine', 'Le Forgeron'];
  compl text[] := array['du Sahel', 'de Tombouctou', 'de la Casamance', 'du fleuve Niger', 'de Gorée',
    'de Kankan', 'du Fouta-Djalon', 'de Ouidah', 'de Saint-Louis', 'de Bobo-Dioulasso', 'd''Abomey',
    'de Korhogo', 'de Kayes', 'du Mandé', 'de la savane', 'de Grand-Bassam', 'de Porto-Novo',
    'de Ziguinchor', 'de Mopti', 'de Kara', 'de Djenné', 'de Sikasso', 'de l''Atakora',
    'des ancêtres', 'de l''harmattan', 'des cauris', 'de minuit', 'de la dernière pluie'];
  cities text[] := array['Dakar', 'Abidjan', 'Bamako', 'Ouagadougou', 'Lomé', 'Cotonou', 'Niamey',
    'Conakry', 'Saint-Louis', 'Bouaké', 'Ségou', 'Thiès', 'Porto-Novo', 'Korhogo', 'Sokodé', 'Kaolack'];
  countries text[] := array['au Sénégal', 'en Côte d''Ivoire', 'au Mali', 'au Burkina Faso', 'au Togo',
    'au Bénin', 'au Niger', 'en Guinée'];
  country_names text[] := array['le Sénégal', 'la Côte d''Ivoire', 'le Mali', 'le Burkina Faso', 'le Togo',
    'le Bénin', 'le Niger', 'la Guinée'];
  societies text[] := array['sénégalaise', 'ivoirienne', 'malienne', 'burkinabè', 'togolaise',
    'béninoise', 'nigérienne', 'guinéenne'];
  people text[] := array['Aminata', 'Moussa', 'Fatou', 'Ibrahima', 'Awa', 'Kofi', 'Mariam', 'Ousmane',
    'Kadiatou', 'Yao', 'Aïcha', 'Seydou', 'Adjoa', 'Boubacar', 'Salimata', 'Issa', 'Rokia', 'Koffi',
    'Ndèye', 'Modibo', 'Sènami', 'Abdou', 'Akossiwa', 'Lamine'];
  trades text[] := array['couturière', 'pêcheur', 'institutrice', 'mécanicien', 'étudiante',
    'commerçante', 'chauffeur de taxi', 'infirmière', 'forgeron', 'tisserande'];
  animals text[] := array['le lièvre', 'l''hyène', 'l''araignée', 'la tortue', 'le caméléon', 'le lion',
    'l''éléphant', 'le singe', 'la pintade', 'le crocodile'];
  fable_titles text[] := array['Le Lièvre et l''Hyène', 'L''Araignée et le Caméléon', 'La Tortue et la Pintade',
    'Le Singe et le Crocodile', 'L''Éléphant et la Fourmi', 'Le Lion qui ne savait pas rugir'];
  crops text[] := array['mil', 'sorgho', 'manioc', 'riz', 'maïs', 'coton', 'cacao', 'karité', 'niébé', 'igname'];
  health text[] := array['le paludisme', 'la nutrition des enfants', 'l''hygiène de l''eau', 'le diabète',
    'la santé maternelle', 'les énergies renouvelables', 'le climat du Sahel', 'les plantes médicinales'];
  tongues text[] := array['wolof', 'bambara', 'mooré', 'fon', 'éwé', 'dioula', 'pulaar', 'haoussa',
    'baoulé', 'soussou'];
  closers text[] := array[
    'Un livre essentiel pour comprendre la société %s d''aujourd''hui.',
    'Une lecture accessible, idéale pour les lecteurs curieux de l''histoire et des cultures de la région.',
    'Un texte sensible, servi par une langue simple et musicale.',
    'Un ouvrage de référence, déjà adopté par plusieurs bibliothèques scolaires.',
    'Un livre à partager, à lire seul ou à voix haute en famille.'];
  -- English word lists --------------------------------------------------------------------
  en_nouns text[] := array['The River', 'The Rainy Season', 'The Children', 'The Song', 'The Promise',
    'The Drums', 'The Road', 'The Market', 'The Lagoon', 'The Griots', 'The Baobab', 'The Voices',
    'The Stars', 'The Return', 'The Daughter', 'The Secrets', 'The Well', 'The Canoes', 'The Traveller',
    'The Queen', 'The Blacksmith'];
  en_compl text[] := array['of the Sahel', 'of Timbuktu', 'of Casamance', 'of the Niger', 'of Gorée Island',
    'of Kumasi', 'of Ouidah', 'of Saint-Louis', 'of Abomey', 'of Korhogo', 'of the Savannah', 'of Accra',
    'of Djenné', 'of the Ancestors', 'of the Harmattan', 'of Midnight', 'of the Last Rain'];
  en_countries text[] := array['Senegal', 'Côte d''Ivoire', 'Mali', 'Burkina Faso', 'Togo', 'Benin',
    'Niger', 'Guinea', 'Ghana'];
  en_trades text[] := array['seamstress', 'fisherman', 'teacher', 'mechanic', 'student', 'trader',
    'taxi driver', 'nurse', 'blacksmith', 'weaver'];
  en_closers text[] := array[
    'An essential read for anyone curious about West African history and society.',
    'Written in a warm, simple voice that readers of all ages will enjoy.',
    'A reference work already used in several school libraries.',
    'A book to share, to read alone or aloud with the family.'];
  place text := pg_temp.pick(compl, n, 'compl');
  city text := pg_temp.pick(cities, n, 'city');
  k integer := pg_temp.r(n, 'country') % 8;
  who text := pg_temp.pick(people, n, 'who');
  who2 text := pg_temp.pick(people, n, 'who2');
  crop text := pg_temp.pick(crops, n, 'crop');
  tongue text := pg_temp.pick(tongues, n, 'tongue');
  closer text;
begin
  if not english then
    closer := format(pg_temp.pick(closers, n, 'closer'), societies[1 + k]);
    case theme
    when 'romans' then
      title := pg_temp.pick(nouns, n, 'noun') || ' ' || place;
      subtitle := 'Roman';
      description := format('%s, jeune %s de %s, rêve de quitter son village pour la grande ville. ',
          who, pg_temp.pick(trades, n, 'trade'), city)
        || pg_temp.pick(array[
          'Entre tradition et modernité, ce roman raconte l''histoire d''une famille sur trois générations. ',
          format('Quand %s revient à %s après vingt ans d''absence, les secrets de la famille refont surface. ', who2, city),
          'Une histoire d''amour et d''exil, portée par une écriture lumineuse. ',
          format('Le destin de %s bascule le jour où la pluie ne vient pas. ', who2)], n, 's2')
        || closer;
    when 'nouvelles' then
      title := pg_temp.pick(array['Histoires ', 'Nouvelles ', 'Récits ', 'Chroniques '], n, 'kind') || place;
      subtitle := 'Nouvelles';
      description := format('Douze nouvelles qui racontent la vie quotidienne à %s : le marché, l''école, les mariages et les deuils. ', city)
        || 'Chaque histoire donne la parole à un personnage ordinaire : un vendeur ambulant, une grand-mère, un écolier. '
        || closer;
    when 'poesie' then
      title := pg_temp.pick(array['Chants ', 'Poèmes ', 'Prières ', 'Louanges '], n, 'kind') || place;
      subtitle := 'Poèmes';
      description := format('Des poèmes qui chantent %s, la mémoire des ancêtres et la beauté du fleuve. ', city)
        || 'Une voix forte, entre oralité et modernité. ' || closer;
    when 'theatre' then
      title := pg_temp.pick(array['La Palabre ', 'Le Conseil ', 'Le Procès ', 'Les Noces '], n, 'kind') || place;
      subtitle := 'Pièce en trois actes';
      description := 'Une pièce où le conseil du village doit trancher un conflit entre deux familles. '
        || format('%s et %s s''affrontent devant le chef, sous le regard amusé des anciens. ', who, who2)
        || 'Une satire sociale pleine d''humour, jouée dans les écoles et les maisons de la culture.';
    when 'contes' then
      title := pg_temp.pick(fable_titles, n, 'fable');
      subtitle := 'Contes et légendes ' || place;
      description := format('Ces contes, transmis de génération en génération, mettent en scène %s et %s. ',
          pg_temp.pick(animals, n, 'a1'), pg_temp.pick(animals, n + 3, 'a2'))
        || 'Le soir, au pied du baobab, le griot raconte des histoires pleines de sagesse. '
        || 'Un livre illustré pour lire en famille, dès six ans.';
    when 'bandes-dessinees' then
      title := format('%s à %s', who, city);
      subtitle := format('Bande dessinée, tome %s', 1 + pg_temp.r(n, 'tome') % 6);
      description := format('Les aventures de %s, un enfant malin qui découvre les rues de %s. ', who, city)
        || 'Entre l''école, le marché et le terrain de football, chaque page réserve une surprise. '
        || 'Une bande dessinée drôle et tendre pour les lecteurs de huit à douze ans.';
    when 'afrique-de-l-ouest' then
      title := pg_temp.pick(array['Histoire ', 'Les Royaumes ', 'Mémoires ', 'Chroniques '], n, 'kind') || place;
      subtitle := 'Des origines au XIXe siècle';
      description := 'Cet ouvrage retrace l''histoire de la région, des grands empires à la période coloniale. '
        || 'À partir des traditions orales et des archives, l''auteur éclaire le rôle des griots, des marchands et des royaumes. '
        || 'Une synthèse claire pour les étudiants et les passionnés d''histoire africaine.';
    when 'independances' then
      title := 'Les Chemins de l''indépendance ' || countries[1 + k];
      subtitle := '1945-1960';
      description := format('Comment %s a-t-il conquis son indépendance ? ', country_names[1 + k])
        || 'Ce livre raconte les luttes syndicales, les partis politiques et les grandes figures de l''époque. '
        || 'Une histoire politique et sociale, nourrie de témoignages inédits.';
    when 'sciences-sante' then
      title := 'Comprendre ' || pg_temp.pick(health, n, 'health');
      subtitle := 'Guide pratique';
      description := 'Un guide pratique pour comprendre les questions de santé et protéger sa famille. '
        || 'Écrit par des médecins et des chercheurs de la région, il explique simplement les notions essentielles. '
        || closer;
    when 'entrepreneuriat' then
      title := pg_temp.pick(array['Entreprendre ', 'Réussir son commerce ', 'Créer sa startup '], n, 'kind') || countries[1 + k];
      subtitle := 'Méthodes et témoignages';
      description := format('Des conseils concrets pour créer et développer une petite entreprise à %s. ', city)
        || 'Tontines, microcrédit, mobile money : l''auteur explique les outils de financement accessibles aux jeunes. '
        || closer;
    when 'agriculture' then
      title := format('Cultiver le %s %s', crop, countries[1 + k]);
      subtitle := 'Manuel pratique';
      description := format('Un manuel pour améliorer la culture du %s : semences, sols, irrigation et stockage. ', crop)
        || 'Illustré d''exemples de coopératives villageoises et de groupements de femmes. '
        || closer;
    when 'religion-spiritualite' then
      title := pg_temp.pick(array['Sagesse ', 'Paroles ', 'Méditations '], n, 'kind') || place;
      subtitle := 'Méditations et paroles de sagesse';
      description := 'Un recueil de méditations et de proverbes pour accompagner la vie quotidienne. '
        || 'L''auteur explore les traditions spirituelles de l''Afrique de l''Ouest et le dialogue entre les croyances. '
        || closer;
    when 'langues-nationales' then
      title := format('Apprendre le %s en 30 leçons', tongue);
      subtitle := 'Méthode avec exercices corrigés';
      description := format('Une méthode progressive pour apprendre le %s, avec dialogues, vocabulaire et exercices corrigés. ', tongue)
        || 'Conçue pour l''école et pour les adultes, elle accompagne aussi les enseignants au quotidien.';
    else -- manuels-scolaires
      title := pg_temp.pick(array['L''École de ', 'Lire et écrire à ', 'Calculer à ', 'Sciences à l''école de '], n, 'kind') || city;
      subtitle := pg_temp.pick(array['CP', 'CE1', 'CE2', 'CM1', 'CM2', '6e'], n, 'grade');
      description := 'Un manuel scolaire conforme aux programmes, avec des exercices tirés de la vie quotidienne. '
        || format('Les élèves suivent %s et %s au fil de l''année scolaire. ', who, who2)
        || closer;
    end case;
  else
    closer := pg_temp.pick(en_closers, n, 'closer');
    case
    when theme in ('romans', 'nouvelles', 'poesie', 'theatre', 'religion-spiritualite') then
      title := pg_temp.pick(en_nouns, n, 'noun') || ' ' || pg_temp.pick(en_compl, n, 'compl');
      subtitle := case theme when 'romans' then 'A Novel' when 'nouvelles' then 'Stories'
        when 'poesie' then 'Poems' when 'theatre' then 'A Play in Three Acts' else 'Reflections' end;
      description := format('%s, a young %s from %s, dreams of a different life. ',
          who, pg_temp.pick(en_trades, n, 'trade'), city)
        || 'This is the story of a family across three generations, between tradition and change. '
        || closer;
    when theme in ('contes', 'bandes-dessinees') then
      title := format('Tales from %s', city);
      subtitle := 'Folk Tales for Children';
      description := 'Hare, Spider and Tortoise outwit the mighty in these tales told under the baobab tree. '
        || 'A beautifully illustrated book to read aloud with the family. ' || closer;
    when theme in ('afrique-de-l-ouest', 'independances') then
      title := pg_temp.pick(array['A History ', 'The Kingdoms ', 'Chronicles '], n, 'kind')
        || pg_temp.pick(en_compl, n, 'compl');
      subtitle := 'From the Great Empires to Independence';
      description := 'This history draws on oral traditions and archives to tell the story of the region. '
        || 'Griots, traders, kings and activists all find their place in a clear narrative. ' || closer;
    when theme = 'sciences-sante' then
      title := 'Understanding ' || pg_temp.pick(array['Malaria', 'Child Nutrition', 'Safe Water', 'Diabetes',
        'Solar Energy', 'Climate Change in the Sahel'], n, 'health');
      subtitle := 'A Practical Guide';
      description := 'A practical guide written by doctors and researchers from the region. '
        || 'It explains the essentials simply, with advice families can use every day. ' || closer;
    when theme in ('entrepreneuriat', 'agriculture') then
      title := case when theme = 'agriculture'
        then format('Growing %s in %s', pg_temp.pick(array['Millet', 'Cassava', 'Rice', 'Cocoa', 'Shea', 'Maize'], n, 'crop'), en_countries[1 + k])
        else format('Starting a Business in %s', en_countries[1 + k]) end;
      subtitle := 'A Field Handbook';
      description := format('Concrete advice for entrepreneurs and farmers in %s. ', city)
        || 'Savings groups, microcredit and mobile money are explained step by step. ' || closer;
    else
      title := format('Learning %s', pg_temp.pick(array['Wolof', 'Bambara', 'Twi', 'Ewe', 'Fon', 'Hausa', 'French'], n, 'tongue'));
      subtitle := 'A Course in 30 Lessons';
      description := 'A progressive course with dialogues, vocabulary and corrected exercises. '
        || 'Designed for schools and adult learners alike. ' || closer;
    end case;
  end if;
end;
$$;

-- =============================================================================================
-- Demo users
-- =============================================================================================
insert into auth.users (
  instance_id, id, aud, role, email, email_confirmed_at, confirmation_token, recovery_token,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at
) values
  ('00000000-0000-0000-0000-000000000000', '00000000-0000-4000-8000-000000000001', 'authenticated',
   'authenticated', 'demo@coko.africa', now(), '', '',
   '{"provider":"email","providers":["email"]}', '{"full_name":"Lectrice Démo"}', now(), now()),
  ('00000000-0000-0000-0000-000000000000', '00000000-0000-4000-8000-000000000002', 'authenticated',
   'authenticated', 'admin@coko.africa', now(), '', '',
   '{"provider":"email","providers":["email"]}', '{"full_name":"Admin Coko"}', now(), now())
on conflict (id) do nothing;

insert into public.user_roles (user_id, role) values
  ('00000000-0000-4000-8000-000000000001', 'user'),
  ('00000000-0000-4000-8000-000000000002', 'user'),
  ('00000000-0000-4000-8000-000000000002', 'admin')
on conflict do nothing;

-- =============================================================================================
-- Categories
-- =============================================================================================
insert into public.categories (id, parent_id, name, slug, description, position, created_at, updated_at)
select pg_temp.seed_uuid('category:' || c.slug),
  case when c.parent is not null then pg_temp.seed_uuid('category:' || c.parent) end,
  c.name, c.slug, c.description, c.position,
  timestamptz '2025-01-01 08:00:00+00', timestamptz '2025-01-01 08:00:00+00'
from (values
  ('litterature', null, 'Littérature', 'Romans, nouvelles, poésie et théâtre d''Afrique et d''ailleurs.', 1),
  ('romans', 'litterature', 'Romans', 'Romans contemporains et classiques.', 1),
  ('nouvelles', 'litterature', 'Nouvelles', 'Recueils de nouvelles et de récits courts.', 2),
  ('poesie', 'litterature', 'Poésie', 'Poèmes, chants et louanges.', 3),
  ('theatre', 'litterature', 'Théâtre', 'Pièces de théâtre.', 4),
  ('jeunesse', null, 'Jeunesse', 'Livres pour les enfants et les adolescents.', 2),
  ('contes', 'jeunesse', 'Contes', 'Contes et légendes de la tradition orale.', 1),
  ('bandes-dessinees', 'jeunesse', 'Bandes dessinées', 'Albums et séries de bandes dessinées.', 2),
  ('histoire', null, 'Histoire', 'Histoire de l''Afrique et du monde.', 3),
  ('afrique-de-l-ouest', 'histoire', 'Afrique de l''Ouest', 'Empires, royaumes et sociétés d''Afrique de l''Ouest.', 1),
  ('independances', 'histoire', 'Indépendances', 'Les luttes pour l''indépendance et leurs suites.', 2),
  ('sciences-sante', null, 'Sciences & Santé', 'Santé, sciences, environnement et techniques.', 4),
  ('economie-entreprise', null, 'Économie & Entreprise', 'Économie, gestion et création d''entreprise.', 5),
  ('entrepreneuriat', 'economie-entreprise', 'Entrepreneuriat', 'Créer et développer son activité.', 1),
  ('agriculture', 'economie-entreprise', 'Agriculture', 'Cultures, élevage et coopératives.', 2),
  ('religion-spiritualite', null, 'Religion & Spiritualité', 'Spiritualité, sagesse et traditions religieuses.', 6),
  ('langues-education', null, 'Langues & Éducation', 'Apprendre les langues, manuels et pédagogie.', 7),
  ('langues-nationales', 'langues-education', 'Langues nationales', 'Méthodes pour apprendre les langues d''Afrique de l''Ouest.', 1),
  ('manuels-scolaires', 'langues-education', 'Manuels scolaires', 'Manuels de l''école primaire et du collège.', 2)
) as c (slug, parent, name, description, position)
order by c.parent nulls first
on conflict (id) do nothing;

-- =============================================================================================
-- Publishers
-- =============================================================================================
insert into public.publishers (id, name, slug, description, website, created_at, updated_at)
select pg_temp.seed_uuid('publisher:' || p.slug), p.name, p.slug,
  format('Maison d''édition fictive fondée à %s en %s : %s', p.city, p.founded, p.focus),
  format('https://%s.example', p.slug),
  timestamptz '2025-01-01 08:00:00+00', timestamptz '2025-01-01 08:00:00+00'
from (values
  ('editions-teranga-plume', 'Éditions Teranga Plume', 'Dakar', 1998, 'romans, poésie et essais.'),
  ('lagune-editions', 'Lagune Éditions', 'Abidjan', 2004, 'littérature jeunesse et bandes dessinées.'),
  ('maison-djoliba', 'Maison Djoliba', 'Bamako', 1992, 'histoire, traditions orales et langues nationales.'),
  ('editions-faso-savane', 'Éditions Faso Savane', 'Ouagadougou', 2001, 'agriculture, santé et développement.'),
  ('golfe-editions', 'Golfe Éditions', 'Lomé', 2010, 'manuels scolaires et pédagogie.'),
  ('editions-atlantique-benin', 'Éditions Atlantique Bénin', 'Cotonou', 2007, 'théâtre, contes et spiritualité.'),
  ('sahel-lettres', 'Sahel Lettres', 'Niamey', 2012, 'récits et chroniques du Sahel.'),
  ('presses-du-fleuve', 'Presses du Fleuve', 'Saint-Louis', 1995, 'histoire et sciences humaines.'),
  ('editions-kankan', 'Éditions Kankan', 'Conakry', 2015, 'entrepreneuriat et économie.'),
  ('gold-coast-books', 'Gold Coast Books', 'Accra', 2009, 'English-language fiction and non-fiction.')
) as p (slug, name, city, founded, focus)
on conflict (id) do nothing;

-- =============================================================================================
-- Authors (60 fictional names)
-- =============================================================================================
insert into public.authors (id, name, slug, biography, created_at, updated_at)
select pg_temp.seed_uuid('author:' || a.n), a.name, private.slugify(a.name),
  format('%s est né%s à %s en %s. %s %s de plusieurs ouvrages publiés en Afrique de l''Ouest, %s anime des ateliers d''écriture dans les écoles.',
    a.name, case when a.female then 'e' else '' end, a.city, 1950 + pg_temp.r(a.n, 'born') % 45,
    case when a.female
      then pg_temp.pick(array[
        'Après des études de lettres à l''université, elle a enseigné pendant vingt ans.',
        'Journaliste de formation, elle a longtemps travaillé pour la radio.',
        'Ingénieure agronome, elle a parcouru les villages de la région.',
        'Ancienne institutrice, elle a recueilli les contes de sa grand-mère.',
        'Sage-femme, elle écrit le soir après ses gardes.'], a.n, 'bio')
      else pg_temp.pick(array[
        'Après des études de lettres à l''université, il a enseigné pendant vingt ans.',
        'Journaliste de formation, il a longtemps travaillé pour la radio.',
        'Ingénieur agronome, il a parcouru les villages de la région.',
        'Ancien instituteur, il a recueilli les contes de sa grand-mère.',
        'Médecin de campagne, il écrit le soir après ses consultations.'], a.n, 'bio')
    end,
    case when a.female then 'Autrice' else 'Auteur' end,
    case when a.female then 'elle' else 'il' end),
  timestamptz '2025-01-01 08:00:00+00', timestamptz '2025-01-01 08:00:00+00'
from (
  select n,
    f.first || ' ' || (array['Diop', 'Ndiaye', 'Traoré', 'Koné', 'Ouédraogo', 'Sawadogo', 'Diallo', 'Camara',
      'Touré', 'Keïta', 'Coulibaly', 'Kouassi', 'Mensah', 'Agbodjan', 'Hounkpatin', 'Sow', 'Fall', 'Sylla',
      'Kaboré', 'Zongo', 'Adjovi', 'Amegah', 'Dembélé', 'Cissé', 'Sanogo', 'Bamba', 'Yéo', 'Kouyaté',
      'Akakpo', 'Tall'])[1 + (n * 13 + 3) % 30] as name,
    f.female,
    (array['Dakar', 'Abidjan', 'Bamako', 'Ouagadougou', 'Lomé', 'Cotonou', 'Niamey', 'Conakry',
      'Saint-Louis', 'Bouaké', 'Ségou', 'Kumasi'])[1 + n % 12] as city
  from generate_series(0, 59) as n
  cross join lateral (
    select (array['Aminata', 'Moussa', 'Salimata', 'Tiémoko', 'Awa', 'Cheikhou', 'Mariama', 'Ousmane',
      'Kadiatou', 'Bakary', 'Aïssatou', 'Seydou', 'Adama', 'Kofi', 'Ama', 'Yao', 'Akossiwa', 'Sènami',
      'Djénéba', 'Souleymane'])[1 + n % 20] as first,
      (n % 20) in (0, 2, 4, 6, 8, 10, 14, 16, 17, 18) as female
  ) f
) as a
on conflict (id) do nothing;

-- =============================================================================================
-- Books: 240 published + 12 drafts
-- =============================================================================================
with spec as (
  select n,
    (array['romans', 'nouvelles', 'poesie', 'theatre', 'contes', 'bandes-dessinees', 'afrique-de-l-ouest',
      'independances', 'sciences-sante', 'entrepreneuriat', 'agriculture', 'religion-spiritualite',
      'langues-nationales', 'manuels-scolaires'])[1 + n % 14] as theme,
    n % 5 = 2 as english,
    n % 4 = 0 as free,
    n > 240 as draft
  from generate_series(1, 252) as n
),
-- A few hand-written titles so that demos of search have something to find.
special (n, title, subtitle, description, language) as (values
  (1, 'Soundjata, le lion du Manding', 'L''épopée racontée aux enfants',
   'Le griot raconte l''histoire de Soundjata, l''enfant infirme devenu fondateur de l''empire du Mali. Une adaptation fidèle de l''épopée mandingue, transmise par la tradition orale. Un livre illustré pour découvrir l''histoire de l''Afrique de l''Ouest.', 'fr'),
  (2, 'Le Petit Prince du Sahel', 'Conte',
   'Un jeune prince peul quitte le campement de son père pour traverser le désert. En chemin, il rencontre un chameau bavard, une étoile filante et un vieux puisatier. Un conte poétique sur l''amitié et le voyage.', 'fr'),
  (3, 'Une École au Sénégal', 'Chronique d''une année scolaire',
   'Dans une école de la banlieue de Dakar, une institutrice accueille soixante élèves. Une chronique tendre et lucide de l''école publique au Sénégal.', 'fr'),
  (4, 'Histoire de la Société sénégalaise', 'Des royaumes wolof à nos jours',
   'Cet ouvrage retrace l''histoire de la société sénégalaise, des royaumes du Cayor et du Walo à la ville moderne. Castes, confréries, famille et économie y sont expliquées simplement.', 'fr'),
  (5, 'Les Contes de l''Araignée', 'Contes et légendes d''Afrique de l''Ouest',
   'L''araignée rusée joue des tours aux animaux de la brousse. Des contes drôles et pleins de sagesse, à lire en famille.', 'fr'),
  (6, 'The Griot''s Daughter', 'A Novel',
   'In a village on the banks of the Niger, a griot''s daughter decides to tell her own story. A novel about memory, music and freedom.', 'en'),
  (7, 'Économie des marchés de Dakar', 'Commerce, tontines et mobile money',
   'Une enquête sur l''économie informelle des marchés de Dakar : commerçantes, tontines et paiements mobiles. Une histoire économique vivante, fondée sur des entretiens.', 'fr'),
  (8, 'Santé et Société en Afrique de l''Ouest', 'Guide pratique',
   'Ce guide explique comment la société s''organise pour soigner : dispensaires, tradipraticiens, mutuelles de santé. Une lecture utile pour les étudiants et les familles.', 'fr')
),
special_theme (n, theme) as (values
  (1, 'afrique-de-l-ouest'), (2, 'contes'), (3, 'manuels-scolaires'), (4, 'afrique-de-l-ouest'),
  (5, 'contes'), (6, 'romans'), (7, 'entrepreneuriat'), (8, 'sciences-sante')
),
book_rows as (
  select s.n,
    coalesce(st.theme, s.theme) as theme,
    coalesce(sp.language, case when s.english then 'en' else 'fr' end) as language,
    coalesce(sp.title, t.title) as title,
    coalesce(sp.subtitle, t.subtitle) as subtitle,
    coalesce(sp.description, t.description) as description,
    s.free, s.draft
  from spec s
  left join special sp on sp.n = s.n
  left join special_theme st on st.n = s.n
  cross join lateral pg_temp.book_text(s.n, s.theme, s.english) as t
)
insert into public.books (
  id, title, subtitle, description, isbn, language, publication_date, page_count, file_size, format,
  price, currency, is_free, is_featured, status, available_countries, publisher_id, metadata,
  published_at, created_at, updated_at
)
select pg_temp.seed_uuid('book:' || r.n),
  r.title, r.subtitle, r.description,
  case when r.n % 10 <> 5 then pg_temp.with_isbn13_check('9782' || lpad((7310000 + r.n * 37)::text, 8, '0')) end,
  r.language,
  date '1995-01-01' + pg_temp.r(r.n, 'pubdate') % 10500,
  48 + pg_temp.r(r.n, 'pages') % 400,
  (48 + pg_temp.r(r.n, 'pages') % 400) * 9000 + pg_temp.r(r.n, 'bytes') % 50000,
  case when r.n % 6 = 0 then 'pdf' else 'epub' end::public.book_format,
  case
    when r.free then 0
    when r.n % 13 = 0 then 299 + (r.n % 10) * 100   -- EUR, 2.99 to 11.99
    when r.n % 17 = 0 then 399 + (r.n % 8) * 100    -- USD, 3.99 to 10.99
    else 500 + (pg_temp.r(r.n, 'price') % 46) * 100  -- XOF, 500 to 5000
  end,
  case
    when r.free then 'XOF'
    when r.n % 13 = 0 then 'EUR'
    when r.n % 17 = 0 then 'USD'
    else 'XOF'
  end,
  r.free,
  r.n % 15 = 1 or r.n in (1, 2),
  case when r.draft then 'draft' else 'published' end::public.book_status,
  case
    when r.n % 11 = 0 then array['SN', 'CI', 'ML']
    when r.n % 23 = 0 then array['BF']
    when r.n % 29 = 0 then array['TG', 'BJ']
    else '{}'::text[]
  end,
  pg_temp.seed_uuid('publisher:' || (array['editions-teranga-plume', 'lagune-editions', 'maison-djoliba',
    'editions-faso-savane', 'golfe-editions', 'editions-atlantique-benin', 'sahel-lettres',
    'presses-du-fleuve', 'editions-kankan', 'gold-coast-books'])[
      case when r.language = 'en' and r.n % 3 <> 0 then 10 else 1 + r.n % 9 end]),
  jsonb_build_object('seed', true),
  case when not r.draft then timestamptz '2025-01-06 09:00:00+00' + r.n * interval '1 day 2 hours' end,
  timestamptz '2025-01-01 09:00:00+00' + r.n * interval '1 day 2 hours',
  timestamptz '2025-01-01 09:00:00+00' + r.n * interval '1 day 2 hours'
from book_rows r
order by r.n
on conflict (id) do nothing;

-- Authors: 1 to 3 per book, in credit order.
insert into public.book_authors (book_id, author_id, position)
select pg_temp.seed_uuid('book:' || n),
  pg_temp.seed_uuid('author:' || ((n * 7 + k * 13) % 60)),
  k
from generate_series(1, 252) as n
cross join lateral generate_series(0, case when n % 7 = 0 then 2 when n % 3 = 0 then 1 else 0 end) as k
on conflict do nothing;

-- Categories: the book's theme, plus a related category for every third book.
insert into public.book_categories (book_id, category_id)
select pg_temp.seed_uuid('book:' || c.n), pg_temp.seed_uuid('category:' || c.slug)
from (
  select n, coalesce(st.theme, (array['romans', 'nouvelles', 'poesie', 'theatre', 'contes',
    'bandes-dessinees', 'afrique-de-l-ouest', 'independances', 'sciences-sante', 'entrepreneuriat',
    'agriculture', 'religion-spiritualite', 'langues-nationales', 'manuels-scolaires'])[1 + n % 14]) as theme
  from generate_series(1, 252) as n
  left join (values (1, 'afrique-de-l-ouest'), (2, 'contes'), (3, 'manuels-scolaires'),
    (4, 'afrique-de-l-ouest'), (5, 'contes'), (6, 'romans'), (7, 'entrepreneuriat'),
    (8, 'sciences-sante')) as st (sn, theme) on st.sn = n
) as b
cross join lateral (
  select b.n, b.theme as slug
  union all
  select b.n, case b.theme
      when 'romans' then 'independances'
      when 'nouvelles' then 'romans'
      when 'poesie' then 'religion-spiritualite'
      when 'theatre' then 'manuels-scolaires'
      when 'contes' then 'langues-nationales'
      when 'bandes-dessinees' then 'contes'
      when 'afrique-de-l-ouest' then 'independances'
      when 'independances' then 'afrique-de-l-ouest'
      when 'sciences-sante' then 'manuels-scolaires'
      when 'entrepreneuriat' then 'agriculture'
      when 'agriculture' then 'entrepreneuriat'
      when 'religion-spiritualite' then 'poesie'
      when 'langues-nationales' then 'manuels-scolaires'
      else 'langues-nationales'
    end
  where b.n % 3 = 0
) as c
on conflict do nothing;

-- =============================================================================================
-- Subscription plans (the whole catalog, every partner)
-- =============================================================================================
insert into public.plans (id, slug, name, description, interval, created_at, updated_at)
values
  (pg_temp.seed_uuid('plan:mensuel'), 'mensuel', 'Abonnement mensuel',
   'Tout le catalogue payant pendant un mois. Renouvelable en un paiement mobile.', 'month',
   timestamptz '2025-01-01 09:00:00+00', timestamptz '2025-01-01 09:00:00+00'),
  (pg_temp.seed_uuid('plan:annuel'), 'annuel', 'Abonnement annuel',
   'Tout le catalogue payant pendant un an : deux mois offerts par rapport au mensuel.', 'year',
   timestamptz '2025-01-01 09:00:00+00', timestamptz '2025-01-01 09:00:00+00')
on conflict (id) do nothing;

insert into public.plan_prices (plan_id, currency, amount)
values
  (pg_temp.seed_uuid('plan:mensuel'), 'XOF', 2000),
  (pg_temp.seed_uuid('plan:mensuel'), 'EUR', 300),
  (pg_temp.seed_uuid('plan:annuel'), 'XOF', 20000),
  (pg_temp.seed_uuid('plan:annuel'), 'EUR', 3000)
on conflict do nothing;

analyze public.categories, public.publishers, public.authors, public.books,
  public.book_authors, public.book_categories, public.plans, public.plan_prices;
