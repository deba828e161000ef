import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';
import { aCaller, aProject, rest } from './rest-client.js';

/** Every Task field, selected over GraphQL the way a frontend would. */
const TASK_SELECTION = `id title description status priority dueDate completedAt estimatedMinutes actualMinutes energyRequired tags position
  project { id } parent { id } subtasks { id } subtaskCount owner { id } assignee { id } metadata createdAt updatedAt version`;

/** The original API's priorities: 1 low .. 4 urgent. */
const ORIGINAL_PRIORITY: Record<string, number> = { LOW: 1, MEDIUM: 2, HIGH: 3, URGENT: 4 };

/**
 * The GraphQL Task in the REST shape, written out here rather than imported so that the shim's mapping is checked
 * against the contract: the original's values (priority 1..4, energy lower case) and names (userId, assignedUserId),
 * null for what this module keeps none of, relations as ids.
 */
const flatten = (task: any) => {
  const { project, parent, subtasks, owner, assignee, priority, energyRequired, ...scalars } = task;
  return {
    ...scalars,
    priority: ORIGINAL_PRIORITY[priority],
    energyRequired: energyRequired?.toLowerCase() ?? null,
    projectId: project?.id ?? null,
    parentId: parent?.id ?? null,
    subtaskIds: subtasks.map((s: any) => s.id),
    ownerId: owner.id,
    userId: owner.id,
    assigneeId: assignee?.id ?? null,
    assignedUserId: assignee?.id ?? null,
    workspaceId: null,
    aiInsights: null,
    urgencyScore: null,
  };
};

describe('REST shim: parity with GraphQL', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => platform?.close());

  it('when a task is created over REST, then GraphQL reads the same task, field for field', async () => {
    const { token } = await aCaller(platform);
    const project = await aProject(platform, token);
    const created = await rest(platform, 'POST', '/api/planning/tasks', {
      token,
      body: { title: 'From REST', priority: 2, energyRequired: 'low', dueDate: '2026-12-01', tags: ['a'], projectId: project.id, metadata: { source: 'legacy' }, estimatedMinutes: 15 },
    });
    const read = await platform.gql(token, `query ($id: ID!) { task(id: $id) { ${TASK_SELECTION} } }`, { id: created.body.id });
    expect(read.body.errors).toBeUndefined();
    expect(flatten(read.body.data.task)).toEqual(created.body);
  });

  it('when a task is created over GraphQL, then REST reads and lists the same task, field for field', async () => {
    const { token } = await aCaller(platform);
    const created = await platform.gql(
      token,
      `mutation { createTask(input: {title: "From GraphQL", priority: URGENT, energyRequired: HIGH, assigneeId: "user-z", metadata: {callId: "c-9"}}) { ${TASK_SELECTION} } }`,
    );
    const task = flatten(created.body.data.createTask);
    const read = await rest(platform, 'GET', `/api/planning/tasks/${task.id}`, { token });
    expect(read.body).toEqual(task);
    const listed = await rest(platform, 'GET', '/api/planning/tasks', { token });
    expect(listed.body.tasks).toEqual([task]);
  });

  it('when a task is changed over REST, then GraphQL sees the change and the new version, and the other way round', async () => {
    const { token } = await aCaller(platform);
    const created = await rest(platform, 'POST', '/api/planning/tasks', { token, body: { title: 'Both ways' } });
    await rest(platform, 'PATCH', `/api/planning/tasks/${created.body.id}`, { token, body: { title: 'Changed over REST' } });
    const viaGraphQL = await platform.gql(token, 'query ($id: ID!) { task(id: $id) { title version } }', { id: created.body.id });
    expect(viaGraphQL.body.data.task).toEqual({ title: 'Changed over REST', version: 2 });
    await platform.gql(token, 'mutation ($id: ID!) { completeTask(id: $id) { id } }', { id: created.body.id });
    const viaRest = await rest(platform, 'GET', `/api/planning/tasks/${created.body.id}`, { token });
    expect(viaRest.body).toMatchObject({ status: 'COMPLETED', version: 3 });
    expect(viaRest.headers.get('etag')).toBe('"3"');
  });

  it('when a project is created over REST, then GraphQL reads the same project', async () => {
    const { token } = await aCaller(platform);
    const project = await aProject(platform, token, { name: 'Parity', color: '#abc', description: 'd' });
    const read = await platform.gql(
      token,
      'query ($id: ID!) { project(id: $id) { id name description color icon status taskCount completedTaskCount owner { id } createdAt updatedAt version } }',
      { id: project.id },
    );
    const { owner, ...scalars } = read.body.data.project;
    expect({ ...scalars, ownerId: owner.id, userId: owner.id, workspaceId: null }).toEqual(project);
  });
});
