import { randomUUID } from 'node:crypto';
import type { Role } from '../../../src/modules/common/caller.js';
import type { TestPlatform } from '../../testkit/platform-app.js';

export interface RestResult {
  status: number;
  headers: Headers;
  body: any;
}

export interface RestRequest {
  token?: string | null;
  /** JSON-encoded unless `rawBody` is given. */
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

/** One HTTP call to the gateway, as a legacy client makes it; `path` is below the origin (e.g. /api/planning/tasks). */
export async function rest(platform: TestPlatform, method: string, path: string, request: RestRequest = {}): Promise<RestResult> {
  const headers: Record<string, string> = { ...(request.token ? { authorization: `Bearer ${request.token}` } : {}) };
  let body: string | undefined;
  if (request.rawBody !== undefined) body = request.rawBody;
  else if (request.body !== undefined) {
    body = JSON.stringify(request.body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${platform.gateway.origin}${path}`, {
    method,
    headers: { ...headers, ...request.headers },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** A fresh org with one caller of `roles` in it. */
export async function aCaller(platform: TestPlatform, roles: Role[] = ['member'], orgId = `org-${randomUUID().slice(0, 8)}`) {
  const sub = `user-${randomUUID().slice(0, 8)}`;
  const token = await platform.mintToken({ sub, org_id: orgId, roles });
  return { token, sub, orgId };
}

/** Creates a task over REST and returns it (fails the test unless 200, which the original API answered). */
export async function aTask(platform: TestPlatform, token: string, body: Record<string, unknown> = {}): Promise<any> {
  const created = await rest(platform, 'POST', '/api/planning/tasks', { token, body: { title: 'A task', ...body } });
  if (created.status !== 200) throw new Error(`create failed: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body;
}

/** Creates a project over REST and returns it (fails the test unless 201). */
export async function aProject(platform: TestPlatform, token: string, body: Record<string, unknown> = {}): Promise<any> {
  const created = await rest(platform, 'POST', '/api/planning/projects', { token, body: { name: 'A project', ...body } });
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body;
}

/** How many tasks the caller's org holds, read through GraphQL (to prove a refused request wrote nothing). */
export async function taskCount(platform: TestPlatform, token: string): Promise<number> {
  const result = await platform.gql(token, '{ tasks { totalCount } }');
  return result.body.data.tasks.totalCount;
}

/** The fields of the original API's TaskResponse, every one of which a REST task carries with its type. */
export const ORIGINAL_TASK_KEYS = [
  'id', 'title', 'description', 'status', 'priority', 'dueDate', 'completedAt', 'estimatedMinutes', 'energyRequired', 'tags',
  'projectId', 'workspaceId', 'assignedUserId', 'userId', 'aiInsights', 'urgencyScore', 'createdAt',
];

/** Every field a REST task carries: the original's, then the other Task fields of CONTRACTS.md (relations as ids). */
export const TASK_KEYS = [
  ...ORIGINAL_TASK_KEYS,
  'actualMinutes', 'position', 'parentId', 'subtaskIds', 'subtaskCount', 'ownerId', 'assigneeId', 'metadata', 'updatedAt', 'version',
].sort();

/** The fields of the original API's ProjectResponse. */
export const ORIGINAL_PROJECT_KEYS = ['id', 'name', 'description', 'color', 'icon', 'userId', 'workspaceId', 'taskCount', 'createdAt'];

export const PROJECT_KEYS = [...ORIGINAL_PROJECT_KEYS, 'status', 'completedTaskCount', 'ownerId', 'updatedAt', 'version'].sort();
