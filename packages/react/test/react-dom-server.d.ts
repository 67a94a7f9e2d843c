// Minimal types for the one react-dom/server function the SSR test uses (no @types/react-dom).
declare module 'react-dom/server' {
  export function renderToString(element: import('react').ReactNode): string;
}
