import { PROJECT_ROUTES } from './project.routes.js';
import type { AnyRestRoute } from './rest-route.js';
import { TASK_ROUTES } from './task.routes.js';
import { FLOW_MEMORY_REST_ROUTES } from './flow-memory/flow-memory-rest-routes.js';
import { SHADOW_REST_ROUTES } from './shadow/shadow-rest-routes.js';

export type { RestRoute, RouteInput } from './rest-route.js';

/** The route table of `/api/planning` (CONTRACTS.md, "REST shim"): one file of routes per resource. */
export const REST_ROUTES: AnyRestRoute[] = [...TASK_ROUTES, ...PROJECT_ROUTES, ...SHADOW_REST_ROUTES, ...FLOW_MEMORY_REST_ROUTES];
