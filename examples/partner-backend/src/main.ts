// `npm start`: the example partner backend on http://127.0.0.1:8787 (PORT), configured from the
// environment or from the running `npm run dev` (.coko/dev.json).
import { loadConfig } from './config.ts';
import { startPartnerBackend } from './server.ts';

const config = loadConfig();
const backend = await startPartnerBackend(config);
console.log(`Partner backend on ${backend.url} (Coko: ${config.cokoUrl}; secret key ${config.secretKey.split('_')[1]}…, never sent to browsers)

  curl -s -X POST ${backend.url}/login -H 'content-type: application/json' -d '{"username":"awa"}'
  curl -s -X POST ${backend.url}/coko-token -H 'authorization: Bearer <sessionToken>'
`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void backend.close().then(() => process.exit(0)));
}
