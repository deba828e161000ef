import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CursorCodec } from '../../../src/modules/common/cursor.js';
import { PLANNING_ENTITIES } from '../../../src/modules/planning-entities.js';
import { taskFilter, taskOrder } from '../../../src/modules/tasks/task.inputs.js';
import { TaskRepository } from '../../../src/modules/tasks/task.repository.js';
import { migrateToLatest, openOrm } from '../../../src/platform/db/orm.js';
import { createTestDatabase, type TestDatabase } from '../../testkit/test-database.js';

/**
 * The plans of the list statements, read with EXPLAIN (ANALYZE, BUFFERS) on a database holding an org of 40,000
 * tasks (the bench's shape: 20 projects, one status per project, one task in ten a subtask) and another of 10,000:
 * enough rows that a list walking the org's rows, or the table's, reads thousands where a page needs 21.
 */
const ORG = 'org-big';
const TASKS = 40_000;
/** A page reads its 21 rows (page size + 1) and some index entries of rows it skips; far below any walk of the org. */
const ORDERED_BOUND = 100;
/** Rows of one project of the org (a twentieth): a list that reads them and sorts them is bounded by its project. */
const PROJECT_BOUND = TASKS / 20 + 100;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** The scans of one table in a plan, with the rows each read (returned and removed by its filter). */
function scansOf(plan: PlanNode, table: string): Array<{ type: string; index?: string; rowsRead: number }> {
  const own =
    plan['Relation Name'] === table
      ? [
          {
            type: plan['Node Type'],
            index: plan['Index Name'],
            rowsRead: (plan['Actual Rows'] + (plan['Rows Removed by Filter'] ?? 0) + (plan['Rows Removed by Index Recheck'] ?? 0)) * plan['Actual Loops'],
          },
        ]
      : [];
  return [...own, ...(plan.Plans ?? []).flatMap((child) => scansOf(child, table))];
}

describe('task list plans on PostgreSQL', () => {
  let database: TestDatabase;
  let orm: MikroORM;
  let project: string;
  let presentStatus: string;
  let absentStatus: string;
  let parent: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    orm = await openOrm({ entities: PLANNING_ENTITIES, clientUrl: database.url, poolMax: 2 });
    await migrateToLatest(orm);
    const em = orm.em.fork();
    for (const [org, tasks] of [[ORG, TASKS], ['org-other', 10_000]] as const) {
      await em.execute(
        `insert into planning_projects (id, org_id, name, status, owner_id, created_at, updated_at)
         select gen_random_uuid(), ?, 'Project ' || g, 'ACTIVE', 'owner-1', now(), now() from generate_series(1, 20) g`,
        [org],
      );
      await em.execute(
        `with projects as (select id, row_number() over (order by id) - 1 as n from planning_projects where org_id = ?)
         insert into planning_tasks (id, org_id, title, title_key, status, priority, due_date, tags, position, project_id, owner_id, assignee_id, metadata, created_at, updated_at)
         select gen_random_uuid(), ?, 'Task ' || g, 'task ' || g, (array['PENDING','IN_PROGRESS','COMPLETED','ARCHIVED'])[1 + g % 4], 1 + g % 4,
                case when g % 3 = 0 then null else now() + (g % 90) * interval '1 day' end, array['tag-' || (g % 7)], g / 20, p.id,
                case when g % 200 = 0 then 'owner-rare' else 'owner-1' end, case when g % 100 = 0 then 'assignee-1' end,
                '{}', now() - g * interval '1 minute', now() - g * interval '1 second'
         from generate_series(1, ?::int) g join projects p on p.n = g % 20`,
        [org, org, tasks],
      );
    }
    await em.execute(`update planning_tasks set parent_id = (select id from planning_tasks where org_id = ? order by created_at limit 1) where org_id = ? and position % 500 = 7`, [ORG, ORG]);
    await em.execute('vacuum analyze planning_tasks');
    await em.execute('vacuum analyze planning_task_counts');
    const [row] = await em.execute<Array<{ project_id: string; status: string }>>(`select project_id, status from planning_tasks where org_id = ? order by project_id limit 1`, [ORG]);
    project = row!.project_id;
    presentStatus = row!.status;
    absentStatus = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'ARCHIVED'].find((s) => s !== presentStatus)!;
    const [withParent] = await em.execute<Array<{ parent_id: string }>>(`select parent_id from planning_tasks where org_id = ? and parent_id is not null limit 1`, [ORG]);
    parent = withParent!.parent_id;
  }, 120_000);
  afterAll(async () => {
    await orm?.close(true);
    await database?.drop();
  });

  /** The statements a list (its page, then its totalCount) sends, each with its EXPLAIN (ANALYZE, BUFFERS) plan. */
  async function plansOf(filter: Record<string, unknown>, order?: Record<string, unknown>) {
    const em = orm.em.fork();
    const statements: string[] = [];
    const knexClient = em.getKnex().client as { on(event: 'query', listener: (query: { sql: string }) => void): void; off(event: 'query', listener: (query: { sql: string }) => void): void };
    const listener = (query: { sql: string }) => statements.push(query.sql);
    knexClient.on('query', listener);
    try {
      const page = await new TaskRepository(em, new CursorCodec('test-cursor-secret-0123456789')).list(ORG, taskFilter.parse(filter), taskOrder.parse(order), { size: 20, direction: 'forward' } as never);
      await page.totalCount();
    } finally {
      knexClient.off('query', listener);
    }
    expect(statements).toHaveLength(2);
    const explain = async (sql: string) => (await em.execute<Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>>(`explain (analyze, buffers, format json) ${sql}`))[0]!['QUERY PLAN'][0]!.Plan;
    return { page: await explain(statements[0]!), count: await explain(statements[1]!), countSql: statements[1]! };
  }

  /** Every list shape the API has an index for, with the index that must serve its page and the rows it may read. */
  const shapes = () => [
    ...(['CREATED_AT', 'UPDATED_AT', 'DUE_DATE', 'PRIORITY', 'POSITION', 'TITLE'] as const).flatMap((field) =>
      (['ASC', 'DESC'] as const).map((direction) => ({ name: `no filter, ${field} ${direction}`, filter: {}, order: { field, direction }, bound: ORDERED_BOUND })),
    ),
    { name: 'status, CREATED_AT DESC', filter: { status: [presentStatus] }, order: undefined, index: 'planning_tasks_org_status_created_order_idx', bound: ORDERED_BOUND },
    { name: 'project, CREATED_AT DESC', filter: { projectId: project }, order: undefined, index: 'planning_tasks_project_created_idx', bound: ORDERED_BOUND },
    { name: 'project, DUE_DATE', filter: { projectId: project }, order: { field: 'DUE_DATE' }, index: 'planning_tasks_project_due_idx', bound: ORDERED_BOUND },
    { name: 'project, POSITION', filter: { projectId: project }, order: { field: 'POSITION' }, index: 'planning_tasks_project_position_idx', bound: ORDERED_BOUND },
    { name: 'project + status, CREATED_AT DESC', filter: { projectId: project, status: [presentStatus] }, order: undefined, index: 'planning_tasks_project_status_created_idx', bound: ORDERED_BOUND },
    { name: 'project + status, DUE_DATE', filter: { projectId: project, status: [presentStatus] }, order: { field: 'DUE_DATE' }, index: 'planning_tasks_project_status_due_idx', bound: ORDERED_BOUND },
    { name: 'project + status matching nothing, DUE_DATE', filter: { projectId: project, status: [absentStatus] }, order: { field: 'DUE_DATE' }, index: 'planning_tasks_project_status_due_idx', bound: ORDERED_BOUND },
    { name: 'assignee, CREATED_AT DESC', filter: { assigneeId: 'assignee-1' }, order: undefined, index: 'planning_tasks_assignee_created_idx', bound: ORDERED_BOUND },
    { name: 'owner, CREATED_AT DESC', filter: { ownerId: 'owner-rare' }, order: undefined, index: 'planning_tasks_owner_created_idx', bound: ORDERED_BOUND },
    { name: 'parent, POSITION', filter: { parentId: parent }, order: { field: 'POSITION' }, index: 'planning_tasks_parent_idx', bound: ORDERED_BOUND },
    { name: 'due before, DUE_DATE', filter: { dueBefore: new Date(Date.now() + 86_400_000).toISOString() }, order: { field: 'DUE_DATE' }, bound: ORDERED_BOUND },
    { name: 'due after, DUE_DATE', filter: { dueAfter: new Date(Date.now() + 80 * 86_400_000).toISOString() }, order: { field: 'DUE_DATE' }, bound: ORDERED_BOUND },
    ...(['UPDATED_AT', 'PRIORITY', 'TITLE'] as const).map((field) => ({ name: `project, ${field}`, filter: { projectId: project }, order: { field }, bound: PROJECT_BOUND })),
    ...(['UPDATED_AT', 'PRIORITY', 'POSITION', 'TITLE'] as const).map((field) => ({ name: `project + status, ${field}`, filter: { projectId: project, status: [presentStatus] }, order: { field }, bound: PROJECT_BOUND })),
  ];

  it('when any list shape with an index is paged, then its page is an index scan of planning_tasks that reads a bounded number of rows', async () => {
    const seen: string[] = [];
    for (const shape of shapes()) {
      const { page } = await plansOf(shape.filter, shape.order);
      const scans = scansOf(page, 'planning_tasks');
      const read = scans.reduce((sum, scan) => sum + scan.rowsRead, 0);
      seen.push(`${shape.name}: ${scans.map((s) => `${s.type} ${s.index ?? ''}`).join(' + ')}, ${read} rows read`);
      expect.soft(scans.length, shape.name).toBeGreaterThan(0);
      expect.soft(scans.filter((scan) => scan.type === 'Seq Scan'), shape.name).toEqual([]);
      if ('index' in shape && shape.index) expect.soft(scans.map((scan) => scan.index), shape.name).toContain(shape.index);
      expect.soft(read, `${shape.name} read ${read} rows`).toBeLessThanOrEqual(shape.bound);
    }
    console.log(`[plans]\n${seen.join('\n')}`);
  });

  it('when a list filtered by status and/or project (or none) is counted, then the count reads the kept counts, not the tasks', async () => {
    for (const filter of [{}, { status: [presentStatus] }, { projectId: project }, { projectId: project, status: [presentStatus, absentStatus] }, { withoutProject: true }]) {
      const { count, countSql } = await plansOf(filter);
      expect(countSql, JSON.stringify(filter)).toContain('planning_task_counts');
      expect(scansOf(count, 'planning_tasks'), JSON.stringify(filter)).toEqual([]);
      expect(scansOf(count, 'planning_task_counts').reduce((sum, scan) => sum + scan.rowsRead, 0)).toBeLessThanOrEqual(4 * 21);
    }
  });

  it('when a list with another filter is counted, then it counts the matching rows through an index, without a Seq Scan', async () => {
    for (const filter of [{ assigneeId: 'assignee-1' }, { ownerId: 'owner-rare', status: [presentStatus] }, { projectId: project, priority: ['HIGH'] }]) {
      const { count } = await plansOf(filter);
      const scans = scansOf(count, 'planning_tasks');
      expect(scans.length).toBeGreaterThan(0);
      expect(scans.filter((scan) => scan.type === 'Seq Scan'), JSON.stringify(filter)).toEqual([]);
      expect(scans.reduce((sum, scan) => sum + scan.rowsRead, 0), JSON.stringify(filter)).toBeLessThanOrEqual(PROJECT_BOUND);
    }
  });
});
