import type { ProjectJson, TaskJson } from './rest-responses.js';

/** A route's example bodies in the OpenAPI document. */
export interface RestExamples {
  request?: unknown;
  response: unknown;
  /** For a route that validates a body or a query: a bad request (body or query string) and the 422 it gets. */
  invalid?: { request?: unknown; query?: string; response: unknown };
}

/**
 * Example bodies of the OpenAPI document. The requests are the ones the original Focus API's own test suite sent
 * (tests/unit/test_tasks.py, test_projects.py), so a legacy client's author recognises them; the answers are what
 * this shim answers to them. A contract test parses each with its route's schemas.
 */
const TASK_ID = '3f0c6a52-8d1e-4b7a-9c2f-5e4d3b2a1c0f';
const PROJECT_ID = '9b2d4e6f-1a3c-4e5b-8d7f-0c1b2a3d4e5f';
const CREATED_AT = '2026-11-25T09:00:00.000Z';
const CHANGED_AT = '2026-11-25T09:30:00.000Z';

const task: TaskJson = {
  id: TASK_ID,
  title: 'Test task',
  description: 'Test description',
  status: 'PENDING',
  priority: 2,
  dueDate: null,
  completedAt: null,
  estimatedMinutes: null,
  energyRequired: null,
  tags: [],
  projectId: null,
  workspaceId: null,
  assignedUserId: null,
  userId: 'user-1',
  aiInsights: null,
  urgencyScore: null,
  createdAt: CREATED_AT,
  actualMinutes: null,
  position: 0,
  parentId: null,
  subtaskIds: [],
  subtaskCount: 0,
  ownerId: 'user-1',
  assigneeId: null,
  metadata: {},
  updatedAt: CREATED_AT,
  version: 1,
};
const completedTask: TaskJson = { ...task, status: 'COMPLETED', completedAt: CHANGED_AT, updatedAt: CHANGED_AT, version: 2 };

const project: ProjectJson = {
  id: PROJECT_ID,
  name: 'Test Project',
  description: 'A test project',
  color: '#3B82F6',
  icon: '📁',
  userId: 'user-1',
  workspaceId: null,
  taskCount: 0,
  createdAt: CREATED_AT,
  status: 'ACTIVE',
  completedTaskCount: 0,
  ownerId: 'user-1',
  updatedAt: CREATED_AT,
  version: 1,
};

const problem = (loc: Array<string | number>, msg: string, type: string) => ({ detail: [{ loc, msg, type }] });
// test_projects_router.py, TestListProjects.test_list_projects_limit_validation
const limitTooBig = { query: 'limit=101', response: problem(['query', 'limit'], 'must be at most 100', 'too_big') };

/** By operationId. */
export const REST_EXAMPLES = {
  listTasks: { response: { tasks: [task], total: 1, next_cursor: null }, invalid: limitTooBig },
  // test_tasks.py, TestTaskCreation.test_create_task_success; a missing title gets FastAPI's own 422 entry.
  createTask: {
    request: { title: 'Test task', description: 'Test description', priority: 2, status: 'PENDING' },
    response: task,
    invalid: { request: { description: 'No title' }, response: problem(['body', 'title'], 'Field required', 'missing') },
  },
  getTask: { response: task },
  // test_tasks.py, TestTaskUpdate.test_complete_task_sets_completed_at
  updateTask: {
    request: { status: 'COMPLETED' },
    response: completedTask,
    invalid: { request: { priority: 'highest' }, response: problem(['body', 'priority'], 'must be low, medium, high or urgent (any case) or 1..4', 'custom') },
  },
  completeTask: {
    request: { actualMinutes: 25 },
    response: { ...completedTask, actualMinutes: 25 },
    invalid: { request: { actualMinutes: -1 }, response: problem(['body', 'actualMinutes'], 'must be at least 0', 'too_small') },
  },
  deleteTask: { response: { success: true } },
  listProjects: { response: { projects: [project], total: 1, next_cursor: null }, invalid: limitTooBig },
  // test_projects.py, TestProjectCRUD.test_create_project; test_projects_router.py, TestCreateProject.test_create_project_invalid_data
  createProject: {
    request: { name: 'Test Project', description: 'A test project', color: '#3B82F6', icon: '📁' },
    response: project,
    invalid: { request: { description: 'No name' }, response: problem(['body', 'name'], 'Field required', 'missing') },
  },
  getProject: { response: project },
  // test_projects.py, TestProjectCRUD.test_update_project (and test_create_project_invalid_color's colour)
  updateProject: {
    request: { name: 'Updated Name', color: '#EF4444' },
    response: { ...project, name: 'Updated Name', color: '#EF4444', updatedAt: CHANGED_AT, version: 2 },
    invalid: { request: { color: 'not-a-hex-color' }, response: problem(['body', 'color'], 'must be a hex colour like #3366ff', 'invalid_format') },
  },
  deleteProject: { response: { success: true, deletedId: PROJECT_ID } },
} satisfies Record<string, RestExamples>;

/** The original API's 404 body. */
export const notFoundExample = (entity: string) => ({ detail: `${entity} not found` });
