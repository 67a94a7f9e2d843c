// A minimal HTTP/1.1 client over a TCP socket, for requests fetch refuses to send: TRACE/CONNECT, `Expect`,
// control bytes in headers, conflicting framing headers, huge header blocks.
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Informational (1xx) statuses received before the final one. */
  informational: number[];
}

export interface RawRequest {
  method: string;
  path: string;
  /** Header lines as [name, value]; written as-is (no validation), in order. */
  headers?: [string, string][];
  body?: string | Buffer;
  /** Give up after this long (default 15 s): a hang is a finding too. */
  timeoutMs?: number;
}

/** Sends one request on a fresh connection (`Connection: close`) and reads the whole response. */
export function rawRequest(baseUrl: string, request: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const body = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body;
  const lines = [`${request.method} ${request.path} HTTP/1.1`, `Host: ${url.host}`];
  const headers = request.headers ?? [];
  for (const [name, value] of headers) lines.push(`${name}: ${value}`);
  const lower = headers.map(([name]) => name.toLowerCase());
  if (!lower.includes('connection')) lines.push('Connection: close');
  if (body && !lower.includes('content-length') && !lower.includes('transfer-encoding')) {
    lines.push(`Content-Length: ${body.length}`);
  }
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(request.timeoutMs ?? 15_000, () => {
      socket.destroy();
      reject(new Error(`no response within ${request.timeoutMs ?? 15_000} ms`));
    });
    socket.on('connect', () => {
      socket.write(head);
      if (body) socket.write(body);
    });
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error) => {
      // The server may close early (e.g. after a 413 or 431) while we still write: keep what was read.
      if (chunks.length > 0) settle();
      else reject(error);
    });
    socket.on('end', () => settle());
    let settled = false;
    function settle() {
      if (settled) return;
      settled = true;
      socket.destroy();
      try {
        resolve(parse(Buffer.concat(chunks)));
      } catch (error) {
        reject(error);
      }
    }
  });
}

function parse(data: Buffer): RawResponse {
  const informational: number[] = [];
  let rest = data;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end === -1)
      throw new Error(`no complete response head: ${JSON.stringify(rest.toString('latin1').slice(0, 200))}`);
    const [statusLine = '', ...headerLines] = rest.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(statusLine.split(' ')[1]);
    rest = rest.subarray(end + 4);
    if (status >= 100 && status < 200) {
      informational.push(status);
      continue;
    }
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const body = headers['transfer-encoding']?.toLowerCase().includes('chunked') ? dechunk(rest) : rest;
    return { status, headers, body: body.toString('utf8'), informational };
  }
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < data.length) {
    const lineEnd = data.indexOf('\r\n', offset);
    if (lineEnd === -1) break;
    const size = Number.parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!size) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
