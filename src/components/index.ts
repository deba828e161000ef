/**
 * The browser-safe entry of `@ocelot-apps/focus-kraliki` (`/components`): the module's config, the REST API's types
 * and a typed client for it, and the planning screens' GraphQL operations as typed documents. Nothing here imports
 * Node: a frontend bundles it as it is (a test bundles it for the browser).
 *
 * Names: `Task` and `Project` are the REST shapes (what `/api/planning` answers, priority 1..4); the GraphQL
 * schema's types are under `GraphQLTypes` (`GraphQLTypes.Task`, priority `'HIGH'`), and each operation brings its
 * result and variables types (`TaskListPageQuery`, `TaskListPageQueryVariables`, `TaskListPageDocument`).
 *
 * @example
 * import { MODULE_CONFIG, createPlanningApi, TaskListPageDocument, type Task } from '@ocelot-apps/focus-kraliki/components';
 * const tasks: Task[] = await createPlanningApi({ token }).listTasks();
 * const { data } = await apollo.query({ query: TaskListPageDocument, variables: { first: 20 } });
 */
export { MODULE_CONFIG, type ModuleConfig, type ModuleRoute } from './module-config.js';
export type {
  ApiError,
  CompleteTaskBody,
  CreateProjectBody,
  CreateTaskBody,
  Project,
  ProjectDeleted,
  ProjectList,
  ProjectListParams,
  RestComponents,
  RestOperations,
  RestPaths,
  Task,
  TaskDeleted,
  TaskList,
  TaskListParams,
  UpdateProjectBody,
  UpdateTaskBody,
  ValidationError,
} from './rest-types.js';
export {
  createPlanningApi,
  PlanningApiError,
  type ChangeOptions,
  type CreateOptions,
  type PlanningApi,
  type PlanningApiErrorCode,
  type PlanningApiOptions,
} from './planning-api.js';
// The typed documents (TaskListPageDocument, ...) with their result and variables types; the schema's own `Task`
// and `Project` are shadowed by the REST ones above and stay reachable as GraphQLTypes.Task.
export * from './generated/graphql/graphql.js';
export type * as GraphQLTypes from './generated/graphql/graphql.js';
