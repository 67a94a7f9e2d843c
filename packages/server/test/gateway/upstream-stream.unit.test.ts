// readUpTo + streamOf: a body cut after its first chunks streams the rest, and closes even when the cut
// chunk was its last one (its 'end' already emitted before streamOf listens).
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readUpTo, streamOf } from '../../src/gateway/upstream-request.ts';

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return Buffer.from(await new Response(stream).arrayBuffer()).toString();
}

describe('readUpTo then streamOf', () => {
  it('a one-chunk body over the limit, already ended, streams and closes', async () => {
    const body = new PassThrough();
    body.end('[{"display_name":"Awa D."}]');
    const read = await readUpTo(body as unknown as IncomingMessage, 0);
    expect('head' in read).toBe(true);
    if (!('head' in read)) return;
    expect(await text(streamOf(read.rest, read.head))).toBe('[{"display_name":"Awa D."}]');
  });

  it('a body still arriving streams its rest after the head', async () => {
    const body = new PassThrough();
    body.write('first,');
    const read = await readUpTo(body as unknown as IncomingMessage, 3);
    if (!('head' in read)) throw new Error('expected a cut body');
    const stream = streamOf(read.rest, read.head);
    body.write('second,');
    body.end('third');
    expect(await text(stream)).toBe('first,second,third');
  });

  it('a body under the limit comes back whole', async () => {
    const body = new PassThrough();
    body.end('');
    expect(await readUpTo(body as unknown as IncomingMessage, 10)).toEqual({ whole: Buffer.alloc(0) });
  });
});
