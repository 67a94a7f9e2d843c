import { z } from '@hono/zod-openapi';

/** The one error body, as published in the OpenAPI document. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'VALIDATION_ERROR' }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
      id: z.string().openapi({ description: 'Request id; also in X-Request-Id, the logs and the error tracker.' }),
    }),
  })
  .openapi('Error');

export const CheckSchema = z
  .object({
    status: z.enum(['ok', 'error', 'skipped']),
    latencyMs: z.number().optional(),
    reason: z.string().optional(),
  })
  .catchall(z.unknown())
  .openapi('Check');

export const errorResponses = {
  500: { description: 'Unexpected error', content: { 'application/json': { schema: ErrorSchema } } },
} as const;
