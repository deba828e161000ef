import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aCaller,
  createProject,
  createTasks,
  startTestPlanningApp,
  type TestCaller,
  type TestPlanningApp,
} from '../../testkit/planning-app.js';
import { expectBadInput } from '../lists/connection-testing.js';

const PROJECTS = `query($filter: ProjectFilter, $orderBy: ProjectOrder, $first: Int, $after: String, $last: Int, $before: String) {
  projects(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { id name status createdAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
  }
}`;

const PROJECT_TASKS = `query($id: ID!, $first: Int, $after: String, $last: Int, $before: String, $filter: TaskFilter, $orderBy: TaskOrder) {
  project(id: $id) {
    taskCount completedTaskCount
    tasks(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
      edges { cursor node { id position project { id } } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      totalCount
    }
  }
}`;

const PROJECTS_WITH_TASKS = `query {
  projects(first: 20) { edges { node {
    id
    tasks(first: 5) { edges { node { id } } totalCount }
    taskCount
    completedTaskCount
  } } }
}`;

interface ProjectNode {
  id: string;
  name: string;
  status: string;
  createdAt: string;
}

const ids = (page: { edges: Array<{ node: { id: string } }> }) => page.edges.map((e) => e.node.id);

async function walkProjects(app: TestPlanningApp, caller: TestCaller, args: Record<string, unknown>, size: number) {
  const pages: Array<{ edges: Array<{ node: ProjectNode }>; pageInfo: any; totalCount: number }> = [];
  let after: string | undefined;
  for (;;) {
    const { projects } = await app.ok(caller, PROJECTS, { ...args, first: size, after });
    pages.push(projects);
    if (!projects.pageInfo.hasNextPage) return pages;
    after = projects.pageInfo.endCursor;
  }
}

describe('project lists and project tasks', () => {
  let app: TestPlanningApp;
  beforeAll(async () => {
    app = await startTestPlanningApp();
  });
  afterAll(async () => app?.close());

  it('when projects are listed with no order, then they come newest first and paging visits each exactly once', async () => {
    const caller = aCaller();
    const made: Array<{ id: string }> = [];
    for (let i = 0; i < 7; i++) made.push(await createProject(app, caller, { name: `p${i}` }));
    const all: ProjectNode[] = (await app.ok(caller, PROJECTS, { first: 100 })).projects.edges.map((e: any) => e.node);
    const expected = [...all]
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? 1 : -1))
      .map((p) => p.id);
    expect(all.map((p) => p.id)).toEqual(expected);
    expect([...expected].sort()).toEqual(made.map((p) => p.id).sort());

    const pages = await walkProjects(app, caller, {}, 3);
    expect(pages.map((p) => p.edges.length)).toEqual([3, 3, 1]);
    expect(pages.flatMap(ids)).toEqual(expected);
    expect(pages.every((p) => p.totalCount === 7)).toBe(true);
  });

  it('when projects are ordered by NAME in either direction, then pages follow the name order (ties on id)', async () => {
    const caller = aCaller();
    for (const name of ['delta', 'alpha', 'charlie', 'alpha', 'bravo', 'echo', 'charlie']) await createProject(app, caller, { name });
    const all: ProjectNode[] = (await app.ok(caller, PROJECTS, { first: 100 })).projects.edges.map((e: any) => e.node);
    for (const direction of ['ASC', 'DESC'] as const) {
      const sign = direction === 'ASC' ? 1 : -1;
      const expected = [...all]
        .sort((a, b) => sign * (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1))
        .map((p) => p.id);
      const pages = await walkProjects(app, caller, { orderBy: { field: 'NAME', direction } }, 2);
      expect(pages.flatMap(ids)).toEqual(expected);

      const { projects: lastPage } = await app.ok(caller, PROJECTS, { orderBy: { field: 'NAME', direction }, last: 3 });
      expect(ids(lastPage)).toEqual(expected.slice(-3));
    }
  });

  it('when projects are filtered by status or search, then only matching ones are listed and counted', async () => {
    const caller = aCaller();
    const archived = await createProject(app, caller, { name: 'Old 50% plan' });
    await app.ok(caller, 'mutation($id: ID!) { archiveProject(id: $id) { id } }', { id: archived.id });
    const active = await createProject(app, caller, { name: 'New plan' });
    const other = await createProject(app, caller, { name: 'Roadmap' });

    const byStatus = async (status: string[]) => (await app.ok(caller, PROJECTS, { filter: { status } })).projects;
    expect(ids(await byStatus(['ARCHIVED']))).toEqual([archived.id]);
    expect(ids(await byStatus(['ACTIVE'])).sort()).toEqual([active.id, other.id].sort());
    expect((await byStatus(['ACTIVE', 'ARCHIVED'])).totalCount).toBe(3);

    const search = async (text: string) => (await app.ok(caller, PROJECTS, { filter: { search: text } })).projects;
    expect(ids(await search('PLAN')).sort()).toEqual([archived.id, active.id].sort());
    expect(ids(await search('%'))).toEqual([archived.id]);
    expect((await search('plan')).totalCount).toBe(2);
    const combined = (await app.ok(caller, PROJECTS, { filter: { search: 'plan', status: ['ACTIVE'] } })).projects;
    expect(ids(combined)).toEqual([active.id]);
  });

  it('when a projects cursor is tampered with or reused under another order, then BAD_USER_INPUT names after', async () => {
    const caller = aCaller();
    for (let i = 0; i < 3; i++) await createProject(app, caller);
    const cursor: string = (await app.ok(caller, PROJECTS, { first: 1 })).projects.pageInfo.endCursor;
    const tampered = `${cursor.slice(0, 3)}${cursor[3] === 'x' ? 'y' : 'x'}${cursor.slice(4)}`;
    expectBadInput(await app.gql(caller, PROJECTS, { first: 1, after: tampered }), ['after']);
    expectBadInput(await app.gql(caller, PROJECTS, { first: 1, after: cursor, orderBy: { field: 'NAME' } }), ['after']);
    expectBadInput(await app.gql(caller, PROJECTS, { first: 101 }), ['first']);
  });

  it('when Project.tasks is read, then the first page and page 2 via its endCursor give every task once in order', async () => {
    const caller = aCaller();
    const project = await createProject(app, caller);
    const elsewhere = await createProject(app, caller);
    const tasks = await createTasks(app, caller, 8, () => ({ projectId: project.id }));
    await createTasks(app, caller, 3, () => ({ projectId: elsewhere.id }));
    const byPosition = { field: 'POSITION', direction: 'ASC' };

    const first = (await app.ok(caller, PROJECT_TASKS, { id: project.id, first: 5, orderBy: byPosition })).project;
    expect(ids(first.tasks)).toEqual(tasks.slice(0, 5).map((t) => t.id));
    expect(first.tasks.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(first.tasks.totalCount).toBe(8);
    expect(first.tasks.edges.every((e: any) => e.node.project.id === project.id)).toBe(true);

    const second = (
      await app.ok(caller, PROJECT_TASKS, { id: project.id, first: 5, after: first.tasks.pageInfo.endCursor, orderBy: byPosition })
    ).project;
    expect(ids(second.tasks)).toEqual(tasks.slice(5).map((t) => t.id));
    expect(second.tasks.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(second.tasks.totalCount).toBe(8);

    const back = (
      await app.ok(caller, PROJECT_TASKS, { id: project.id, last: 5, before: second.tasks.pageInfo.startCursor, orderBy: byPosition })
    ).project;
    expect(ids(back.tasks)).toEqual(tasks.slice(0, 5).map((t) => t.id));
  });

  it('when a Project.tasks cursor is used for another project or for the org-wide list, then BAD_USER_INPUT names after', async () => {
    const caller = aCaller();
    const [one, two] = [await createProject(app, caller), await createProject(app, caller)];
    await createTasks(app, caller, 4, () => ({ projectId: one.id }));
    await createTasks(app, caller, 4, () => ({ projectId: two.id }));
    const cursor = (await app.ok(caller, PROJECT_TASKS, { id: one.id, first: 2 })).project.tasks.pageInfo.endCursor;
    const result = await app.gql(caller, PROJECT_TASKS, { id: two.id, first: 2, after: cursor });
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.extensions?.fields).toEqual(['after']);
    expectBadInput(await app.gql(caller, 'query($after: String) { tasks(first: 2, after: $after) { totalCount } }', { after: cursor }), [
      'after',
    ]);
    // But it does continue the same project's list through Query.tasks with filter.projectId.
    const viaQuery = await app.ok(caller, 'query($after: String, $p: ID) { tasks(first: 5, after: $after, filter: { projectId: $p }) { edges { node { id } } } }', {
      after: cursor,
      p: one.id,
    });
    expect(viaQuery.tasks.edges).toHaveLength(2);
  });

  it('when Project.tasks is filtered, then the filter applies within the project and totalCount follows it', async () => {
    const caller = aCaller();
    const project = await createProject(app, caller);
    await createTasks(app, caller, 6, (i) => ({ projectId: project.id, priority: i < 4 ? 'HIGH' : 'LOW' }));
    await createTasks(app, caller, 3, () => ({ priority: 'HIGH' }));
    const data = (await app.ok(caller, PROJECT_TASKS, { id: project.id, first: 3, filter: { priority: ['HIGH'] } })).project;
    expect(data.tasks.edges).toHaveLength(3);
    expect(data.tasks.totalCount).toBe(4);
    expect(data.tasks.pageInfo.hasNextPage).toBe(true);
    const next = (
      await app.ok(caller, PROJECT_TASKS, { id: project.id, first: 3, after: data.tasks.pageInfo.endCursor, filter: { priority: ['HIGH'] } })
    ).project;
    expect(next.tasks.edges).toHaveLength(1);
  });

  it('when tasks of a project are completed, then taskCount and completedTaskCount follow', async () => {
    const caller = aCaller();
    const project = await createProject(app, caller);
    const tasks = await createTasks(app, caller, 5, () => ({ projectId: project.id }));
    await createTasks(app, caller, 2, () => ({ status: 'COMPLETED' }));
    for (const task of tasks.slice(0, 2)) {
      await app.ok(caller, 'mutation($id: ID!) { completeTask(id: $id) { id } }', { id: task.id });
    }
    let data = (await app.ok(caller, PROJECT_TASKS, { id: project.id, first: 1 })).project;
    expect(data).toMatchObject({ taskCount: 5, completedTaskCount: 2 });
    await app.ok(caller, 'mutation($id: ID!) { reopenTask(id: $id) { id } }', { id: tasks[0]!.id });
    data = (await app.ok(caller, PROJECT_TASKS, { id: project.id, first: 1 })).project;
    expect(data).toMatchObject({ taskCount: 5, completedTaskCount: 1 });
  });

  it('when many projects each list their first tasks and counts, then the statement count is the same for 3 and for 20 projects', async () => {
    const measure = async (projectCount: number) => {
      const caller = aCaller();
      const expected = new Map<string, { ids: string[]; completed: number }>();
      for (let i = 0; i < projectCount; i++) {
        const project = await createProject(app, caller, { name: `p${i}` });
        const tasks = await createTasks(app, caller, 7, (j) => ({ projectId: project.id, status: j < 2 ? 'COMPLETED' : 'PENDING' }));
        expected.set(project.id, { ids: tasks.map((t) => t.id), completed: 2 });
      }
      app.queries.reset();
      const data = await app.ok(caller, PROJECTS_WITH_TASKS);
      const statements = app.queries.count;
      expect(data.projects.edges).toHaveLength(projectCount);
      for (const { node } of data.projects.edges) {
        const want = expected.get(node.id)!;
        expect(node.taskCount).toBe(7);
        expect(node.completedTaskCount).toBe(want.completed);
        expect(node.tasks.totalCount).toBe(7);
        expect(node.tasks.edges).toHaveLength(5);
        expect(node.tasks.edges.every((e: any) => want.ids.includes(e.node.id))).toBe(true);
      }
      return statements;
    };
    const three = await measure(3);
    const twenty = await measure(20);
    console.log('[statements] projects(first: 20) with tasks(first: 5) + counts, 3 projects =', three);
    console.log('[statements] projects(first: 20) with tasks(first: 5) + counts, 20 projects =', twenty);
    expect(twenty).toBe(three);
    expect(twenty).toBeLessThanOrEqual(5);
  });
});
