// A raw TCP proxy on 127.0.0.1 that records every byte in both directions: what a client really
// sends and receives, framing and headers included (HTTP/1.1 or HTTP/2 alike).
import net from 'node:net';

export interface Captured {
  /** Client → server bytes since the last take(). */
  up: Buffer;
  /** Server → client bytes since the last take(). */
  down: Buffer;
}

export interface CaptureProxy {
  port: number;
  url: string;
  /** TCP connections accepted so far. */
  connections(): number;
  /** Returns what passed since the previous call, and starts over. */
  take(): Captured;
  close(): Promise<void>;
}

export async function startCaptureProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<CaptureProxy> {
  let up: Buffer[] = [];
  let down: Buffer[] = [];
  let accepted = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    accepted += 1;
    const upstream = net.connect(targetPort, targetHost);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => {
      up.push(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      down.push(chunk);
      client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    connections: () => accepted,
    take() {
      const result = { up: Buffer.concat(up), down: Buffer.concat(down) };
      up = [];
      down = [];
      return result;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
