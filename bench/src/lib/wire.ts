// One GET as a browser sends it (gzip, deflate, br accepted), counting the body bytes as they travelled
// (node:http never decompresses) and decoding them for the caller.
import http from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

export interface WireResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Body bytes on the wire (compressed when the server compressed). */
  wireBytes: number;
  /** The decoded body. */
  body: Buffer;
}

const DECODERS: Record<string, (buffer: Buffer) => Buffer> = {
  br: brotliDecompressSync,
  gzip: gunzipSync,
  deflate: inflateSync,
};

export function wireGet(url: string, headers: Record<string, string> = {}): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { 'accept-encoding': 'gzip, deflate, br', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const decode = DECODERS[String(res.headers['content-encoding'] ?? '')];
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          wireBytes: raw.length,
          body: decode ? decode(raw) : raw,
        });
      });
    });
    request.on('error', reject);
  });
}
