import { createCoko } from '@coko/sdk';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createSession, type Session } from './session';
import './styles.css';

const backendUrl = import.meta.env.VITE_PARTNER_BACKEND_URL;
const root = createRoot(document.getElementById('root')!);

function problem(children: ReactNode) {
  root.render(
    <main className="page">
      <h1>Configuration manquante</h1>
      <p>{children}</p>
    </main>,
  );
}

/**
 * Where Coko is and which publishable key to send: from the partner backend's `GET /config` when the
 * app signs readers in through it (its publishable key belongs to the partner, like the readers'
 * tokens), else from the build's environment (guests only).
 */
async function configuration(): Promise<{ url: string; publishableKey: string; session: Session | null }> {
  const fromBuild = { url: import.meta.env.VITE_COKO_URL, publishableKey: import.meta.env.VITE_COKO_PUBLISHABLE_KEY };
  if (!backendUrl) return { ...fromBuild, session: null };
  const response = await fetch(`${backendUrl}/config`);
  if (!response.ok) throw new Error(`${backendUrl}/config: HTTP ${response.status}`);
  const config = (await response.json()) as { cokoUrl?: unknown; publishableKey?: unknown };
  return {
    url: typeof config.cokoUrl === 'string' ? config.cokoUrl : fromBuild.url,
    publishableKey: typeof config.publishableKey === 'string' ? config.publishableKey : fromBuild.publishableKey,
    session: createSession(backendUrl),
  };
}

try {
  const { url, publishableKey, session } = await configuration();
  if (!url || !publishableKey) {
    problem(
      <>
        Définissez <code>VITE_COKO_URL</code> et <code>VITE_COKO_PUBLISHABLE_KEY</code> (voir le README), ou lancez{' '}
        <code>npm run dev</code> à la racine du dépôt.
      </>,
    );
  } else {
    // Signed in: the SDK asks the partner backend for a Coko token when it needs one. Signed out:
    // a guest with the publishable key alone, who reads the public catalog.
    const coko = createCoko({ url, publishableKey, ...(session ? { accessToken: session.accessToken } : {}) });
    const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: 60_000 } } });
    root.render(
      <StrictMode>
        <QueryClientProvider client={queryClient}>
          <App client={coko} session={session} />
        </QueryClientProvider>
      </StrictMode>,
    );
  }
} catch (error) {
  problem(
    <>
      Le service de connexion ({backendUrl}) ne répond pas : {error instanceof Error ? error.message : String(error)}.
      Lancez <code>examples/partner-backend</code> (voir le README).
    </>,
  );
}
