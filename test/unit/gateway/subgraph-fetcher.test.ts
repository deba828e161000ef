import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubgraphFetcher } from '../../../src/gateway/subgraph-fetcher.js';

describe('subgraph fetcher', () => {
  let server: Server;
  let origin: string;
  let connections = 0;
  const fetcher = createSubgraphFetcher({ timeoutMs: 5_000 });

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        if (req.url === '/unavailable') {
          res.writeHead(503, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ errors: [{ message: 'database unavailable' }] }));
        }
        res.setHeader('content-type', 'application/json');
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        res.end(JSON.stringify({ method: req.method, path: req.url, received: body, header: req.headers['x-org-id'] }));
      });
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await fetcher.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('when a request is posted, then the subgraph gets method, path, headers and body, and the answer reads as JSON', async () => {
    const response = await fetcher.fetch(`${origin}/graphql?x=1`, { method: 'POST', headers: { 'x-org-id': 'o1' }, body: '{"query":"{a}"}' });
    expect(response.ok).toBe(true);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ method: 'POST', path: '/graphql?x=1', received: '{"query":"{a}"}', header: 'o1' });
  });

  it('when a header comes several times, then every value is kept', async () => {
    const response = await fetcher.fetch(`${origin}/graphql`, { method: 'POST', body: '{}' });
    expect(response.headers.get('set-cookie')).toBe('a=1, b=2');
  });

  it('when the subgraph answers 503, then the status and body are there for the error mapping', async () => {
    const response = await fetcher.fetch(`${origin}/unavailable`, { method: 'POST', body: '{}' });
    expect(response.ok).toBe(false);
    expect(response.status).toBe(503);
    expect(await response.clone().text()).toContain('database unavailable');
    expect(await response.json()).toEqual({ errors: [{ message: 'database unavailable' }] });
  });

  it('when requests follow one another, then they share one kept-alive connection', async () => {
    const before = connections;
    for (let i = 0; i < 10; i++) await (await fetcher.fetch(`${origin}/graphql`, { method: 'POST', body: '{}' })).text();
    expect(connections - before).toBeLessThanOrEqual(1);
  });

  it('when the subgraph is not listening, then the fetch rejects (the gateway reports the subgraph unreachable)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(fetcher.fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', body: '{}' })).rejects.toThrow();
  });
});
