// Splits one captured HTTP/1.1 message into its parts, counting bytes as they travelled.

export interface HeaderLine {
  name: string;
  value: string;
  /** `name: value\r\n` as sent. */
  bytes: number;
}

export interface Http1Message {
  startLine: string;
  /** The request or status line with its CRLF. */
  startLineBytes: number;
  headers: HeaderLine[];
  /** The empty line ending the head. */
  endOfHeadBytes: number;
  /** Body bytes as sent (chunked framing included, if any). */
  body: Buffer;
  total: number;
}

/** Parses a buffer holding exactly one HTTP/1.1 message. */
export function parseHttp1(buffer: Buffer): Http1Message {
  const end = buffer.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`not an HTTP/1.1 message: ${JSON.stringify(buffer.subarray(0, 80).toString('latin1'))}`);
  const head = buffer.subarray(0, end).toString('latin1');
  const [startLine = '', ...lines] = head.split('\r\n');
  const headers = lines.map((line) => {
    const colon = line.indexOf(':');
    return {
      name: line.slice(0, colon).toLowerCase(),
      value: line.slice(colon + 1).trim(),
      bytes: Buffer.byteLength(line, 'latin1') + 2,
    };
  });
  return {
    startLine,
    startLineBytes: Buffer.byteLength(startLine, 'latin1') + 2,
    headers,
    endOfHeadBytes: 2,
    body: buffer.subarray(end + 4),
    total: buffer.length,
  };
}
