import { type FormEvent, useState } from 'react';
import { type Session, SignInError } from './session';

/** The demo readers of the partner backend example. */
const DEMO_READERS = [
  { username: 'awa', label: 'Awa Diop (Sénégal)' },
  { username: 'kofi', label: 'Kofi Mensah (Ghana)' },
];

/** Sign-in through the partner's own backend: Coko never sees a password. */
export function SignIn({ session, onSignedIn }: { session: Session; onSignedIn: () => void }) {
  const [username, setUsername] = useState(DEMO_READERS[0]?.username ?? '');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      await session.signIn(username);
      onSignedIn();
    } catch (failure) {
      setError(failure instanceof SignInError ? failure.message : 'La connexion a échoué.');
    } finally {
      setPending(false);
    }
  };

  return (
    <section className="sign-in">
      <h1>Connexion</h1>
      <p>Connectez-vous pour acheter des livres, les lire et retrouver votre page sur tous vos appareils.</p>
      <form onSubmit={submit}>
        <fieldset disabled={pending}>
          <legend>Lecteur de démonstration</legend>
          {DEMO_READERS.map((reader) => (
            <label key={reader.username} className="choice">
              <input
                type="radio"
                name="username"
                value={reader.username}
                checked={username === reader.username}
                onChange={() => setUsername(reader.username)}
              />
              {reader.label}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={pending}>
          {pending ? 'Connexion…' : 'Se connecter'}
        </button>
      </form>
      {error && (
        <p className="notice" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
