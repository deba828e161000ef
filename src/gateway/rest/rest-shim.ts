import type { Logger } from '../../platform/logging/logger.js';
import type { GatewayPipeline, RouteHandler } from '../gateway-options.js';
import type { DemoLogin } from './auth-openapi.js';
import { docsHandler } from './docs-page.js';
import { buildOpenApiDocument } from './openapi-document.js';
import { restApiHandler } from './rest-handler.js';
import { REST_ROUTES } from './rest-routes.js';

/** Where the shim lives on the gateway (CONTRACTS.md, "REST shim"). */
export const REST_BASE_PATH = '/api/planning';

/**
 * The REST compatibility shim's routes for the gateway's `extraRoutes`: `/api/planning/*` (the legacy REST API, each
 * route one GraphQL operation through `pipeline`) and `/docs` with `/docs/openapi.json` (naming `options.demoLogin`,
 * the development demo user, in its Authorize dialog and login example).
 *
 * @example
 * startGateway({ ...options, extraRoutes: (pipeline) => restShimRoutes(pipeline, logger) });
 */
export function restShimRoutes(pipeline: GatewayPipeline, logger?: Logger, options: { demoLogin?: DemoLogin } = {}): Record<string, RouteHandler> {
  return {
    [`${REST_BASE_PATH}/*`]: restApiHandler(pipeline, REST_ROUTES, REST_BASE_PATH, logger),
    '/docs/*': docsHandler(buildOpenApiDocument(REST_ROUTES, REST_BASE_PATH, options)),
  };
}

/** The shim's paths as templates (`/api/planning/tasks/{id}`), for labelling request metrics by route. */
export const restRouteTemplates = () => [...new Set(REST_ROUTES.map((route) => `${REST_BASE_PATH}${route.path}`))];

/** The OpenAPI 3.1 document of the shim (what `/docs/openapi.json` serves, without a demo login). */
export const restOpenApiDocument = () => buildOpenApiDocument(REST_ROUTES, REST_BASE_PATH);
