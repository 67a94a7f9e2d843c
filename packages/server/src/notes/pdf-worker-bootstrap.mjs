// Entry of the notes PDF worker thread. From sources (`.ts`, under tsx or vitest) it registers tsx first,
// since a worker thread does not inherit the parent's TypeScript loader; a built package points at `.js`.
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
