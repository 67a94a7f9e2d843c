import type { OpenAPIHono } from '@hono/zod-openapi';
import type { BlankSchema } from 'hono/types';
import type { Logger } from '../observability/logger.ts';

/** Hono environment of the Coko API: what middleware puts on the context. */
export interface AppEnv {
  Variables: {
    /** Set by the requestId middleware; echoed in `X-Request-Id` and in every error body's `id`. */
    requestId: string;
    /** Request-scoped logger carrying the request id. */
    logger: Logger;
  };
}

/** The app that route modules register on (`registerXxxRoutes(app, …)`), whatever its base path. */
export type RoutesApp = OpenAPIHono<AppEnv, BlankSchema, string>;
