/**
 * The REST API's shapes (`/api/planning`), as its OpenAPI document declares them: generated into
 * `generated/rest-api.ts` by `npm run codegen`, named here. A `Task` is what the REST shim answers (priority 1..4,
 * `energyRequired` lower case, `userId`), as the original Focus API did; the GraphQL shapes are in `GraphQLTypes`.
 */
import type { components, operations } from './generated/rest-api.js';

type Schemas = components['schemas'];
type JsonBody<Operation extends keyof operations> = operations[Operation] extends { requestBody?: { content: { 'application/json': infer Body } } } ? Body : never;
type Query<Operation extends keyof operations> = operations[Operation] extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export type Task = Schemas['Task'];
export type Project = Schemas['Project'];
/** `GET /tasks`: a page of tasks, not a bare list (see `listTasks` for a `Task[]`). */
export type TaskList = Schemas['TaskList'];
export type ProjectList = Schemas['ProjectList'];
export type TaskDeleted = Schemas['TaskDeleted'];
export type ProjectDeleted = Schemas['ProjectDeleted'];
/** `{"detail": "..."}` of every refusal but validation. */
export type ApiError = Schemas['Error'];
/** 422: `{"detail": [{"loc", "msg", "type"}]}`. */
export type ValidationError = Schemas['ValidationError'];

export type TaskListParams = Query<'listTasks'>;
export type ProjectListParams = Query<'listProjects'>;
export type CreateTaskBody = JsonBody<'createTask'>;
export type UpdateTaskBody = JsonBody<'updateTask'>;
export type CompleteTaskBody = JsonBody<'completeTask'>;
export type CreateProjectBody = JsonBody<'createProject'>;
export type UpdateProjectBody = JsonBody<'updateProject'>;

export type { components as RestComponents, operations as RestOperations, paths as RestPaths } from './generated/rest-api.js';
