import { createCoko } from '@coko/sdk';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

const url = import.meta.env.VITE_COKO_URL;
const publishableKey = import.meta.env.VITE_COKO_PUBLISHABLE_KEY;
const root = createRoot(document.getElementById('root')!);

if (!url || !publishableKey) {
  root.render(
    <main className="page">
      <h1>Configuration manquante</h1>
      <p>
        Définissez <code>VITE_COKO_URL</code> et <code>VITE_COKO_PUBLISHABLE_KEY</code> (voir le README), ou lancez{' '}
        <code>npm run dev</code> à la racine du dépôt.
      </p>
    </main>,
  );
} else {
  // A guest reader: the publishable key alone (no accessToken) reads the public catalog.
  const coko = createCoko({ url, publishableKey });
  const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: 60_000 } } });
  root.render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <App client={coko} />
      </QueryClientProvider>
    </StrictMode>,
  );
}
