import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubgraphFetcher } from '../../../src/gateway/subgraph-fetcher.js';

describe('subgraph fetcher', () => {
  let server: Server;
  let origin: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const size = Number(new URL(req.url!, 'http://x').searchParams.get('bytes'));
      res.writeHead(200, { 'content-type': 'application/json' });
      // Sent in pieces, as a large answer arrives.
      for (let sent = 0; sent < size; sent += 256) res.write('x'.repeat(Math.min(256, size - sent)));
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('when a subgraph answers more than the byte bound, then the fetch fails naming the bound, and answers within it still arrive', async () => {
    const fetcher = createSubgraphFetcher({ maxAnswerBytes: 1024 });
    try {
      await expect(fetcher.fetch(`${origin}/graphql?bytes=4096`, { method: 'GET' })).rejects.toThrow(/larger than 1024 bytes/);
      const within = await fetcher.fetch(`${origin}/graphql?bytes=1024`, { method: 'GET' });
      expect((await within.text()).length).toBe(1024);
    } finally {
      await fetcher.close();
    }
  });
});
