import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server that answers every request with one JSON document and counts the hits, so a test can prove
 * that a URL was fetched (a trusted JWKS endpoint) or never fetched (a `jku` an attacker planted in a token).
 */
export interface CountingHttpServer {
  url: string;
  /** Requests received so far. */
  readonly hits: number;
  close(): Promise<void>;
}

export async function startCountingHttpServer(body: unknown, path = '/jwks.json'): Promise<CountingHttpServer> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    get hits() {
      return hits;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
