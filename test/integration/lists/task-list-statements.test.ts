import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aCaller,
  createProject,
  createTasks,
  startTestPlanningApp,
  type TestCaller,
  type TestPlanningApp,
} from '../../testkit/planning-app.js';

const PAGE_WITH_RELATIONS = `query($first: Int!) {
  tasks(first: $first, filter: { topLevel: true }) {
    edges { node { id project { name } subtasks { id } subtaskCount tags } }
  }
}`;

interface Node {
  id: string;
  project: { name: string } | null;
  subtasks: Array<{ id: string }>;
  subtaskCount: number;
  tags: string[];
}

describe('task list SQL statements', () => {
  let app: TestPlanningApp;
  let caller: TestCaller;
  const projectNames = new Map<string, string>();
  const subtasksOf = new Map<string, string[]>();

  beforeAll(async () => {
    app = await startTestPlanningApp();
    caller = aCaller();
    const projects: Array<{ id: string; name: string }> = [];
    for (let i = 0; i < 5; i++) projects.push(await createProject(app, caller, { name: `project ${i}` }));
    const parents = await createTasks(app, caller, 60, (i) => ({ projectId: projects[i % 5]!.id, tags: [`t${i % 3}`, 'all'] }));
    parents.forEach((p, i) => projectNames.set(p.id, projects[i % 5]!.name));
    // Every parent gets one or two subtasks, so every relation on every row is non-empty.
    const subtasks = await createTasks(app, caller, 90, (i) => ({ parentId: parents[i % 60]!.id, title: `sub ${i}` }));
    subtasks.forEach((s, i) => {
      const parent = parents[i % 60]!.id;
      subtasksOf.set(parent, [...(subtasksOf.get(parent) ?? []), s.id]);
    });
  });
  afterAll(async () => app?.close());

  async function measure(first: number): Promise<{ statements: number; nodes: Node[] }> {
    app.queries.reset();
    const data = await app.ok<{ tasks: { edges: Array<{ node: Node }> } }>(caller, PAGE_WITH_RELATIONS, { first });
    const statements = app.queries.count;
    return { statements, nodes: data.tasks.edges.map((e) => e.node) };
  }

  it('when a page of 50 tasks asks for project, subtasks, subtaskCount and tags, then it costs the same few statements as a page of 5', async () => {
    const small = await measure(5);
    const large = await measure(50);
    console.log('[statements] tasks page 5 =', small.statements);
    console.log('[statements] tasks page 50 =', large.statements);

    expect(small.nodes).toHaveLength(5);
    expect(large.nodes).toHaveLength(50);
    for (const node of large.nodes) {
      expect(node.project?.name).toBe(projectNames.get(node.id));
      expect(node.subtasks.map((s) => s.id).sort()).toEqual([...subtasksOf.get(node.id)!].sort());
      expect(node.subtaskCount).toBe(subtasksOf.get(node.id)!.length);
      expect(node.tags).toContain('all');
    }
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBeLessThanOrEqual(5);
    expect(large.statements).toBeGreaterThan(0);
  });

  it('when totalCount is asked for as well, then it adds exactly one statement', async () => {
    const withoutCount = await measure(50);
    app.queries.reset();
    const data = await app.ok(caller, PAGE_WITH_RELATIONS.replace('edges {', 'totalCount edges {'), { first: 50 });
    console.log('[statements] tasks page 50 with totalCount =', app.queries.count);
    expect(data.tasks.totalCount).toBe(60);
    expect(app.queries.count).toBe(withoutCount.statements + 1);
  });
  // Every field of Project that comes from its row: a column missing from PROJECT_COLUMNS shows up here.
  const PROJECT_FIELDS = 'id name description color icon status owner { id } createdAt updatedAt version';

  it('when a page asks only for project and subtaskCount (the list screen), then it costs one statement and each value is the one a single-task read gives', async () => {
    app.queries.reset();
    const page = await app.ok<{ tasks: { edges: Array<{ node: { id: string; project: Record<string, unknown> | null; subtaskCount: number } }> } }>(
      caller,
      `{ tasks(first: 50, filter: { topLevel: true }) { edges { node { id title tags project { ${PROJECT_FIELDS} } subtaskCount } } } }`,
    );
    const statements = app.queries.count;
    console.log('[statements] tasks page 50 with project and subtaskCount =', statements);
    expect(statements).toBe(1);
    expect(page.tasks.edges).toHaveLength(50);
    for (const { node } of page.tasks.edges) {
      // task(id) reads the project and the count through the batch loaders, on statements of their own.
      const single = await app.ok<{ task: { project: Record<string, unknown> | null; subtaskCount: number } }>(
        caller,
        `query($id: ID!) { task(id: $id) { project { ${PROJECT_FIELDS} } subtaskCount } }`,
        { id: node.id },
      );
      expect(node.project).toEqual(single.task.project);
      expect(node.project?.name).toBe(projectNames.get(node.id));
      expect(node.subtaskCount).toBe(single.task.subtaskCount);
      expect(node.subtaskCount).toBe(subtasksOf.get(node.id)!.length);
    }
  });

  it('when a page asks for subtaskIds with project and subtaskCount (the REST list), then it is still one statement, the ids those of Task.subtasks in order', async () => {
    app.queries.reset();
    const page = await app.ok<{ tasks: { edges: Array<{ node: { id: string; subtaskIds: string[]; subtaskCount: number; project: { id: string } | null } }> } }>(
      caller,
      '{ tasks(first: 50, filter: { topLevel: true }) { edges { node { id subtaskIds subtaskCount project { id } } } } }',
    );
    expect(app.queries.count).toBe(1);
    expect(page.tasks.edges).toHaveLength(50);
    const single = await app.ok<{ tasks: { edges: Array<{ node: { id: string; subtasks: Array<{ id: string }> } }> } }>(
      caller,
      '{ tasks(first: 50, filter: { topLevel: true }) { edges { node { id subtasks { id } } } } }',
    );
    const subtasksInOrder = new Map(single.tasks.edges.map(({ node }) => [node.id, node.subtasks.map((s) => s.id)]));
    for (const { node } of page.tasks.edges) {
      expect(node.subtaskIds).toEqual(subtasksInOrder.get(node.id));
      expect([...node.subtaskIds].sort()).toEqual([...subtasksOf.get(node.id)!].sort());
      expect(node.subtaskCount).toBe(node.subtaskIds.length);
    }
  });

  it('when subtasks are listed with parent { id } only, then the parent is not read (one statement); with more of it, then it is', async () => {
    const parentOf = new Map([...subtasksOf].flatMap(([parent, subs]) => subs.map((sub) => [sub, parent] as const)));
    app.queries.reset();
    const ids = await app.ok<{ tasks: { edges: Array<{ node: { id: string; parent: { id: string } } }> } }>(
      caller,
      '{ tasks(first: 50, filter: { topLevel: false }) { edges { node { id parent { id } } } } }',
    );
    expect(app.queries.count).toBe(1);
    expect(ids.tasks.edges).toHaveLength(50);
    for (const { node } of ids.tasks.edges) expect(node.parent.id).toBe(parentOf.get(node.id));

    app.queries.reset();
    const titled = await app.ok<{ tasks: { edges: Array<{ node: { id: string; parent: { id: string; title: string } } }> } }>(
      caller,
      '{ tasks(first: 50, filter: { topLevel: false }) { edges { node { id parent { id title } } } } }',
    );
    expect(app.queries.count).toBe(2);
    for (const { node } of titled.tasks.edges) expect(node.parent).toEqual({ id: parentOf.get(node.id), title: expect.any(String) });
  });

  it('when project and subtaskCount come through fragments and aliases, then they are still read in the page statement', async () => {
    app.queries.reset();
    const page = await app.ok<{ tasks: { edges: Array<{ node: { id: string; p: { name: string } | null; n: number } }> } }>(
      caller,
      `query { tasks(first: 20, filter: { topLevel: true }) { edges { ...Edge } } }
       fragment Edge on TaskEdge { node { id ... on Task { p: project { name } } ...Counts } }
       fragment Counts on Task { n: subtaskCount }`,
    );
    expect(app.queries.count).toBe(1);
    expect(page.tasks.edges).toHaveLength(20);
    for (const { node } of page.tasks.edges) {
      expect(node.p?.name).toBe(projectNames.get(node.id));
      expect(node.n).toBe(subtasksOf.get(node.id)!.length);
    }
  });

  it('when the tasks of a page have no project and no subtasks, then project is null and subtaskCount 0, still in one statement', async () => {
    const loner = aCaller();
    await createTasks(app, loner, 8, (i) => ({ title: `loose ${i}` }));
    app.queries.reset();
    const page = await app.ok<{ tasks: { edges: Array<{ node: { project: unknown; subtaskCount: number } }> } }>(
      loner,
      '{ tasks(first: 30) { edges { node { project { name } subtaskCount } } } }',
    );
    expect(app.queries.count).toBe(1);
    expect(page.tasks.edges).toHaveLength(8);
    expect(page.tasks.edges.map((e) => [e.node.project, e.node.subtaskCount])).toEqual(page.tasks.edges.map(() => [null, 0]));
  });
  /** Every page of the list, forward with first/after or backward with last/before, as ids in list order. */
  async function walk(nodeFields: string, args: { filter?: Record<string, unknown>; orderBy: Record<string, string> }, backward: boolean): Promise<string[]> {
    const query = `query($filter: TaskFilter, $orderBy: TaskOrder, $first: Int, $after: String, $last: Int, $before: String) {
      tasks(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
        edges { node { ${nodeFields} } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
    const pages: string[][] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 100; guard++) {
      const { tasks } = await app.ok<{
        tasks: { edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string; endCursor: string } };
      }>(caller, query, { ...args, ...(backward ? { last: 7, before: cursor } : { first: 7, after: cursor }) });
      pages.push(tasks.edges.map((e) => e.node.id));
      if (!(backward ? tasks.pageInfo.hasPreviousPage : tasks.pageInfo.hasNextPage)) break;
      cursor = backward ? tasks.pageInfo.startCursor : tasks.pageInfo.endCursor;
    }
    return (backward ? pages.reverse() : pages).flat();
  }

  it('when pages that read project and subtaskCount are walked in every order, both ways and filtered, then they hold the same tasks in the same order as pages that read neither', async () => {
    const orders = ['CREATED_AT', 'UPDATED_AT', 'DUE_DATE', 'PRIORITY', 'POSITION', 'TITLE'].flatMap((field) => ['ASC', 'DESC'].map((direction) => ({ field, direction })));
    for (const [i, orderBy] of orders.entries()) {
      const filter = [undefined, { tag: 't1' }, { search: 'sub 1' }, { topLevel: true }][i % 4];
      for (const backward of [false, true]) {
        const plain = await walk('id', { filter, orderBy }, backward);
        const withExtras = await walk('id project { name } subtaskCount', { filter, orderBy }, backward);
        expect(plain.length).toBeGreaterThan(7);
        expect(withExtras, `${orderBy.field} ${orderBy.direction} ${JSON.stringify(filter)} ${backward ? 'backward' : 'forward'}`).toEqual(plain);
      }
    }
  });
});
