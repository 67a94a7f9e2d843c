import { createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { RoutesApp } from '../app/env.ts';
import { ApiError } from '../app/errors.ts';
import type { Database } from '../db/transaction.ts';
import type { TokenService } from '../identity/tokens.ts';
import type { RouteLimits } from '../limits/route-limits.ts';
import { downloadLimits } from '../middleware/download-limits.ts';
import { type UserEnv, userAuth } from '../middleware/user-auth.ts';
import {
  buildNotesDocument,
  DEFAULT_NOTES_PDF_LIMITS,
  isValidTimeZone,
  loadNotes,
  NOTES_LANGUAGES,
  type NotesDocument,
  type NotesPdfLimits,
  notesDocumentSize,
  notesLanguage,
  renderNotesMarkdown,
  renderNotesPdf,
} from '../notes/index.ts';
import {
  createPdfWorkerRenderer,
  PdfRenderTimeoutError,
  PdfWorkerError,
  type PdfWorkerRenderer,
} from '../notes/pdf-worker.ts';
import { type PdfFontLoader, PdfUnavailableError } from '../pdf/index.ts';
import { ErrorSchema, errorResponses } from './schemas.ts';

export interface NotesRoutesOptions {
  db: Database;
  tokens: TokenService;
  /** Fonts of the PDF (default: DejaVu Sans from the `dejavu-fonts-ttf` package). */
  fonts?: PdfFontLoader | undefined;
  /** Each export counts as a download (10/hour, 3 at once); none when limits are off. */
  limits?: RouteLimits | undefined;
  /** Clock of the export date (default now). */
  now?: (() => Date) | undefined;
  /** What one PDF may hold (default {@link DEFAULT_NOTES_PDF_LIMITS}). */
  pdfLimits?: Partial<NotesPdfLimits> | undefined;
  /** Deadline of one PDF render on Node, queueing included (default 20 s); past it the worker is stopped. */
  pdfTimeoutMs?: number | undefined;
  /** The Node renderer (default: one worker thread, see notes/pdf-worker.ts). */
  pdfRenderer?: PdfWorkerRenderer | undefined;
}

const error = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });

const ParamsSchema = z.object({
  id: z.guid().openapi({
    param: { name: 'id', in: 'path' },
    description: 'The book id.',
    example: '6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11',
  }),
});

const QuerySchema = z.object({
  lang: z
    .enum(NOTES_LANGUAGES)
    .optional()
    .openapi({
      param: { name: 'lang', in: 'query' },
      description: "Language of the labels and dates (default: the reader's profile language, else French).",
    }),
  tz: z
    .string()
    .max(64)
    .refine(isValidTimeZone, 'Unknown time zone')
    .optional()
    .openapi({
      param: { name: 'tz', in: 'query' },
      description: 'IANA time zone of the dates shown (default Africa/Dakar).',
      example: 'Africa/Dakar',
    }),
});

const description =
  "The signed-in reader's highlights, notes and bookmarks in the book, in reading order, with the book's title, " +
  "authors and publisher. Only the reader's own annotations (deleted ones excluded); the book must be visible to them " +
  '(published, or any book for admins). Labels in French or English (`lang`, else the profile language).';

type NotesMiddleware = [MiddlewareHandler<UserEnv>, MiddlewareHandler<UserEnv>];

const notesRoute = (format: 'md' | 'pdf', middleware: NotesMiddleware) =>
  createRoute({
    method: 'get',
    path: `/v1/books/{id}/notes.${format}`,
    tags: ['Reading'],
    summary: format === 'md' ? 'Export your notes on a book as Markdown' : 'Export your notes on a book as PDF',
    description:
      format === 'md'
        ? description
        : `${description} A4 pages with page numbers; the text uses an embedded Unicode font (DejaVu Sans), so ` +
          'accents and letters such as ŋ, ɗ and ɓ print as typed.',
    security: [{ userAccessToken: [] }],
    middleware,
    request: { params: ParamsSchema, query: QuerySchema },
    responses: {
      200: {
        description: 'The export, as a download (`Content-Disposition: attachment`)',
        content:
          format === 'md'
            ? { 'text/markdown': { schema: z.string() } }
            : { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } },
      },
      400: error('The id is not a UUID, or lang / tz is invalid'),
      401: error('Missing, invalid, expired or revoked access token; deleted account; suspended partner'),
      404: error('No such book, or the reader may not see it'),
      ...(format === 'pdf'
        ? {
            422: error(
              `Too much for one PDF (UNPROCESSABLE): at most ${DEFAULT_NOTES_PDF_LIMITS.maxEntries} annotations and ` +
                `${DEFAULT_NOTES_PDF_LIMITS.maxCharacters} characters of quotes and notes; notes.md has no cap`,
            ),
          }
        : {}),
      429: error('Too many downloads: 10 per hour or 3 at once per reader (RATE_LIMITED, Retry-After)'),
      ...(format === 'pdf'
        ? {
            501: error('PDF export is not available on this server (use notes.md)'),
            503: error(
              'The PDF renderer failed, or download limits are unavailable for a moment (SERVICE_UNAVAILABLE); retry, or use notes.md',
            ),
            504: error('The PDF took too long to render and was stopped (TIMEOUT)'),
          }
        : { 503: error('Download limits unavailable for a moment (SERVICE_UNAVAILABLE, Retry-After)') }),
      ...errorResponses,
    },
  });

const isDeno = () => typeof (globalThis as { Deno?: unknown }).Deno !== 'undefined';

/** `GET /v1/books/{id}/notes.md` and `GET /v1/books/{id}/notes.pdf`: the reader's annotations of a book. */
export function registerNotesRoutes(app: RoutesApp, options: NotesRoutesOptions): void {
  const { db, tokens } = options;
  const now = options.now ?? (() => new Date());
  const pdfLimits: NotesPdfLimits = { ...DEFAULT_NOTES_PDF_LIMITS, ...options.pdfLimits };
  let pdfRenderer = options.pdfRenderer;
  const renderer = () => {
    pdfRenderer ??= createPdfWorkerRenderer({ timeoutMs: options.pdfTimeoutMs, fonts: options.fonts });
    return pdfRenderer;
  };
  const middleware: NotesMiddleware = [userAuth({ tokens, db }), downloadLimits(options.limits)];

  async function document(
    c: Context<UserEnv>,
    bookId: string,
    query: { lang?: (typeof NOTES_LANGUAGES)[number] | undefined; tz?: string | undefined },
  ): Promise<NotesDocument> {
    const { user } = c.var;
    const loaded = await loadNotes(db, { id: user.id, claims: { ...user.claims } }, bookId);
    if (!loaded) throw new ApiError(404, 'NOT_FOUND', 'Book not found', { details: { bookId } });
    return buildNotesDocument(loaded, {
      language: query.lang ?? notesLanguage(loaded.profileLanguage),
      timeZone: query.tz,
      exportedAt: now(),
    });
  }

  const headers = (contentType: string, filename: string) => ({
    'Content-Type': contentType,
    'Content-Disposition': `attachment; filename="${filename}"`,
    'Cache-Control': 'private, no-store',
  });

  app.openapi(notesRoute('md', middleware), async (c) => {
    const doc = await document(c, c.req.valid('param').id, c.req.valid('query'));
    return c.body(renderNotesMarkdown(doc), 200, headers('text/markdown; charset=utf-8', `${doc.slug}-notes.md`));
  });

  app.openapi(notesRoute('pdf', middleware), async (c) => {
    const doc = await document(c, c.req.valid('param').id, c.req.valid('query'));
    const size = notesDocumentSize(doc);
    if (size.entries > pdfLimits.maxEntries || size.characters > pdfLimits.maxCharacters) {
      throw new ApiError(
        422,
        'UNPROCESSABLE',
        `Too much for one PDF: ${size.entries} annotations and ${size.characters} characters, at most ` +
          `${pdfLimits.maxEntries} annotations and ${pdfLimits.maxCharacters} characters; use notes.md`,
        { details: { ...size, ...pdfLimits, alternative: c.req.path.replace(/\.pdf$/, '.md') } },
      );
    }
    let pdf: Uint8Array;
    try {
      // Deno (the edge function) has no worker here: its requests are short-lived isolates of their own.
      pdf = isDeno() ? await renderNotesPdf(doc, { fonts: options.fonts }) : await renderer().render(doc);
    } catch (cause) {
      if (cause instanceof PdfRenderTimeoutError) {
        throw new ApiError(504, 'TIMEOUT', `${cause.message}; it was stopped. Use notes.md for very long notes`, {
          cause,
        });
      }
      if (cause instanceof PdfWorkerError) {
        throw new ApiError(503, 'SERVICE_UNAVAILABLE', 'The PDF could not be rendered; retry, or use notes.md', {
          cause,
        });
      }
      // On Supabase Edge Functions the font file (or pdf-lib) may not be deployed: say so plainly. On Node it is
      // a broken install, a real 500.
      if (cause instanceof PdfUnavailableError && isDeno()) {
        c.get('logger')?.warn('notes pdf unavailable', { reason: cause.message });
        throw new ApiError(501, 'NOT_IMPLEMENTED', 'PDF export is not available on this server; use notes.md', {
          details: { alternative: c.req.path.replace(/\.pdf$/, '.md') },
          cause,
        });
      }
      throw cause;
    }
    return c.body(new Uint8Array(pdf), 200, headers('application/pdf', `${doc.slug}-notes.pdf`));
  });
}
