import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { sendJson } from '../../platform/http/graphql-http.js';
import { staticAssets } from '../../platform/http/static-assets.js';
import type { RouteHandler } from '../gateway-options.js';

/** swagger-ui-dist's directory, resolved from the installed package (the docs work offline: no CDN). */
const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/**
 * The page's policy: this server's scripts only (Swagger UI needs no eval and, with its initializer in a file, no
 * inline script), its own styles plus the inline ones Swagger UI sets, images from here or data: URLs, requests to
 * this server only, and never inside a frame (clickjacking).
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Starts Swagger UI on the document; a file of its own so the page needs no inline script. A login on the page authorizes it. */
const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/docs/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
    // A successful POST /auth/login on this page authorizes the page with the token it answered.
    responseInterceptor: function (response) {
      try {
        var body = response.body || response.obj;
        if (response.ok && new URL(response.url, window.location.href).pathname === '/auth/login' && body && body.access_token) {
          window.ui.preauthorizeApiKey('bearerAuth', body.access_token);
        }
      } catch (e) { /* not a login answer */ }
      return response;
    },
  });
};
`;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Focus planning REST API</title>
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
    <link rel="stylesheet" href="/docs/assets/index.css" />
    <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png" sizes="32x32" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
    <script src="/docs/assets/docs-init.js"></script>
  </body>
</html>
`;

/**
 * `/docs` (Swagger UI), `/docs/openapi.json` and `/docs/assets/*` (swagger-ui-dist's files, read once and kept).
 * Public: the document describes the API, it holds no data.
 */
export function docsHandler(document: unknown): RouteHandler {
  const documentJson = JSON.stringify(document);
  // The files of swagger-ui-dist the page uses, and its initializer; nothing else is served.
  const assets = staticAssets({
    'swagger-ui-bundle.js': { file: join(SWAGGER_UI_DIR, 'swagger-ui-bundle.js'), contentType: JS },
    'swagger-ui-standalone-preset.js': { file: join(SWAGGER_UI_DIR, 'swagger-ui-standalone-preset.js'), contentType: JS },
    'swagger-ui.css': { file: join(SWAGGER_UI_DIR, 'swagger-ui.css'), contentType: CSS },
    'index.css': { file: join(SWAGGER_UI_DIR, 'index.css'), contentType: CSS },
    'favicon-32x32.png': { file: join(SWAGGER_UI_DIR, 'favicon-32x32.png'), contentType: 'image/png' },
    'favicon-16x16.png': { file: join(SWAGGER_UI_DIR, 'favicon-16x16.png'), contentType: 'image/png' },
    'docs-init.js': { content: INITIALIZER, contentType: JS, cacheControl: 'no-cache' },
  });
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return sendJson(res, 405, { detail: 'Method Not Allowed' });
    }
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname === '/docs' || pathname === '/docs/') {
      res.setHeader('content-security-policy', DOCS_CONTENT_SECURITY_POLICY);
      res.setHeader('x-frame-options', 'DENY');
      return send(res, 200, 'text/html; charset=utf-8', PAGE);
    }
    if (pathname === '/docs/openapi.json') return send(res, 200, 'application/json; charset=utf-8', documentJson);
    const name = pathname.startsWith('/docs/assets/') ? pathname.slice('/docs/assets/'.length) : '';
    if (!(await assets.send(res, name))) sendJson(res, 404, { detail: 'Not Found' });
  };

  function send(res: Parameters<RouteHandler>[1], status: number, contentType: string, body: string) {
    res.writeHead(status, { 'content-type': contentType, 'x-content-type-options': 'nosniff' });
    res.end(body);
  }
}
