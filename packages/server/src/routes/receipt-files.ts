import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { RoutesApp } from '../app/env.ts';
import { ApiError } from '../app/errors.ts';
import type { Database } from '../db/transaction.ts';
import type { TokenService } from '../identity/tokens.ts';
import { type UserEnv, userAuth } from '../middleware/user-auth.ts';
import { findReceiptDocument } from '../payments/receipts.ts';
import { type PdfFontLoader, PdfUnavailableError } from '../pdf/fonts.ts';
import { RECEIPT_LANGUAGES, receiptMarkdown, receiptModel, receiptPdf } from '../receipts/index.ts';
import { error, IdParamSchema } from './payment-schemas.ts';
import { errorResponses } from './schemas.ts';

export interface ReceiptFileRoutesOptions {
  db: Database;
  tokens: TokenService;
  /** Fonts of the PDF (default: DejaVu Sans from the `dejavu-fonts-ttf` package; the edge function embeds them). */
  fonts?: PdfFontLoader | undefined;
}

const query = z.object({
  lang: z
    .enum(RECEIPT_LANGUAGES)
    .optional()
    .openapi({ param: { name: 'lang', in: 'query' }, description: "fr or en (default: the receipt's language)." }),
});

const fileRoute = (format: 'md' | 'pdf', middleware: [MiddlewareHandler<UserEnv>]) =>
  createRoute({
    method: 'get',
    path: `/v1/receipts/{id}/receipt.${format}`,
    tags: ['Payments'],
    summary: format === 'md' ? 'One of your receipts as Markdown' : 'One of your receipts as PDF',
    description: 'Amounts written for the currency and the language (`1 500 F CFA`, `F CFA 1,500`).',
    security: [{ userAccessToken: [] }],
    middleware,
    request: { params: IdParamSchema('The receipt id.'), query },
    responses: {
      200: {
        description: 'The receipt, as a download',
        content:
          format === 'md'
            ? { 'text/markdown': { schema: z.string() } }
            : { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } },
      },
      400: error('The id is not a UUID, or lang is invalid'),
      401: error('Missing, invalid or expired access token'),
      404: error('No such receipt of yours'),
      ...(format === 'pdf' ? { 501: error('PDF is not available on this server (use receipt.md)') } : {}),
      ...errorResponses,
    },
  });

/** `GET /v1/receipts/{id}/receipt.md` and `receipt.pdf` (renderers in src/receipts). */
export function registerReceiptFileRoutes(app: RoutesApp, options: ReceiptFileRoutesOptions): void {
  const { db, tokens } = options;
  const middleware: [MiddlewareHandler<UserEnv>] = [userAuth({ tokens, db })];

  async function model(userId: string, id: string) {
    const found = await findReceiptDocument(db, userId, id);
    if (!found) throw new ApiError(404, 'NOT_FOUND', 'Receipt not found', { details: { receiptId: id } });
    return receiptModel(found.receipt, found.parties);
  }
  const headers = (contentType: string, filename: string) => ({
    'Content-Type': contentType,
    'Content-Disposition': `attachment; filename="${filename}"`,
    'Cache-Control': 'private, no-store',
  });

  app.openapi(fileRoute('md', middleware), async (c) => {
    const receipt = await model(c.var.user.id, c.req.valid('param').id);
    const markdown = receiptMarkdown(receipt, c.req.valid('query').lang);
    return c.body(markdown, 200, headers('text/markdown; charset=utf-8', `${receipt.number}.md`));
  });

  app.openapi(fileRoute('pdf', middleware), async (c) => {
    const receipt = await model(c.var.user.id, c.req.valid('param').id);
    let pdf: Uint8Array;
    try {
      pdf = await receiptPdf(receipt, c.req.valid('query').lang, { fonts: options.fonts });
    } catch (cause) {
      if (cause instanceof PdfUnavailableError) {
        throw new ApiError(501, 'NOT_IMPLEMENTED', 'PDF receipts are not available on this server; use receipt.md', {
          details: { alternative: c.req.path.replace(/\.pdf$/, '.md') },
          cause,
        });
      }
      throw cause;
    }
    return c.body(new Uint8Array(pdf), 200, headers('application/pdf', `${receipt.number}.pdf`));
  });
}
