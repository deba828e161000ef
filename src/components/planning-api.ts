import { MODULE_CONFIG } from './module-config.js';
import type {
  CompleteTaskBody,
  CreateProjectBody,
  CreateTaskBody,
  Project,
  ProjectDeleted,
  ProjectList,
  ProjectListParams,
  Task,
  TaskDeleted,
  TaskList,
  TaskListParams,
  UpdateProjectBody,
  UpdateTaskBody,
} from './rest-types.js';

/** How {@link createPlanningApi} reaches the REST API. */
export interface PlanningApiOptions {
  /** Where the API is mounted; default {@link MODULE_CONFIG.apiBase} on the page's own origin (`/api/planning`). */
  baseUrl?: string;
  /** The bearer token, or a function giving the current one (the host's session); none: no Authorization header. */
  token?: string | (() => string | undefined | null | Promise<string | undefined | null>);
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Sent with every request (e.g. the host's CSRF header). */
  headers?: Record<string, string>;
}

/** Options of a change: `ifMatch` is the version last read (its `ETag`); a task changed since is refused with 412. */
export interface ChangeOptions {
  ifMatch?: number;
}

/** Options of a create: the same `idempotencyKey` from the same caller within 24 h returns the first object. */
export interface CreateOptions {
  idempotencyKey?: string;
}

/** Why a request was refused, by the answer's status. */
export type PlanningApiErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'BAD_USER_INPUT'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'HTTP_ERROR';

const CODES: Record<number, PlanningApiErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  422: 'BAD_USER_INPUT',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/**
 * A refusal of the REST API: `status`, a stable `code`, and the answer's body (`{"detail": ...}`; for 422 a list of
 * `{loc, msg, type}`).
 */
export class PlanningApiError extends Error {
  readonly code: PlanningApiErrorCode;
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const detail = (body as { detail?: unknown } | null)?.detail;
    super(typeof detail === 'string' ? detail : `The planning API answered ${status}`);
    this.name = 'PlanningApiError';
    this.code = CODES[status] ?? 'HTTP_ERROR';
  }
}

/** The REST API as functions; lists come as arrays (`listTasks`), or as the API's page envelope (`listTaskPage`). */
export interface PlanningApi {
  /** The tasks of the first page (newest first, `limit` 50 unless given): the `tasks` of `GET /tasks`. */
  listTasks(query?: TaskListParams): Promise<Task[]>;
  /** `GET /tasks` as answered: `{tasks, total, next_cursor}` (pass `next_cursor` as `cursor` for the next page). */
  listTaskPage(query?: TaskListParams): Promise<TaskList>;
  getTask(id: string): Promise<Task>;
  createTask(body: CreateTaskBody, options?: CreateOptions): Promise<Task>;
  updateTask(id: string, body: UpdateTaskBody, options?: ChangeOptions): Promise<Task>;
  completeTask(id: string, body?: CompleteTaskBody, options?: ChangeOptions): Promise<Task>;
  deleteTask(id: string): Promise<TaskDeleted>;
  /** The projects of the first page: the `projects` of `GET /projects`. */
  listProjects(query?: ProjectListParams): Promise<Project[]>;
  listProjectPage(query?: ProjectListParams): Promise<ProjectList>;
  getProject(id: string): Promise<Project>;
  createProject(body: CreateProjectBody, options?: CreateOptions): Promise<Project>;
  updateProject(id: string, body: UpdateProjectBody, options?: ChangeOptions): Promise<Project>;
  deleteProject(id: string): Promise<ProjectDeleted>;
}

/**
 * A typed client of the planning REST API for a frontend (browser `fetch`, no other dependency). Every refusal
 * rejects with a {@link PlanningApiError}.
 *
 * @example
 * const api = createPlanningApi({ token: () => session.accessToken });
 * const tasks: Task[] = await api.listTasks({ status: 'PENDING' });
 * await api.createTask({ title: 'Call back Jana', priority: 'high' });
 */
export function createPlanningApi(options: PlanningApiOptions = {}): PlanningApi {
  const baseUrl = (options.baseUrl ?? MODULE_CONFIG.apiBase).replace(/\/+$/, '');

  async function request<T>(method: string, path: string, init: { query?: object; body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
    const token = typeof options.token === 'function' ? await options.token() : options.token;
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers, ...init.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const search = init.query ? searchOf(init.query) : '';
    const doFetch = options.fetch ?? globalThis.fetch;
    const response = await doFetch(`${baseUrl}${path}${search}`, {
      method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    const body = parseJson(text);
    if (!response.ok) throw new PlanningApiError(response.status, body);
    return body as T;
  }

  const id = (value: string) => encodeURIComponent(value);
  const ifMatch = (change?: ChangeOptions): Record<string, string> => (change?.ifMatch === undefined ? {} : { 'if-match': `"${change.ifMatch}"` });
  const idempotency = (create?: CreateOptions): Record<string, string> => (create?.idempotencyKey ? { 'idempotency-key': create.idempotencyKey } : {});

  const api: PlanningApi = {
    listTaskPage: (query) => request('GET', '/tasks', { query }),
    listTasks: async (query) => (await api.listTaskPage(query)).tasks,
    getTask: (taskId) => request('GET', `/tasks/${id(taskId)}`),
    createTask: (body, create) => request('POST', '/tasks', { body, headers: idempotency(create) }),
    updateTask: (taskId, body, change) => request('PATCH', `/tasks/${id(taskId)}`, { body, headers: ifMatch(change) }),
    completeTask: (taskId, body, change) => request('POST', `/tasks/${id(taskId)}/complete`, { body, headers: ifMatch(change) }),
    deleteTask: (taskId) => request('DELETE', `/tasks/${id(taskId)}`),
    listProjectPage: (query) => request('GET', '/projects', { query }),
    listProjects: async (query) => (await api.listProjectPage(query)).projects,
    getProject: (projectId) => request('GET', `/projects/${id(projectId)}`),
    createProject: (body, create) => request('POST', '/projects', { body, headers: idempotency(create) }),
    updateProject: (projectId, body, change) => request('PATCH', `/projects/${id(projectId)}`, { body, headers: ifMatch(change) }),
    deleteProject: (projectId) => request('DELETE', `/projects/${id(projectId)}`),
  };
  return api;
}

/** `?a=1&b=x&b=y` of the defined values (a list repeats its parameter); empty without any. */
function searchOf(query: object): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, String(item));
  }
  const search = params.toString();
  return search ? `?${search}` : '';
}

/** The answer's JSON; a body that is not JSON (a proxy's error page) as its text, an empty one as undefined. */
function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
