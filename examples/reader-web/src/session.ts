// The reader's sign-in, through the partner backend example (examples/partner-backend): its own
// session token (POST /login) is kept in localStorage, and Coko access tokens are minted from it
// (POST /coko-token) whenever the SDK asks. The partner's secret key never reaches the browser.
import { useSyncExternalStore } from 'react';

export interface SignedInReader {
  sessionToken: string;
  user: { id: string; name: string; email: string; country: string; language: string };
}

const STORAGE_KEY = 'coko-reader-web:session';
const listeners = new Set<() => void>();
let cached: { raw: string | null; value: SignedInReader | null } = { raw: null, value: null };

function read(): SignedInReader | null {
  const raw = localStorage.getItem(STORAGE_KEY);
  if (raw !== cached.raw) {
    let value: SignedInReader | null = null;
    try {
      value = raw ? (JSON.parse(raw) as SignedInReader) : null;
    } catch {
      // A corrupt entry is a signed-out reader.
    }
    cached = { raw, value };
  }
  return cached.value;
}

function write(reader: SignedInReader | null): void {
  if (reader) localStorage.setItem(STORAGE_KEY, JSON.stringify(reader));
  else localStorage.removeItem(STORAGE_KEY);
  for (const listener of listeners) listener();
}

const subscribe = (onChange: () => void) => {
  listeners.add(onChange);
  window.addEventListener('storage', onChange);
  return () => {
    listeners.delete(onChange);
    window.removeEventListener('storage', onChange);
  };
};

/** The signed-in reader, or `null` for a guest. */
export function useSignedInReader(): SignedInReader | null {
  return useSyncExternalStore(subscribe, read);
}

/** Why a sign-in failed, in words for the reader. */
export class SignInError extends Error {}

export function createSession(backendUrl: string) {
  return {
    /** `POST /login` of the partner backend (the demo users: `awa`, `kofi`). */
    async signIn(username: string): Promise<SignedInReader> {
      let response: Response;
      try {
        response = await fetch(`${backendUrl}/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username }),
        });
      } catch {
        throw new SignInError('Le service de connexion ne répond pas. Réessayez dans un instant.');
      }
      if (response.status === 401) throw new SignInError('Identifiant inconnu. Essayez « awa » ou « kofi ».');
      if (!response.ok) throw new SignInError(`La connexion a échoué (HTTP ${response.status}).`);
      const reader = (await response.json()) as SignedInReader;
      write(reader);
      return reader;
    },
    signOut(): void {
      write(null);
    },
    /** For `createCoko({ accessToken })`: a Coko token for the signed-in reader, `null` for a guest. */
    async accessToken(): Promise<string | null> {
      const reader = read();
      if (!reader) return null;
      const response = await fetch(`${backendUrl}/coko-token`, {
        method: 'POST',
        headers: { authorization: `Bearer ${reader.sessionToken}` },
      });
      // The backend forgot the session (restarted, expired): signed out.
      if (response.status === 401) {
        write(null);
        return null;
      }
      if (!response.ok) throw new Error(`coko-token: HTTP ${response.status}`);
      return ((await response.json()) as { accessToken: string }).accessToken;
    },
  };
}

export type Session = ReturnType<typeof createSession>;
