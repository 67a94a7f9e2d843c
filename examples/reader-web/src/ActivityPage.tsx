import { ReadingChart } from './ReadingChart';
import type { SignedInReader } from './session';
import { signInHref } from './use-hash-route';

/** The signed-in reader's reading minutes. */
export function ActivityPage({ reader }: { reader: SignedInReader | null }) {
  return (
    <section className="activity">
      <h1>Mon activité</h1>
      {reader ? (
        <ReadingChart />
      ) : (
        <p className="notice">
          <a href={signInHref}>Connectez-vous</a> pour voir vos minutes de lecture.
        </p>
      )}
    </section>
  );
}
