// Renders notes PDFs in one worker thread on Node: pdf-lib is synchronous and a large export would hold the
// event loop for seconds (no /health, no other request, no timeout). Exports wait their turn for the one
// worker, which bounds their memory too; a render past its deadline terminates the worker (a new one starts
// for the next export), so the timeout really stops the work.
import { loadDejaVuFonts, type PdfFontLoader, type PdfFonts, PdfUnavailableError } from '../pdf/index.ts';
import type { NotesDocument } from './model.ts';

/** A message to the worker. */
export interface PdfJob {
  id: number;
  document: NotesDocument;
  fonts: PdfFonts;
}

/** The worker's answer to a {@link PdfJob}. */
export interface PdfJobResult {
  id: number;
  pdf?: Uint8Array;
  error?: { name: string; message: string };
}

/** The render did not finish within its deadline (waiting for the worker included); the worker was stopped. */
export class PdfRenderTimeoutError extends Error {
  override readonly name = 'PdfRenderTimeoutError';
}

/** The worker failed (out of memory, crashed, could not start). */
export class PdfWorkerError extends Error {
  override readonly name = 'PdfWorkerError';
}

export interface PdfWorkerRendererOptions {
  /** Deadline of one export from the call, queueing included (default 20 s, under the 30 s request timeout). */
  timeoutMs?: number | undefined;
  /** Default: DejaVu Sans, read once in this thread and copied to the worker. */
  fonts?: PdfFontLoader | undefined;
  /** Heap cap of the worker (default 512 MB): a runaway render fails alone instead of taking the API down. */
  maxHeapMb?: number | undefined;
}

export interface PdfWorkerRenderer {
  render(document: NotesDocument): Promise<Uint8Array>;
  /** Stops the worker (queued renders fail). */
  close(): Promise<void>;
}

// The subset of node:worker_threads used here, loaded at run time so that Deno's type-check of the edge
// function (which renders in-process) does not need Node's types.
interface WorkerLike {
  postMessage(message: unknown, transfer?: unknown[]): void;
  on(event: 'message', listener: (result: PdfJobResult) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  on(event: 'exit', listener: (code: number) => void): void;
  terminate(): Promise<number>;
  unref(): void;
}
type WorkerConstructor = new (
  url: URL,
  options: { workerData: unknown; resourceLimits: { maxOldGenerationSizeMb: number } },
) => WorkerLike;

async function workerConstructor(): Promise<WorkerConstructor> {
  const id = 'node:worker_threads';
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const module = (process?.getBuiltinModule?.(id) ?? (await import(id))) as { Worker: WorkerConstructor };
  return module.Worker;
}

// Sources run under tsx or vitest, a built package from `.js`: the entry keeps this file's extension.
const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
const ENTRY = new URL(`./pdf-worker-entry.${extension}`, import.meta.url);
const BOOTSTRAP = new URL('./pdf-worker-bootstrap.mjs', import.meta.url);

interface Pending {
  job: PdfJob;
  resolve(pdf: Uint8Array): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * A renderer of notes PDFs on one worker thread, started on first use and unref'd (it never keeps the
 * process alive).
 *
 * @example
 * ```ts
 * const renderer = createPdfWorkerRenderer({ timeoutMs: 20_000 })
 * const pdf = await renderer.render(document)
 * ```
 */
export function createPdfWorkerRenderer(options: PdfWorkerRendererOptions = {}): PdfWorkerRenderer {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const loadFonts = options.fonts ?? loadDejaVuFonts;
  const maxHeapMb = options.maxHeapMb ?? 512;
  const queue: Pending[] = [];
  let running: Pending | undefined;
  // The worker, started on demand; replaced (not reused) once stopped.
  let worker: Promise<WorkerLike> | undefined;
  let nextId = 1;

  function settle(pending: Pending): void {
    clearTimeout(pending.timer);
    if (running === pending) running = undefined;
    const index = queue.indexOf(pending);
    if (index >= 0) queue.splice(index, 1);
  }

  function stopWorker(reason: Error): void {
    const current = worker;
    worker = undefined;
    current?.then((stopped) => stopped.terminate()).catch(() => undefined);
    const stopped = running;
    if (stopped) {
      settle(stopped);
      stopped.reject(reason);
    }
  }

  async function startWorker(): Promise<WorkerLike> {
    const self = worker;
    const Worker = await workerConstructor();
    const started = new Worker(BOOTSTRAP, {
      workerData: { entry: ENTRY.href },
      resourceLimits: { maxOldGenerationSizeMb: maxHeapMb },
    });
    started.unref();
    started.on('message', (result) => {
      const pending = running;
      if (!pending || pending.job.id !== result.id) return;
      settle(pending);
      if (result.pdf) pending.resolve(result.pdf);
      else if (result.error?.name === 'PdfUnavailableError') {
        pending.reject(new PdfUnavailableError(result.error.message));
      } else pending.reject(new PdfWorkerError(result.error?.message ?? 'The PDF worker failed'));
      pump();
    });
    started.on('error', (error) => {
      if (worker !== self) return;
      stopWorker(new PdfWorkerError(`The PDF worker failed: ${error.message}`));
      pump();
    });
    started.on('exit', () => {
      if (worker !== self) return;
      stopWorker(new PdfWorkerError('The PDF worker exited'));
      pump();
    });
    return started;
  }

  function pump(): void {
    if (running) return;
    const pending = queue.shift();
    if (!pending) return;
    running = pending;
    void (async () => {
      try {
        if (!worker) {
          const starting: Promise<WorkerLike> = Promise.resolve().then(() => startWorker());
          worker = starting;
        }
        const ready = await worker;
        if (running !== pending) return; // timed out while the worker started
        ready.postMessage(pending.job);
      } catch (error) {
        worker = undefined;
        if (running !== pending) return;
        settle(pending);
        pending.reject(new PdfWorkerError(`Cannot start the PDF worker: ${(error as Error).message}`));
        pump();
      }
    })();
  }

  return {
    async render(document) {
      const fonts = await loadFonts();
      return new Promise<Uint8Array>((resolve, reject) => {
        const pending: Pending = {
          job: { id: nextId++, document, fonts },
          resolve,
          reject,
          timer: setTimeout(() => {
            const error = new PdfRenderTimeoutError(`The PDF took longer than ${timeoutMs} ms to render`);
            if (running === pending) stopWorker(error);
            else {
              settle(pending);
              reject(error);
            }
            pump();
          }, timeoutMs),
        };
        queue.push(pending);
        pump();
      });
    },
    async close() {
      for (const pending of [...queue]) {
        settle(pending);
        pending.reject(new PdfWorkerError('The PDF renderer was closed'));
      }
      const current = worker;
      worker = undefined;
      if (running) {
        const stopped = running;
        settle(stopped);
        stopped.reject(new PdfWorkerError('The PDF renderer was closed'));
      }
      await current?.then((stopped) => stopped.terminate()).catch(() => undefined);
    },
  };
}
