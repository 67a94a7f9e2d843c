// Supabase Edge Function "api". The app is bundled into ./dist/main.js (self-contained: code, npm
// dependencies and the PDF fonts) by `coko build:function`; run it before `supabase functions deploy api`.
// Sources: packages/server/src/edge/main.ts.
import './dist/main.js';
