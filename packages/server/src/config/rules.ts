import { z } from 'zod';

function isHttpUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Optional (or required) http(s) URL; a trailing slash is removed. */
export function httpUrl(required: string | false) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) {
        if (required) ctx.addIssue({ code: 'custom', message: required });
        return undefined;
      }
      if (!isHttpUrl(raw)) {
        ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL' });
        return z.NEVER;
      }
      return raw.replace(/\/+$/, '');
    });
}
