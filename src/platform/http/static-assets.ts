import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';

/** One file a page may load: where it is on disk (or its content), its content type, and optionally its own caching. */
export type StaticAsset = { contentType: string; cacheControl?: string } & ({ file: string } | { content: string });

/**
 * Serves a fixed allow-list of files by name (no path is ever joined from the request, so no traversal), each read
 * once and kept in memory, with `cache-control` and `nosniff`. Answers false for a name outside the list.
 *
 * @example
 * const assets = staticAssets({ 'app.js': { file: '/abs/app.js', contentType: 'text/javascript; charset=utf-8' } });
 * if (!(await assets.send(res, name))) sendJson(res, 404, { detail: 'Not Found' });
 */
export function staticAssets(assets: Record<string, StaticAsset>, cacheControl = 'public, max-age=3600') {
  const loaded = new Map<string, Buffer>();
  return {
    async send(res: ServerResponse, name: string): Promise<boolean> {
      const asset = Object.hasOwn(assets, name) ? assets[name] : undefined;
      if (!asset) return false;
      let body = loaded.get(name);
      if (!body) {
        body = 'file' in asset ? await readFile(asset.file) : Buffer.from(asset.content);
        loaded.set(name, body);
      }
      res.writeHead(200, { 'content-type': asset.contentType, 'cache-control': asset.cacheControl ?? cacheControl, 'x-content-type-options': 'nosniff' });
      res.end(body);
      return true;
    },
  };
}
