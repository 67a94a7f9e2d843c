import type { MiddlewareHandler } from 'hono';
import { gatewayError } from './errors.ts';

/** The header the SDK's `country` option sends; the database reads it (private.reader_country()). */
export const COUNTRY_HEADER = 'x-coko-country';

const COUNTRY = /^[A-Za-z]{2}$/;

/**
 * Refuses a malformed `x-coko-country` with 400 rather than letting the database ignore it: a guest who
 * sends `SEN` or `Senegal` would otherwise see only worldwide books and never learn why.
 */
export function checkCountryHeader(): MiddlewareHandler {
  return async (c, next) => {
    const value = c.req.header(COUNTRY_HEADER);
    if (value !== undefined && !COUNTRY.test(value.trim())) {
      return gatewayError(c, 'VALIDATION_ERROR', `${COUNTRY_HEADER} must be an ISO 3166-1 alpha-2 code such as SN.`, {
        details: { header: COUNTRY_HEADER, value },
      });
    }
    await next();
  };
}
