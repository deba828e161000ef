import { request } from 'node:http';

/** An HTTP answer as the tests read it. */
export interface AddressedAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json(): unknown;
}

/**
 * Sends a request from one loopback address (127.0.0.x all reach a server on 127.0.0.1 on Linux), so that a test can
 * be several client IPs at once: the gateway sees `address` as the client's.
 */
export function requestFrom(address: string, url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<AddressedAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, localAddress: address }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
