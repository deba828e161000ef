import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';

const PAGE = '{ tasks(first: 40) { edges { node { id title description tags } } } }';

/** A raw HTTP exchange (no transparent decompression): status, headers and the bytes as sent. */
function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; bytes: Buffer }>((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, bytes: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('gateway answer compression', () => {
  let platform: TestPlatform;
  let token: string;
  const post = (query: string, acceptEncoding?: string) =>
    raw(platform.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}) },
      body: JSON.stringify({ query }),
    });

  beforeAll(async () => {
    platform = await startTestPlatform();
    token = await platform.mintToken({ sub: 'u-zip', org_id: 'org-zip' });
    for (let i = 0; i < 40; i++) {
      const created = await platform.gql(token, `mutation { createTask(input: {title: "Compressible task ${i}", description: "${'a long description '.repeat(5)}", tags: ["zip"]}) { id } }`);
      expect(created.body.errors).toBeUndefined();
    }
  });
  afterAll(async () => platform?.close());

  it('when a client accepts gzip or br, then a large answer comes compressed and decodes to the same answer as sent plain', async () => {
    const plain = await post(PAGE);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const expected = JSON.parse(plain.bytes.toString());
    expect(expected.data.tasks.edges).toHaveLength(40);
    expect(plain.bytes.length).toBeGreaterThan(1024);

    for (const [accept, decode] of [
      ['gzip', gunzipSync],
      ['br', brotliDecompressSync],
      ['gzip, deflate, br', gunzipSync],
      ['br;q=1, gzip;q=0.5', brotliDecompressSync],
    ] as const) {
      const compressed = await post(PAGE, accept);
      expect(compressed.status).toBe(200);
      expect(compressed.headers['content-encoding']).toBe(decode === gunzipSync ? 'gzip' : 'br');
      expect(compressed.headers.vary).toMatch(/accept-encoding/i);
      expect(compressed.bytes.length).toBeLessThan(plain.bytes.length / 3);
      expect(JSON.parse(decode(compressed.bytes).toString())).toEqual(expected);
    }
  });

  it('when the answer is small, or the client refuses both encodings, then it is sent as it is (and still varies by Accept-Encoding)', async () => {
    const small = await post('{ tasks(first: 1) { totalCount } }', 'gzip, br');
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.headers.vary).toMatch(/accept-encoding/i);
    expect(JSON.parse(small.bytes.toString()).data.tasks.totalCount).toBe(40);

    const refused = await post(PAGE, 'gzip;q=0, br;q=0, identity');
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(refused.bytes.toString()).data.tasks.edges).toHaveLength(40);
  });

  it('when the request is refused before GraphQL runs (no token), then the error answer is plain JSON', async () => {
    const refused = await raw(platform.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' }, body: JSON.stringify({ query: PAGE }) });
    expect(refused.status).toBe(401);
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(refused.bytes.toString()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('when a legacy REST client accepts gzip, then its answer is unchanged: never compressed', async () => {
    const origin = new URL(platform.gateway.url).origin;
    const rest = await raw(`${origin}/api/planning/tasks?limit=40`, { headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip, br' } });
    expect(rest.status).toBe(200);
    expect(rest.headers['content-encoding']).toBeUndefined();
    expect(rest.bytes.length).toBeGreaterThan(1024);
    expect(JSON.parse(rest.bytes.toString()).total).toBe(40);
  });
});
