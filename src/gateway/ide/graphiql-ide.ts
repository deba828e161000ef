import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { sendJson } from '../../platform/http/graphql-http.js';
import { staticAssets } from '../../platform/http/static-assets.js';
import type { RouteHandler } from '../gateway-options.js';
import { GRAPHIQL_BROWSER_SCRIPT } from './graphiql-browser-script.js';

const ASSETS_PATH = '/graphql/ide/assets/';
const packageDir = (name: string) => dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';
const MAP = 'application/json; charset=utf-8';
/** Our own files change with the code; the packages' files only with an install. */
const REVALIDATE = 'no-cache';

const STYLES = `html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; font: 13px system-ui, sans-serif; }
#ide-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; padding: 6px 12px; border-bottom: 1px solid #ddd; background: #f7f7f9; }
#ide-bar form { display: flex; gap: 6px; align-items: center; margin: 0; }
#ide-bar input { font: inherit; padding: 3px 6px; }
#ide-bar strong { margin-right: 4px; }
.ide-status { color: #444; }
.ide-error { color: #b00020; }
#graphiql { flex: 1; min-height: 0; }
`;

/**
 * The files the page loads, by name under `/graphql/ide/assets/`; nothing else is served (the local packages, no
 * CDN: the IDE works offline). Source maps are listed because the bundles name them and browser tools fetch them.
 */
function ideAssets() {
  const graphiql = packageDir('graphiql');
  const react = packageDir('react');
  const reactDom = packageDir('react-dom');
  return staticAssets({
    'graphiql.min.js': { file: join(graphiql, 'graphiql.min.js'), contentType: JS },
    'graphiql.min.js.map': { file: join(graphiql, 'graphiql.min.js.map'), contentType: MAP },
    'graphiql.min.css': { file: join(graphiql, 'graphiql.min.css'), contentType: CSS },
    'graphiql.min.css.map': { file: join(graphiql, 'graphiql.min.css.map'), contentType: MAP },
    'react.production.min.js': { file: join(react, 'umd/react.production.min.js'), contentType: JS },
    'react-dom.production.min.js': { file: join(reactDom, 'umd/react-dom.production.min.js'), contentType: JS },
    'graphiql-init.js': { content: GRAPHIQL_BROWSER_SCRIPT, contentType: JS, cacheControl: REVALIDATE },
    'ide.css': { content: STYLES, contentType: CSS, cacheControl: REVALIDATE },
  });
}

/** GraphiQL and CodeMirror set inline styles and embed their fonts and icons as data: URLs; scripts are ours only. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The demo user's credentials are prefilled: the page exists in development only (see `graphiqlRoutes`). */
const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Focus planning GraphQL IDE (development)</title>
    <link rel="stylesheet" href="${ASSETS_PATH}graphiql.min.css" />
    <link rel="stylesheet" href="${ASSETS_PATH}ide.css" />
    <link rel="icon" href="data:," />
  </head>
  <body>
    <div id="ide-bar">
      <strong>GraphQL IDE (development)</strong>
      <form id="ide-login-form">
        <input id="ide-email" type="email" autocomplete="username" aria-label="Email" value="test@example.com" required />
        <input id="ide-password" type="password" autocomplete="current-password" aria-label="Password" value="password" required />
        <button id="ide-login" type="submit">Log in</button>
      </form>
      <form id="ide-token-form">
        <input id="ide-token" type="password" autocomplete="off" aria-label="Bearer token" placeholder="or paste a token" />
        <button id="ide-use-token" type="submit">Use token</button>
      </form>
      <button id="ide-logout" type="button" hidden>Forget token</button>
      <span id="ide-status" class="ide-status" role="status"></span>
    </div>
    <div id="graphiql">Loading GraphiQL...</div>
    <script src="${ASSETS_PATH}react.production.min.js"></script>
    <script src="${ASSETS_PATH}react-dom.production.min.js"></script>
    <script src="${ASSETS_PATH}graphiql.min.js"></script>
    <script src="${ASSETS_PATH}graphiql-init.js"></script>
  </body>
</html>
`;

/** A browser opening `/graphql` (an address-bar navigation), as opposed to a GraphQL-over-HTTP GET. */
export function isBrowserNavigation(req: IncomingMessage): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (!(req.headers.accept ?? '').includes('text/html')) return false;
  return !new URL(req.url ?? '/', 'http://localhost').searchParams.has('query');
}

/**
 * Development routes of the GraphiQL IDE: `/graphql` answers a browser navigation with the IDE page and hands every
 * other request to `graphql` (the authenticated endpoint, unchanged); `/graphql/ide/assets/*` serves the page's files.
 * The page is public but holds no data: every query it runs goes through `/graphql` with the user's token.
 * Mount only outside production.
 */
export function graphiqlRoutes(graphql: RouteHandler): Record<string, RouteHandler> {
  const assets = ideAssets();
  return {
    '/graphql': (req, res) => (isBrowserNavigation(req) ? sendPage(res) : graphql(req, res)),
    [`${ASSETS_PATH}*`]: async (req, res) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        return sendJson(res, 405, { detail: 'Method Not Allowed' });
      }
      const { pathname } = new URL(req.url ?? '/', 'http://localhost');
      if (!(await assets.send(res, pathname.slice(ASSETS_PATH.length)))) sendJson(res, 404, { detail: 'Not Found' });
    },
  };
}

function sendPage(res: ServerResponse) {
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': REVALIDATE,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(PAGE);
}
