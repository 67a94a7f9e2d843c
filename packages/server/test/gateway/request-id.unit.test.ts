// Fresh request ids (request-id.ts): 22 base64url characters, drawn from a pool refilled 4 KiB at a time.
import { describe, expect, it } from 'vitest';
import { newRequestId, SANE_REQUEST_ID } from '../../src/gateway/request-id.ts';

describe('newRequestId', () => {
  it('gives 22-character base64url ids, all distinct, across several refills of the pool', () => {
    const ids = Array.from({ length: 1000 }, newRequestId);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(id).toMatch(SANE_REQUEST_ID);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});
