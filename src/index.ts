/**
 * `@ocelot-apps/focus-kraliki`: the planning module (tasks and projects) for a host platform.
 *
 * - {@link createPlanningModule}: the backend, mounted by the host (REST at `/api/planning`, the GraphQL subgraph,
 *   events, health, metrics).
 * - {@link MODULE_CONFIG}: how the host's shell presents the module (also in the browser-safe
 *   `@ocelot-apps/focus-kraliki/components`, which a bundler targeting the browser resolves this entry to).
 * - The types of both; the REST and GraphQL shapes for a frontend are in `@ocelot-apps/focus-kraliki/components`.
 *
 * @example
 * import { createPlanningModule, MODULE_CONFIG } from '@ocelot-apps/focus-kraliki';
 * const planning = createPlanningModule({ platformMode: true, caller: (req) => req.user, eventPublisher, database, redis });
 * await planning.startup();
 * app.use(MODULE_CONFIG.apiBase, planning.express());
 */
export { createPlanningModule } from './embedding/create-planning-module.js';
export { MODULE_CONFIG, type ModuleConfig, type ModuleRoute } from './components/module-config.js';
export type { PlanningModuleError, PlanningModuleErrorCode } from './embedding/planning-module-error.js';
export type {
  ExpressMiddleware,
  FastifyInstanceLike,
  FastifyPlugin,
  FastifyReplyLike,
  FastifyRequestLike,
  HostRequest,
  InboundPlanningEvent,
  NodeHandler,
  PlanningAuthOptions,
  PlanningCaller,
  PlanningCallerSource,
  PlanningDatabaseOptions,
  PlanningEvent,
  PlanningEventDelivery,
  PlanningEventOutcome,
  PlanningEventPublisher,
  PlanningHealth,
  PlanningModule,
  PlanningModuleOptions,
  PlanningRabbitMqOptions,
  PlanningRole,
} from './embedding/planning-module.types.js';
export type { Project, Task } from './components/rest-types.js';
