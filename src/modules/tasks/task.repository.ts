import { type Knex, LockMode, type SqlEntityManager } from '@mikro-orm/postgresql';
import type { Connection } from '../common/connection.js';
import { type CursorCodec, listFingerprint } from '../common/cursor.js';
import { cursorOf, fetchKeysetPage, lazyEdges, lazyPageInfo, orderByOf } from '../common/keyset-page.js';
import { MAX_SUBTASKS, type PageRequest } from '../common/page-args.js';
import { type Task, TaskSchema } from './task.entity.js';
import type { TaskFilter, TaskOrder } from './task.inputs.js';
import { priorityRank } from './task.values.js';
import { taskFromRow, type TaskRow } from './task.rows.js';
import { taskSortKey } from './task.sorts.js';
import { isCountedFilter, TaskCounts } from './task.counts.js';

export { taskFromRow } from './task.rows.js';
import { compareText } from '../common/compare-text.js';
import type { Project } from '../projects/project.entity.js';
import { PROJECT_COLUMNS, projectFromRow } from '../projects/project.repository.js';

/**
 * What a page of tasks can read in its own statement, handed over row by row: the task's project (when it has one)
 * and its number of direct subtasks. The GraphQL layer primes its batch loaders with them.
 */
export interface TaskPageExtras {
  project?: (project: Project) => void;
  subtaskCount?: (taskId: string, count: number) => void;
  /** The ids of the task's first {@link MAX_SUBTASKS} direct subtasks, in position order. */
  subtaskIds?: (taskId: string, ids: string[]) => void;
}

/** Column names of the extras; the prefix keeps them apart from the task's own columns. */
const SUBTASK_COUNT = '__subtask_count';
const SUBTASK_IDS = '__subtask_ids';
const PROJECT_PREFIX = '__project_';
/** Each project column with its name in the page's row (built once: this runs for every row of a page). */
const PREFIXED_PROJECT_COLUMNS = PROJECT_COLUMNS.map((column) => [column, `${PROJECT_PREFIX}${column}`] as const);
const PREFIXED_PROJECT_ID = `${PROJECT_PREFIX}id`;

/** Where positions are handed out: the tasks of one project of an org, or its tasks outside any project. */
export interface PositionScope {
  orgId: string;
  projectId: string | null;
}

/** The advisory lock that serialises position changes in a scope (see {@link TaskRepository.lockPositionScope}). */
const positionLockKey = (orgId: string, projectId: string | null) => `planning_tasks:${orgId}:${projectId ?? '-'}`;

/** One string per scope, for maps and sets of scopes. */
export const positionScopeKey = (scope: PositionScope) => `${scope.orgId}\u0000${scope.projectId ?? ''}`;

/** The due-date order's expression (TASK_SORTS.DUE_DATE), as its indexes hold it. */
const DUE = `coalesce(due_date, 'infinity'::timestamptz)`;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** All SQL about tasks. Every method is scoped to one org. */
export class TaskRepository {
  constructor(
    private readonly em: SqlEntityManager,
    private readonly codec: CursorCodec,
  ) {}

  private get knex(): Knex {
    return this.em.getKnex();
  }

  private toTask = (raw: Record<string, unknown>): TaskRow => taskFromRow(raw);

  /** The task, as a plain row, or null when it is not in the org. */
  async findById(orgId: string, id: string): Promise<Task | null> {
    return (await this.findByIds(orgId, [id]))[0] ?? null;
  }

  /** The task as a tracked entity, its row locked until the transaction ends (for a change), or null. */
  async findForUpdate(orgId: string, id: string): Promise<Task | null> {
    return this.em.findOne(TaskSchema, { id, orgId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  }

  async exists(orgId: string, id: string): Promise<boolean> {
    return (await this.em.count(TaskSchema, { orgId, id })) > 0;
  }

  /** Writes new tasks in one statement (plain values; nothing is tracked by the unit of work). */
  async insertAll(tasks: Task[]): Promise<void> {
    if (tasks.length > 0) await this.em.insertMany(TaskSchema, tasks);
  }

  /** Read-only lookups (loaders, parents of new tasks): plain rows, not tracked by the unit of work. */
  async findByIds(orgId: string, ids: readonly string[]): Promise<Task[]> {
    if (ids.length === 0) return [];
    const rows = await this.em.execute<Record<string, unknown>[]>(this.knex('planning_tasks').where('org_id', orgId).whereIn('id', [...ids]));
    return rows.map(taskFromRow);
  }

  /** The first `perParent` direct subtasks of several parents in one statement, in position order. */
  async findSubtasks(orgId: string, parentIds: readonly string[], perParent: number): Promise<Task[]> {
    const ranked = this.knex('planning_tasks')
      .select('*', this.knex.raw('row_number() over (partition by parent_id order by position, id) as subtask_rank'))
      .where('org_id', orgId)
      .whereIn('parent_id', [...parentIds]);
    const rows = await this.em.execute<Record<string, unknown>[]>(
      this.knex.select('*').from(ranked.as('ranked')).where('subtask_rank', '<=', perParent).orderBy(['parent_id', 'subtask_rank']),
    );
    return rows.map(taskFromRow);
  }

  async countSubtasks(orgId: string, parentIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.em.execute<Array<{ parent_id: string; count: string }>>(
      this.knex('planning_tasks')
        .select('parent_id')
        .count({ count: '*' })
        .where('org_id', orgId)
        .whereIn('parent_id', [...parentIds])
        .groupBy('parent_id'),
    );
    return new Map(rows.map((r) => [r.parent_id, Number(r.count)]));
  }

  /** Counts (all, completed) of several projects in one statement, from the kept counts ({@link TaskCounts}). */
  async countByProject(orgId: string, projectIds: readonly string[]): Promise<Map<string, { total: number; completed: number }>> {
    return new TaskCounts(this.em).totalAndCompletedByProject(orgId, projectIds);
  }

  /**
   * One keyset page of the org's tasks matching `filter`. With `extras` callbacks, the same statement also reads each
   * task's project and/or subtask count and hands them over, row by row; with none, the page is read alone.
   */
  async list(orgId: string, filter: TaskFilter, order: TaskOrder, page: PageRequest, extras?: TaskPageExtras): Promise<Connection<Task>> {
    const wanted = extras?.project || extras?.subtaskCount || extras?.subtaskIds ? extras : undefined;
    return fetchKeysetPage({
      em: this.em,
      filtered: () => this.filtered(orgId, filter),
      sort: taskSortKey(order),
      page,
      codec: this.codec,
      fingerprint: listFingerprint(['task', orgId, filter, order]),
      toRow: wanted ? (raw) => this.toTaskWithExtras(raw, wanted) : this.toTask,
      around: wanted ? (pageQuery, orderBy) => this.withExtras(pageQuery, orderBy, wanted) : undefined,
      count: isCountedFilter(filter) ? () => new TaskCounts(this.em).count(orgId, filter) : undefined,
    });
  }

  /**
   * The page's statement inside one that adds, for the page's rows only, the subtask count (a correlated count on
   * the parent index), the ids of its first subtasks (the same index) and the project's columns (a lateral lookup by primary key), both within the task's org.
   */
  private withExtras(pageQuery: Knex.QueryBuilder, orderBy: string, extras: TaskPageExtras): Knex.QueryBuilder {
    const outer = this.knex.select('page.*').from(pageQuery.as('page'));
    if (extras.subtaskCount) {
      outer.select(this.knex.raw(`(select count(*) from planning_tasks s where s.org_id = page.org_id and s.parent_id = page.id)::int as ${SUBTASK_COUNT}`));
    }
    if (extras.subtaskIds) {
      outer.select(
        this.knex.raw(
          `array(select s.id::text from planning_tasks s where s.org_id = page.org_id and s.parent_id = page.id order by s.position, s.id limit ${MAX_SUBTASKS}) as ${SUBTASK_IDS}`,
        ),
      );
    }
    if (extras.project) {
      const columns = PROJECT_COLUMNS.map((c) => `p.${c} as ${PROJECT_PREFIX}${c}`).join(', ');
      outer
        .select('related_project.*')
        .joinRaw(`left join lateral (select ${columns} from planning_projects p where p.org_id = page.org_id and p.id = page.project_id) as related_project on true`);
    }
    // The extra columns all carry the prefix, so the sort expression's bare names still mean the page's columns.
    return outer.orderByRaw(orderBy);
  }

  private toTaskWithExtras(raw: Record<string, unknown>, extras: TaskPageExtras): TaskRow {
    const task = this.toTask(raw);
    if (extras.subtaskCount) extras.subtaskCount(task.id, Number(raw[SUBTASK_COUNT]));
    if (extras.subtaskIds) extras.subtaskIds(task.id, raw[SUBTASK_IDS] as string[]);
    if (extras.project && raw[PREFIXED_PROJECT_ID] != null) {
      const projectRow: Record<string, unknown> = {};
      for (const [column, prefixed] of PREFIXED_PROJECT_COLUMNS) projectRow[column] = raw[prefixed];
      extras.project(projectFromRow(projectRow));
    }
    return task;
  }

  /**
   * The first page of several projects' task lists in one statement (a window function per project). Cursors of
   * these pages are those of `list` with `filter.projectId` set, so later pages continue through `list`.
   */
  async firstPagesByProject(
    orgId: string,
    projectIds: readonly string[],
    filter: TaskFilter,
    order: TaskOrder,
    size: number,
  ): Promise<Map<string, Connection<Task>>> {
    const sort = taskSortKey(order);
    const inner = this.filtered(orgId, filter)
      .select('*', this.knex.raw(`row_number() over (partition by project_id order by ${orderByOf(sort, sort.direction === 'ASC')}) as page_rank`))
      .whereIn('project_id', [...projectIds]);
    const raws = await this.em.execute<Array<Record<string, unknown>>>(
      this.knex.select('*').from(inner.as('ranked')).where('page_rank', '<=', size + 1).orderBy(['project_id', 'page_rank']),
    );
    const byProject = new Map<string, TaskRow[]>(projectIds.map((id) => [id, []]));
    for (const { page_rank: _rank, ...raw } of raws) byProject.get(raw.project_id as string)?.push(this.toTask(raw));

    return new Map(
      projectIds.map((projectId) => {
        const tasks = byProject.get(projectId) ?? [];
        const scoped = { ...filter, projectId };
        const fingerprint = listFingerprint(['task', orgId, scoped, order]);
        const edges = lazyEdges(tasks.slice(0, size), (node) => cursorOf(this.codec, sort, node, fingerprint));
        const connection: Connection<Task> = {
          edges,
          pageInfo: lazyPageInfo(edges, { hasNextPage: tasks.length > size, hasPreviousPage: false }),
          totalCount: async () => (await this.countMatching(orgId, filter, [projectId])).get(projectId) ?? 0,
        };
        return [projectId, connection];
      }),
    );
  }

  /** How many tasks matching `filter` each project has, in one statement. */
  async countMatching(orgId: string, filter: TaskFilter, projectIds: readonly string[]): Promise<Map<string, number>> {
    if (isCountedFilter(filter)) return new TaskCounts(this.em).countByProject(orgId, filter, projectIds);
    const rows = await this.em.execute<Array<{ project_id: string; count: string }>>(
      this.filtered(orgId, filter).select('project_id').count({ count: '*' }).whereIn('project_id', [...projectIds]).groupBy('project_id'),
    );
    return new Map(rows.map((r) => [r.project_id, Number(r.count)]));
  }

  private filtered(orgId: string, filter: TaskFilter): Knex.QueryBuilder {
    const q = this.knex('planning_tasks').where('org_id', orgId);
    if (filter.status?.length) q.whereIn('status', filter.status);
    if (filter.priority?.length) q.whereIn('priority', filter.priority.map(priorityRank));
    if (filter.projectId) q.where('project_id', filter.projectId);
    if (filter.withoutProject === true) q.whereNull('project_id');
    if (filter.withoutProject === false) q.whereNotNull('project_id');
    if (filter.parentId) q.where('parent_id', filter.parentId);
    if (filter.topLevel === true) q.whereNull('parent_id');
    if (filter.topLevel === false) q.whereNotNull('parent_id');
    if (filter.tag) q.whereRaw('tags @> array[?]::text[]', [filter.tag]);
    if (filter.assigneeId) q.where('assignee_id', filter.assigneeId);
    if (filter.ownerId) q.where('owner_id', filter.ownerId);
    // On the due-date order's expression, so a due range is a range of its index (a task without one never matches).
    if (filter.dueBefore) q.whereRaw(`${DUE} < ?::timestamptz`, [filter.dueBefore]);
    if (filter.dueAfter) q.whereRaw(`${DUE} >= ?::timestamptz and ${DUE} < 'infinity'::timestamptz`, [filter.dueAfter]);
    if (filter.search) q.whereRaw(`title ilike ? escape '\\'`, [`%${escapeLike(filter.search)}%`]);
    return q;
  }

  /**
   * Serialises position changes inside one (org, project) scope until the transaction ends, so concurrent
   * creates and moves never hand out the same position.
   */
  async lockPositionScope(orgId: string, projectId: string | null): Promise<void> {
    await this.em.execute('select pg_advisory_xact_lock(hashtext(?))', [positionLockKey(orgId, projectId)]);
  }

  /** Like {@link lockPositionScope} for several scopes of one org (see {@link lockPositionScopesOfOrgs}). */
  async lockPositionScopes(orgId: string, projectIds: ReadonlyArray<string | null>): Promise<void> {
    await this.lockPositionScopesOfOrgs(projectIds.map((projectId) => ({ orgId, projectId })));
  }

  /**
   * The position locks of scopes in one or several orgs, in one statement, always taken in the same order (by org,
   * then by project, no project first) so two callers cannot deadlock. Returns the scopes in that order.
   */
  async lockPositionScopesOfOrgs(scopes: ReadonlyArray<PositionScope>): Promise<PositionScope[]> {
    const unique = new Map(scopes.map((s) => [positionScopeKey(s), s]));
    const ordered = [...unique.values()].sort((a, b) => compareText(a.orgId, b.orgId) || compareText(a.projectId ?? '', b.projectId ?? ''));
    if (ordered.length === 0) return ordered;
    // unnest hands the keys out in array order, and the locks are taken row by row in that order.
    await this.em.execute(
      `select count(pg_advisory_xact_lock(hashtext(k))) from unnest(array[${ordered.map(() => '?').join(', ')}]::text[]) as k`,
      ordered.map((s) => positionLockKey(s.orgId, s.projectId)),
    );
    return ordered;
  }

  /**
   * The position after the last task of each scope, in one statement (one indexed max per scope), in the order
   * given. Call inside a transaction after {@link lockPositionScopesOfOrgs}.
   */
  async nextPositions(scopes: ReadonlyArray<PositionScope>): Promise<number[]> {
    if (scopes.length === 0) return [];
    const branches = scopes.map((s, i) =>
      s.projectId
        ? `select ${i} as i, max(position) as max from planning_tasks where org_id = ? and project_id = ?`
        : `select ${i} as i, max(position) as max from planning_tasks where org_id = ? and project_id is null`,
    );
    const rows = await this.em.execute<Array<{ i: number; max: number | null }>>(
      branches.join(' union all '),
      scopes.flatMap((s) => (s.projectId ? [s.orgId, s.projectId] : [s.orgId])),
    );
    const next = new Array<number>(scopes.length).fill(0);
    for (const row of rows) next[Number(row.i)] = row.max === null ? 0 : Number(row.max) + 1;
    return next;
  }

  /** The task's project id (null: none), or undefined when the task is not in the org. Reads without locking. */
  async findProjectIdOf(orgId: string, id: string): Promise<string | null | undefined> {
    const [row] = await this.em.execute<Array<{ project_id: string | null }>>(
      'select project_id from planning_tasks where org_id = ? and id = ?',
      [orgId, id],
    );
    return row ? row.project_id : undefined;
  }

  /** The position after the last task of the scope. Call inside a transaction after {@link lockPositionScope}. */
  async nextPosition(orgId: string, projectId: string | null): Promise<number> {
    const [next] = await this.nextPositions([{ orgId, projectId }]);
    return next!;
  }

  /**
   * Renumbers the scope's other tasks 0..n densely, leaving a gap at `index` for the moved task; returns the index
   * the moved task gets (clamped to the end). One statement for the renumbering.
   */
  async openGapForMove(orgId: string, projectId: string | null, movedTaskId: string, index: number): Promise<number> {
    const scope = projectId ? 'project_id = ?' : 'project_id is null';
    const scopeParams = projectId ? [projectId] : [];
    const rows = await this.em.execute<Array<{ total: string }>>(
      `with ordered as (
         select id, row_number() over (order by position, id) - 1 as rank
         from planning_tasks where org_id = ? and ${scope} and id <> ?
       ), renumbered as (
         update planning_tasks t
         set position = case when o.rank >= ? then o.rank + 1 else o.rank end
         from ordered o
         where t.id = o.id and t.position <> case when o.rank >= ? then o.rank + 1 else o.rank end
       )
       select count(*) as total from ordered`,
      [orgId, ...scopeParams, movedTaskId, index, index],
    );
    return Math.min(index, Number(rows[0]?.total ?? 0));
  }

  /** True when `candidateParentId` is `taskId` itself or one of its descendants (the link would make a cycle). */
  async wouldCreateCycle(orgId: string, taskId: string, candidateParentId: string): Promise<boolean> {
    const rows = await this.em.execute<Array<{ hit: number }>>(
      `with recursive ancestors(id, parent_id, depth) as (
         select id, parent_id, 0 from planning_tasks where org_id = ? and id = ?
         union all
         select t.id, t.parent_id, a.depth + 1 from planning_tasks t
         join ancestors a on t.id = a.parent_id
         where t.org_id = ? and a.depth < 1000
       )
       select 1 as hit from ancestors where id = ? limit 1`,
      [orgId, candidateParentId, orgId, taskId],
    );
    return rows.length > 0;
  }

  /** The task's id and all its descendants' ids, parents before children (empty when it is not in the org). */
  async findSelfAndDescendantIds(orgId: string, taskId: string): Promise<string[]> {
    const rows = await this.em.execute<Array<{ id: string }>>(
      `with recursive tree(id, depth) as (
         select id, 0 from planning_tasks where org_id = ? and id = ?
         union all
         select t.id, tree.depth + 1 from planning_tasks t join tree on t.parent_id = tree.id
         where t.org_id = ? and tree.depth < 1000
       )
       select id from tree order by depth`,
      [orgId, taskId, orgId],
    );
    return rows.map((r) => r.id);
  }

  /** Ids of the project's tasks (they are detached when the project is deleted). */
  async findIdsInProject(orgId: string, projectId: string): Promise<string[]> {
    const rows = await this.em.execute<Array<{ id: string }>>(
      'select id from planning_tasks where org_id = ? and project_id = ? order by position, id',
      [orgId, projectId],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Takes the project's tasks out of it, as a change of each (new version and updatedAt), so that clients comparing
   * versions see it; returns how many there were.
   */
  async detachFromProject(orgId: string, projectId: string, now: Date): Promise<number> {
    const detached = await this.em.execute<Array<{ id: string }>>(
      'update planning_tasks set project_id = null, version = version + 1, updated_at = ? where org_id = ? and project_id = ? returning id',
      [now, orgId, projectId],
    );
    return detached.length;
  }

  /** Deletes the task (its subtasks go with it, by foreign key); returns whether it existed in the org. */
  async delete(orgId: string, id: string): Promise<boolean> {
    const deleted = await this.em.nativeDelete(TaskSchema, { orgId, id });
    return deleted > 0;
  }
}
