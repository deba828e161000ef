import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aCaller,
  createProject,
  createTask,
  createTasks,
  startTestPlanningApp,
  type TestCaller,
  type TestPlanningApp,
} from '../../testkit/planning-app.js';

const TASK_ENTITIES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Task { id title project { name } subtasks { id } }
  }
}`;

const MIXED_ENTITIES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Task { id title }
    ... on Project { id name taskCount }
  }
}`;

const taskRef = (id: string) => ({ __typename: 'Task', id });
const projectRef = (id: string) => ({ __typename: 'Project', id });

describe('federation _entities', () => {
  let app: TestPlanningApp;
  let caller: TestCaller;
  let tasks: Array<{ id: string; title: string }>;
  const projectNameOf = new Map<string, string | null>();
  const subtasksOf = new Map<string, string[]>();

  beforeAll(async () => {
    app = await startTestPlanningApp();
    caller = aCaller();
    const projects = [await createProject(app, caller, { name: 'North' }), await createProject(app, caller, { name: 'South' })];
    // Every third task has no project; the rest alternate between two projects.
    tasks = await createTasks(app, caller, 60, (i) => ({
      title: `entity ${i}`,
      projectId: i % 3 === 2 ? null : projects[i % 2]!.id,
    }));
    tasks.forEach((t, i) => projectNameOf.set(t.id, i % 3 === 2 ? null : projects[i % 2]!.name));
    for (const task of tasks) subtasksOf.set(task.id, []);
    const subtasks = await createTasks(app, caller, 40, (i) => ({ parentId: tasks[i % 20]!.id, title: `sub ${i}` }));
    subtasks.forEach((s, i) => subtasksOf.get(tasks[i % 20]!.id)!.push(s.id));
  });
  afterAll(async () => app?.close());

  it('when 50 Task representations are resolved, then they come back in request order with their fields', async () => {
    // A shuffled order, so "in order" cannot be an accident of insertion order.
    const wanted = tasks.slice(0, 50).map((t, i) => tasks[(i * 7) % 50]!);
    const { _entities } = await app.ok(caller, TASK_ENTITIES, { representations: wanted.map((t) => taskRef(t.id)) });
    expect(_entities).toHaveLength(50);
    _entities.forEach((entity: any, i: number) => {
      const task = wanted[i]!;
      expect(entity.id).toBe(task.id);
      expect(entity.title).toBe(task.title);
      expect(entity.project?.name ?? null).toBe(projectNameOf.get(task.id));
      expect(entity.subtasks.map((s: any) => s.id).sort()).toEqual([...subtasksOf.get(task.id)!].sort());
    });
  });

  it('when the same Task is asked for twice, then both entries resolve to it', async () => {
    const [a, b] = tasks;
    const { _entities } = await app.ok(caller, TASK_ENTITIES, { representations: [taskRef(a!.id), taskRef(b!.id), taskRef(a!.id)] });
    expect(_entities.map((e: any) => e.id)).toEqual([a!.id, b!.id, a!.id]);
  });

  it('when representations hold unknown or malformed ids, then those entries are null and the rest resolve, with no errors', async () => {
    const representations = [
      taskRef(tasks[0]!.id),
      taskRef(randomUUID()),
      taskRef('not-a-uuid'),
      taskRef(''),
      taskRef(tasks[1]!.id.toUpperCase()),
      taskRef(`${tasks[2]!.id}x`),
      taskRef(tasks[3]!.id),
    ];
    const result = await app.gql(caller, TASK_ENTITIES, { representations });
    expect(result.errors).toBeUndefined();
    expect(result.data._entities.map((e: any) => e?.id ?? null)).toEqual([tasks[0]!.id, null, null, null, tasks[1]!.id, null, tasks[3]!.id]);
  });

  it('when Project representations are resolved, mixed with Tasks, then each comes back as its type, unknown ones as null', async () => {
    const project = await createProject(app, caller, { name: 'Mixed' });
    await createTask(app, caller, { projectId: project.id });
    const representations = [projectRef(project.id), taskRef(tasks[5]!.id), projectRef(randomUUID()), projectRef('bad'), projectRef(tasks[6]!.id)];
    const result = await app.gql(caller, MIXED_ENTITIES, { representations });
    expect(result.errors).toBeUndefined();
    expect(result.data._entities).toEqual([
      { __typename: 'Project', id: project.id, name: 'Mixed', taskCount: 1 },
      { __typename: 'Task', id: tasks[5]!.id, title: tasks[5]!.title },
      null,
      null,
      // A task id presented as a Project is not a project.
      null,
    ]);
  });

  it('when another org resolves these representations, then every entry is null', async () => {
    const stranger = aCaller();
    const project = await createProject(app, caller);
    const result = await app.gql(stranger, MIXED_ENTITIES, {
      representations: [taskRef(tasks[0]!.id), projectRef(project.id), taskRef(tasks[1]!.id)],
    });
    expect(result.errors).toBeUndefined();
    expect(result.data._entities).toEqual([null, null, null]);
  });

  it('when 50 Tasks with their project name are resolved, then it takes the same few statements as 5', async () => {
    const query = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Task { id project { name } } } }`;
    const measure = async (count: number) => {
      const representations = tasks.slice(0, count).map((t) => taskRef(t.id));
      app.queries.reset();
      const { _entities } = await app.ok(caller, query, { representations });
      const statements = app.queries.count;
      expect(_entities.map((e: any) => e.id)).toEqual(tasks.slice(0, count).map((t) => t.id));
      expect(_entities.map((e: any) => e.project?.name ?? null)).toEqual(tasks.slice(0, count).map((t) => projectNameOf.get(t.id)));
      return statements;
    };
    const five = await measure(5);
    const fifty = await measure(50);
    console.log('[statements] _entities 5 tasks with project name =', five);
    console.log('[statements] _entities 50 tasks with project name =', fifty);
    expect(fifty).toBe(five);
    expect(fifty).toBeLessThanOrEqual(3);
  });

  it('when 50 Tasks with subtasks are resolved, then the statement count does not grow with the batch', async () => {
    const measure = async (count: number) => {
      app.queries.reset();
      await app.ok(caller, TASK_ENTITIES, { representations: tasks.slice(0, count).map((t) => taskRef(t.id)) });
      return app.queries.count;
    };
    const five = await measure(5);
    const fifty = await measure(50);
    console.log('[statements] _entities 50 tasks with project name and subtasks =', fifty);
    expect(fifty).toBe(five);
    expect(fifty).toBeLessThanOrEqual(4);
  });
});
