import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../../src/modules/common/caller.js';
import { CursorCodec } from '../../../src/modules/common/cursor.js';
import { PLANNING_ENTITIES } from '../../../src/modules/planning-entities.js';
import { ProjectService } from '../../../src/modules/projects/project.service.js';
import { TaskService } from '../../../src/modules/tasks/task.service.js';
import { migrateToLatest, openOrm } from '../../../src/platform/db/orm.js';
import { createTestDatabase, type TestDatabase } from '../../testkit/test-database.js';

const codec = new CursorCodec('test-cursor-secret-0123456789');
const caller = (orgId: string): Caller => ({ userId: 'u-1', orgId, roles: ['admin'] });
const STATUSES = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'ARCHIVED'] as const;

/** A small deterministic generator, so a failing mix can be replayed. */
function sequence(seed: number) {
  let state = seed;
  return (n: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
}

/**
 * `planning_task_counts` (kept by triggers on `planning_tasks`) against `count(*)` after concurrent writes of every
 * kind on real PostgreSQL: creates (single and batches across projects), status and project changes, completions,
 * moves, deletes with their subtasks, project deletes (tasks detached) and archives.
 */
describe('kept task counts under concurrent writes', () => {
  let database: TestDatabase;
  let orm: MikroORM;
  const tasks = () => new TaskService(orm.em.fork(), codec);
  const projects = () => new ProjectService(orm.em.fork(), codec);

  beforeAll(async () => {
    database = await createTestDatabase();
    orm = await openOrm({ entities: PLANNING_ENTITIES, clientUrl: database.url, poolMax: database.kind === 'embedded' ? 1 : 8 });
    await migrateToLatest(orm);
  });
  afterAll(async () => {
    await orm?.close(true);
    await database?.drop();
  });

  const rows = (sql: string, params: unknown[] = []) => orm.em.fork().execute<Array<Record<string, any>>>(sql, params);
  /** Per (org, project, status): the kept count (zero rows dropped) and the counted one. */
  const keptAndCounted = async () => ({
    kept: await rows(`select org_id, project_id, status, tasks::int as n from planning_task_counts where tasks <> 0 order by 1, 2 nulls first, 3`),
    counted: await rows(`select org_id, project_id, status, count(*)::int as n from planning_tasks group by 1, 2, 3 order by 1, 2 nulls first, 3`),
  });

  it('when creates, updates, completions, moves, deletes and project deletes run concurrently in two orgs, then every kept count equals count(*), and totalCount reads it', async () => {
    const orgs = ['org-a', 'org-b'];
    const projectIds = new Map<string, string[]>();
    for (const org of orgs) {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push((await projects().createProject(caller(org), { name: `p${i}` })).id);
      projectIds.set(org, ids);
    }
    const live = new Map<string, string[]>(orgs.map((org) => [org, []]));
    const next = sequence(24);
    const pick = <T>(list: readonly T[]) => list[next(list.length)]!;
    const failures: unknown[] = [];

    const operation = async (org: string): Promise<void> => {
      const ids = live.get(org)!;
      const projectOrNone = () => (next(5) === 0 ? null : pick(projectIds.get(org)!));
      const kind = ids.length < 10 ? 0 : next(9);
      if (kind <= 1) {
        const created = await tasks().createTasks(
          caller(org),
          Array.from({ length: 1 + next(4) }, (_, i) => ({ title: `t${i}`, status: pick(STATUSES), projectId: projectOrNone() })),
        );
        ids.push(...created.map((t) => t.id));
      } else if (kind === 2) {
        const parent = pick(ids);
        const sub = await tasks().createTask(caller(org), { title: 'sub', parentId: parent, status: pick(STATUSES) });
        ids.push(sub.id);
      } else if (kind === 3) {
        await tasks().updateTask(caller(org), pick(ids), { status: pick(STATUSES), projectId: projectOrNone() });
      } else if (kind === 4) {
        await tasks().completeTask(caller(org), pick(ids));
      } else if (kind === 5) {
        await tasks().moveTask(caller(org), pick(ids), { projectId: projectOrNone(), position: next(5) });
      } else if (kind === 6) {
        await tasks().reopenTask(caller(org), pick(ids));
      } else if (kind === 7) {
        await tasks().updateTask(caller(org), pick(ids), { status: 'ARCHIVED' });
      } else {
        const id = pick(ids);
        ids.splice(ids.indexOf(id), 1);
        await tasks().deleteTask(caller(org), id);
      }
    };
    // A subtask created under a parent that a concurrent delete removes fails on the parent's foreign key (the
    // parent check does not lock it): refused, nothing written, so nothing to count either.
    const tolerated = (error: unknown) =>
      ['NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT'].includes((error as { code?: string }).code ?? '') || (error as Error).name === 'ForeignKeyConstraintViolationException';

    for (let wave = 0; wave < 12; wave++) {
      const settled = await Promise.allSettled(Array.from({ length: 16 }, (_, i) => operation(orgs[i % 2]!)));
      // A task deleted by one operation (or with its parent) is missing for another: answered as such, not counted wrong.
      failures.push(...settled.flatMap((s) => (s.status === 'rejected' && !tolerated(s.reason) ? [s.reason] : [])));
      if (wave === 8) {
        // A project deleted while tasks are written: its tasks are detached (a referential action on planning_tasks).
        const gone = projectIds.get('org-a')!.shift()!;
        await projects().deleteProject(caller('org-a'), gone);
      }
    }
    expect(failures).toEqual([]);

    const { kept, counted } = await keptAndCounted();
    expect(counted.length).toBeGreaterThan(8);
    expect(kept).toEqual(counted);

    // totalCount of counted filters reads the kept counts and says what count(*) says.
    for (const org of orgs) {
      const total = async (filter: Record<string, unknown>) => (await tasks().listTasks(caller(org), { first: 1, filter })).totalCount();
      const count = async (where: string, params: unknown[]) => Number((await rows(`select count(*)::int as n from planning_tasks where org_id = ? ${where}`, [org, ...params]))[0]!.n);
      const project = projectIds.get(org)!.at(-1)!;
      expect(await total({})).toBe(await count('', []));
      expect(await total({ status: ['COMPLETED', 'PENDING'] })).toBe(await count(`and status in ('COMPLETED', 'PENDING')`, []));
      expect(await total({ projectId: project, status: ['ARCHIVED'] })).toBe(await count(`and project_id = ? and status = 'ARCHIVED'`, [project]));
      expect(await total({ withoutProject: true })).toBe(await count('and project_id is null', []));
    }
  }, 120_000);

  it('when a write is rolled back, then its counts are too; when the table is truncated, then the counts are emptied', async () => {
    const before = await keptAndCounted();
    await expect(
      orm.em.fork().transactional(async (em) => {
        await em.execute(
          `insert into planning_tasks (id, org_id, owner_id, title, title_key, status, priority, position, created_at, updated_at)
           values (gen_random_uuid(), 'org-a', 'u', 'x', 'x', 'PENDING', 2, 0, now(), now())`,
        );
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');
    expect(await keptAndCounted()).toEqual(before);

    await rows('truncate planning_tasks cascade');
    expect(await rows('select * from planning_task_counts')).toEqual([]);
  });
});
