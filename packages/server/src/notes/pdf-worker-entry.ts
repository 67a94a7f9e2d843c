// Runs in a worker thread (see pdf-worker.ts): renders one notes document per message, so a large export
// never holds the API's event loop.
import { parentPort } from 'node:worker_threads';
import { renderNotesPdf } from './pdf.ts';
import type { PdfJob, PdfJobResult } from './pdf-worker.ts';

const port = parentPort;
if (!port) throw new Error('pdf-worker-entry.ts runs only as a worker thread');

port.on('message', async (job: PdfJob) => {
  let result: PdfJobResult;
  try {
    const pdf = await renderNotesPdf(job.document, { fonts: async () => job.fonts });
    result = { id: job.id, pdf };
  } catch (error) {
    result = {
      id: job.id,
      error: {
        name: error instanceof Error ? error.name : 'Error',
        message: String((error as Error)?.message ?? error),
      },
    };
  }
  port.postMessage(result, result.pdf ? [result.pdf.buffer as ArrayBuffer] : []);
});
