import type { Annotation } from '@coko/sdk';

const dateFormat = new Intl.DateTimeFormat('fr-SN', { dateStyle: 'medium', timeStyle: 'short' });

/** The reader's highlights in this book, oldest first, each with where it is. */
export function Annotations({ annotations }: { annotations: Annotation[] }) {
  const highlights = annotations.filter((annotation) => annotation.kind === 'highlight');
  return (
    <section className="annotations">
      <h2>Mes surlignages</h2>
      {highlights.length === 0 ? (
        <p className="status">Aucun surlignage : sélectionnez un passage, puis « Surligner la sélection ».</p>
      ) : (
        <ul aria-label="Mes surlignages">
          {highlights.map((annotation) => (
            <li key={annotation.id}>
              <mark style={{ backgroundColor: annotation.color }}>{annotation.selectedText}</mark>
              <small>
                {annotation.locator.title ?? `Chapitre ${annotation.locator.locations.position ?? '?'}`} ·{' '}
                {dateFormat.format(new Date(annotation.createdAt))}
              </small>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
