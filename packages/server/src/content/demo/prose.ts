import { pick, seededRandom } from '../seeded-random.ts';

// Sentences assembled from a small French vocabulary of West African daily life: original text with
// no author, so the demo books carry no copyrighted prose, and enough variety to read like a book.
const SUBJECTS = [
  'La vieille Awa',
  'Le griot du village',
  'Moussa',
  'L’institutrice',
  'Le pêcheur de Joal',
  'Mariama',
  'Le marchand de tissus',
  'Un enfant du quartier',
  'La cheffe du marché',
  'Le vieux baobab',
  'Seydou',
  'La pirogue des frères Diop',
  'Le chauffeur du car rapide',
  'Aïssatou',
  'Le maître coranique',
];
const VERBS = [
  'regardait',
  'racontait',
  'attendait',
  'traversait',
  'écoutait',
  'chantait',
  'préparait',
  'cherchait',
  'oubliait',
  'rêvait de',
  'parlait de',
  'se souvenait de',
  'portait',
  'vendait',
  'réparait',
];
const OBJECTS = [
  'le fleuve au coucher du soleil',
  'les histoires de l’ancien royaume',
  'la pluie sur les toits de tôle',
  'le thé à la menthe',
  'les calebasses du marché',
  'la route de Kaolack',
  'les filets encore mouillés',
  'la lettre venue de Bamako',
  'le son de la kora',
  'les mangues de la saison',
  'la grande mosquée',
  'les pagnes aux couleurs vives',
  'le premier jour d’école',
  'la lumière de l’harmattan',
  'la tontine du mois',
];
const PLACES = [
  'sous le manguier',
  'devant la concession',
  'au bord de la lagune',
  'dans la cour de l’école',
  'près du puits',
  'au milieu du marché',
  'sur la place du village',
  'à l’ombre du fromager',
];
const LINKS = ['pendant que', 'tandis que', 'parce que', 'alors que', 'et pourtant', 'comme chaque matin,'];
const CLOSINGS = [
  'Personne ne savait encore ce que la journée apporterait.',
  'Le vent du nord soulevait la poussière rouge.',
  'Au loin, on entendait les tambours.',
  'Chacun gardait ce secret pour soi.',
  'La saison des pluies approchait.',
  'Il faudrait bien, un jour, tout raconter.',
];

/** One sentence from the vocabulary, drawn with `random`. */
function sentence(random: () => number): string {
  if (random() < 0.15) return pick(random, CLOSINGS);
  const first = `${pick(random, SUBJECTS)} ${pick(random, VERBS)} ${pick(random, OBJECTS)} ${pick(random, PLACES)}`;
  if (random() < 0.5) return `${first}.`;
  const second = `${pick(random, SUBJECTS).replace(/^./, (c) => c.toLowerCase())} ${pick(random, VERBS)} ${pick(random, OBJECTS)}`;
  return `${first}, ${pick(random, LINKS)} ${second}.`;
}

/** Paragraphs of about `characters` characters in all, the same for the same seed. */
export function frenchParagraphs(seed: string, characters: number): string[] {
  const random = seededRandom(seed);
  const paragraphs: string[] = [];
  let total = 0;
  while (total < characters) {
    const count = 3 + Math.floor(random() * 4);
    const paragraph = Array.from({ length: count }, () => sentence(random)).join(' ');
    paragraphs.push(paragraph);
    total += paragraph.length;
  }
  return paragraphs;
}
