import type { IncomingMessage } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compressFor, negotiateEncoding } from '../../../src/platform/http/compression.js';

const requestAccepting = (acceptEncoding?: string) => ({ headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } }) as IncomingMessage;
const answer = (bytes: number) => JSON.stringify({ data: { text: 'task title '.repeat(Math.ceil(bytes / 11)).slice(0, bytes) } });

describe('answer compression', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['gzip', 'gzip'],
    ['br', 'br'],
    ['gzip, deflate, br', 'gzip'],
    ['br, gzip, deflate', 'gzip'],
    ['br;q=1, gzip;q=0.9', 'br'],
    ['gzip;q=0.5, br;q=0.9', 'br'],
    ['gzip;q=0, br;q=0', undefined],
    ['identity', undefined],
    ['identity;q=1, gzip;q=0.5', undefined],
    ['deflate', undefined],
    ['compress, x-unknown', undefined],
    ['*', 'gzip'],
    ['*, gzip;q=0', 'br'],
    ['GZIP', 'gzip'],
  ])('when Accept-Encoding is %j, then the answer is encoded as %j', (header, expected) => {
    expect(negotiateEncoding(requestAccepting(header))).toBe(expected);
  });

  it('when a large answer goes to a client accepting gzip or br, then it is compressed and decompresses to the same text', async () => {
    const body = answer(200_000);
    for (const [accept, decode] of [
      ['gzip', gunzipSync],
      ['br', brotliDecompressSync],
    ] as const) {
      const { body: sent, encoding } = await compressFor(requestAccepting(accept), body, 1024);
      expect(encoding).toBe(accept);
      expect(Buffer.isBuffer(sent)).toBe(true);
      expect((sent as Buffer).length).toBeLessThan(body.length / 10);
      expect(decode(sent as Buffer).toString()).toBe(body);
    }
  });

  it('when a small answer (under the threshold, also just under it) goes out, then it is sent as it is', async () => {
    const small = answer(300);
    expect(await compressFor(requestAccepting('gzip'), small, 1024)).toEqual({ body: small });
    const justUnder = answer(1000);
    expect(await compressFor(requestAccepting('gzip'), justUnder, Buffer.byteLength(justUnder) + 1)).toEqual({ body: justUnder });
    expect((await compressFor(requestAccepting('gzip'), justUnder, Buffer.byteLength(justUnder))).encoding).toBe('gzip');
  });

  it('when the threshold is 0 (compression off) or the client accepts neither, then nothing is compressed', async () => {
    const body = answer(10_000);
    expect(await compressFor(requestAccepting('gzip, br'), body, 0)).toEqual({ body });
    expect(await compressFor(requestAccepting('deflate'), body, 1024)).toEqual({ body });
  });

  it('when the answer holds multi-byte characters, then the threshold counts bytes and the text survives', async () => {
    const body = JSON.stringify({ data: { title: 'Úkol č. 1 – příliš žluťoučký kůň 🐎'.repeat(40) } });
    // A threshold between the length in characters and in bytes.
    const threshold = Math.round((body.length + Buffer.byteLength(body)) / 2);
    expect(body.length).toBeLessThan(threshold);
    expect(await compressFor(requestAccepting('gzip'), body, Buffer.byteLength(body) + 1)).toEqual({ body });
    const { body: sent, encoding } = await compressFor(requestAccepting('gzip'), body, threshold);
    expect(encoding).toBe('gzip');
    expect(gunzipSync(sent as Buffer).toString()).toBe(body);
  });
});
