import { randomUUID } from 'node:crypto';
import { LockMode, type SqlEntityManager } from '@mikro-orm/postgresql';
import { type Caller, assertCanRead, assertCanWrite } from '../common/caller.js';
import type { Connection } from '../common/connection.js';
import type { CursorCodec } from '../common/cursor.js';
import { IdempotencyRepository, requestHash } from '../common/idempotency.repository.js';
import { type PageArgs, parsePageArgs } from '../common/page-args.js';
import { entityId, parseEach, parseInput } from '../common/validators.js';
import { ProjectSchema } from '../projects/project.entity.js';
import {
  BadUserInputError,
  NotFoundError,
  VersionConflictError,
} from '../../platform/errors/planning-error.js';
import { type Task, TaskSchema } from './task.entity.js';
import {
  type CreateTaskInput,
  createTaskInput,
  expectedVersion as expectedVersionSchema,
  idempotencyKey as idempotencyKeySchema,
  moveTaskInput,
  taskFilter,
  taskOrder,
  updateTaskInput,
} from './task.inputs.js';
import { type TaskPageExtras, TaskRepository } from './task.repository.js';
import { eventsForTaskChange, snapshotTask, type TaskCreationSource, taskCreated, taskDeleted } from './task.events.js';
import { appendToOutbox } from '../../platform/outbox/outbox.repository.js';
import { UseCaseService } from '../common/service-options.js';
import { applyStatus } from './task.rules.js';
import { type TaskActivity, taskCompletion } from './task.activity.js';

export const MAX_BULK_CREATE = 100;

function assertEventTaskCount(rawInputs: unknown[]): void {
  if (rawInputs.length === 0 || rawInputs.length > MAX_BULK_CREATE) {
    throw BadUserInputError.of('inputs', `must hold between 1 and ${MAX_BULK_CREATE} tasks`);
  }
}

/** The inputs of the tasks an inbound event creates, checked exactly as {@link TaskService.createTasksFromEvent} checks them. */
export function parseEventTaskInputs(actor: Caller, rawInputs: unknown[]): CreateTaskInput[] {
  assertEventTaskCount(rawInputs);
  assertCanWrite(actor);
  return parseEach(createTaskInput, rawInputs, (i) => `inputs.${i}`);
}

/** Task use cases. One instance per request (it holds the request's EntityManager). */
export class TaskService extends UseCaseService {

  async getTask(caller: Caller, id: string): Promise<Task | null> {
    assertCanRead(caller);
    const taskId = parseInput(entityId, id, 'id');
    return this.em.findOne(TaskSchema, { id: taskId, orgId: caller.orgId });
  }

  async listTasks(caller: Caller, args: PageArgs & { filter?: unknown; orderBy?: unknown }, extras?: TaskPageExtras): Promise<Connection<Task>> {
    assertCanRead(caller);
    const filter = parseInput(taskFilter, args.filter, 'filter');
    const order = parseInput(taskOrder, args.orderBy, 'orderBy');
    return new TaskRepository(this.em, this.codec).list(caller.orgId, filter, order, parsePageArgs(args), extras);
  }

  async createTask(caller: Caller, rawInput: unknown, rawKey?: string | null): Promise<Task> {
    const [task] = await this.createMany(caller, [rawInput], rawKey, 'createTask', 'input');
    return task!;
  }

  /** Creates 1..100 tasks in one transaction: every task is written or none is. */
  async createTasks(caller: Caller, rawInputs: unknown[], rawKey?: string | null): Promise<Task[]> {
    if (rawInputs.length === 0 || rawInputs.length > MAX_BULK_CREATE) {
      throw BadUserInputError.of('inputs', `must hold between 1 and ${MAX_BULK_CREATE} tasks`);
    }
    return this.createMany(caller, rawInputs, rawKey, 'createTasks', 'inputs');
  }

  /**
   * Creates tasks on behalf of `actor` for an inbound event (source `call_callback`, `ai_workflow`); runs in the
   * transaction this service was built with, so the inbox record, the tasks and their events commit together.
   */
  async createTasksFromEvent(actor: Caller, rawInputs: unknown[], source: TaskCreationSource): Promise<Task[]> {
    assertEventTaskCount(rawInputs);
    return this.createMany(actor, rawInputs, undefined, 'createTasks', 'inputs', source);
  }

  private async createMany(
    caller: Caller,
    rawInputs: unknown[],
    rawKey: string | null | undefined,
    operation: string,
    field: 'input' | 'inputs',
    source: TaskCreationSource = 'api',
  ): Promise<Task[]> {
    assertCanWrite(caller);
    const key = parseInput(idempotencyKeySchema, rawKey, 'idempotencyKey');
    const inputs = parseEach(createTaskInput, rawInputs, (i) => (field === 'input' ? 'input' : `inputs.${i}`));

    const activity: TaskActivity[] = [];
    const created = await this.writeTransaction(caller.orgId, async (em) => {
      const scope = key ? { orgId: caller.orgId, userId: caller.userId, operation, key } : undefined;
      const idempotency = new IdempotencyRepository(em);
      if (scope) {
        const claim = await idempotency.claim(scope, requestHash(rawInputs));
        if (claim.kind === 'replay') return this.replay(em, caller, claim.resultIds);
      }
      const tasks = await new TaskFactory(em, this.codec, caller, this.now()).createAll(inputs, field);
      await em.flush();
      await appendToOutbox(em, this.actor(caller), tasks.map((task) => taskCreated(task, source)));
      if (scope) await idempotency.recordResult(scope, tasks.map((t) => t.id));
      activity.push(...tasks.map(() => ({ kind: 'created' as const, source })));
      return tasks;
    });
    this.options.onTaskActivity?.(activity);
    return created;
  }

  private async replay(em: SqlEntityManager, caller: Caller, ids: string[]): Promise<Task[]> {
    const found = await new TaskRepository(em, this.codec).findByIds(caller.orgId, ids);
    const byId = new Map(found.map((t) => [t.id, t]));
    return ids.map((id) => {
      const task = byId.get(id);
      if (!task) throw new NotFoundError('Task', id, 'idempotencyKey');
      return task;
    });
  }

  async updateTask(caller: Caller, id: string, rawInput: unknown, rawExpectedVersion?: number | null): Promise<Task> {
    assertCanWrite(caller);
    const input = parseInput(updateTaskInput, rawInput, 'input');
    const lockFirst =
      input.projectId === undefined
        ? undefined
        : (em: SqlEntityManager, taskId: string) => lockPositionScopesOf(em, this.codec, caller.orgId, taskId, input.projectId);
    return this.changeTask(caller, id, rawExpectedVersion, async (task, em) => {
      const repository = new TaskRepository(em, this.codec);
      const { status, projectId, parentId, ...plain } = input;
      for (const [name, value] of Object.entries(plain)) {
        if (value !== undefined) (task as Record<string, unknown>)[name] = value;
      }
      if (status) applyStatus(task, status, this.now());
      if (parentId !== undefined && parentId !== task.parentId) {
        if (parentId !== null) await assertParentAllowed(em, repository, caller.orgId, task.id, parentId, 'input.parentId');
        task.parentId = parentId;
      }
      if (projectId !== undefined && projectId !== task.projectId) {
        if (projectId !== null) await assertProjectExists(em, caller.orgId, projectId, 'input.projectId');
        await repository.lockPositionScope(caller.orgId, projectId);
        task.position = await repository.nextPosition(caller.orgId, projectId);
        task.projectId = projectId;
      }
    }, lockFirst);
  }

  async completeTask(caller: Caller, id: string, actualMinutes?: number | null, rawExpectedVersion?: number | null): Promise<Task> {
    assertCanWrite(caller);
    const minutes = parseInput(updateTaskInput.shape.actualMinutes, actualMinutes, 'actualMinutes');
    return this.changeTask(caller, id, rawExpectedVersion, async (task) => {
      applyStatus(task, 'COMPLETED', this.now());
      if (minutes !== undefined && minutes !== null) task.actualMinutes = minutes;
    });
  }

  /** COMPLETED or ARCHIVED back to PENDING; a task that is already open is left as it is. */
  async reopenTask(caller: Caller, id: string, rawExpectedVersion?: number | null): Promise<Task> {
    assertCanWrite(caller);
    return this.changeTask(caller, id, rawExpectedVersion, async (task) => {
      if (task.status === 'COMPLETED' || task.status === 'ARCHIVED') applyStatus(task, 'PENDING', this.now());
    });
  }

  /** Puts the task at `position` (0-based) in its project, or in another project when `projectId` is given. */
  async moveTask(caller: Caller, id: string, rawInput: unknown, rawExpectedVersion?: number | null): Promise<Task> {
    assertCanWrite(caller);
    const input = parseInput(moveTaskInput, rawInput, 'input');
    return this.changeTask(caller, id, rawExpectedVersion, async (task, em) => {
      const repository = new TaskRepository(em, this.codec);
      const targetProjectId = input.projectId === undefined ? task.projectId : input.projectId;
      if (targetProjectId && targetProjectId !== task.projectId) {
        await assertProjectExists(em, caller.orgId, targetProjectId, 'input.projectId');
      }
      await repository.lockPositionScope(caller.orgId, targetProjectId ?? null);
      task.position = await repository.openGapForMove(caller.orgId, targetProjectId ?? null, task.id, input.position);
      task.projectId = targetProjectId ?? null;
      // A move is a deliberate change even when the task lands where it was: it always gets a new version.
      task.updatedAt = this.now();
    }, (em, taskId) => lockPositionScopesOf(em, this.codec, caller.orgId, taskId, input.projectId));
  }

  async deleteTask(caller: Caller, id: string): Promise<string> {
    assertCanWrite(caller);
    const taskId = parseInput(entityId, id, 'id');
    await this.writeTransaction(caller.orgId, async (em) => {
      const repository = new TaskRepository(em, this.codec);
      // Subtasks go with their parent (foreign key cascade): each gets its own deleted event, deepest first.
      const doomed = await repository.findSelfAndDescendantIds(caller.orgId, taskId);
      if (doomed.length === 0 || !(await repository.delete(caller.orgId, taskId))) throw new NotFoundError('Task', taskId, 'id');
      await appendToOutbox(em, this.actor(caller), doomed.reverse().map(taskDeleted));
    });
    return taskId;
  }

  /** Loads the task in a transaction, checks the expected version, applies `change`, flushes (version + 1). */
  private async changeTask(
    caller: Caller,
    id: string,
    rawExpectedVersion: number | null | undefined,
    change: (task: Task, em: SqlEntityManager) => Promise<void>,
    lockFirst?: (em: SqlEntityManager, taskId: string) => Promise<void>,
  ): Promise<Task> {
    const taskId = parseInput(entityId, id, 'id');
    const expected = parseInput(expectedVersionSchema, rawExpectedVersion, 'expectedVersion');
    let completed: TaskActivity | undefined;
    const changed = await this.writeTransaction(caller.orgId, async (em) => {
      await lockFirst?.(em, taskId);
      const task = await em.findOne(TaskSchema, { id: taskId, orgId: caller.orgId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!task) throw new NotFoundError('Task', taskId, 'id');
      if (expected != null && expected !== task.version) {
        throw new VersionConflictError('Task', taskId, expected, task.version);
      }
      const before = snapshotTask(task);
      const beforeJson = snapshot(task);
      await change(task, em);
      if (snapshot(task) !== beforeJson) task.updatedAt = this.now();
      await em.flush();
      await appendToOutbox(em, this.actor(caller), eventsForTaskChange(before, task));
      completed = before.status !== 'COMPLETED' && task.status === 'COMPLETED' ? taskCompletion(task) : undefined;
      return task;
    });
    if (completed) this.options.onTaskActivity?.([completed]);
    return changed;
  }
}

/** Where a new task goes and who creates it, once its project and position are settled. */
export interface NewTaskPlacement {
  id: string;
  orgId: string;
  ownerId: string;
  projectId: string | null;
  position: number;
  now: Date;
}

/** The fields of a new task: the one definition of a creation's defaults, for createTask and the event consumer. */
export function newTaskData(input: CreateTaskInput, placed: NewTaskPlacement): Task {
  return {
    id: placed.id,
    orgId: placed.orgId,
    title: input.title,
    description: input.description ?? null,
    status: input.status ?? 'PENDING',
    priority: input.priority ?? 'MEDIUM',
    dueDate: input.dueDate ?? null,
    completedAt: input.status === 'COMPLETED' ? placed.now : null,
    estimatedMinutes: input.estimatedMinutes ?? null,
    actualMinutes: input.actualMinutes ?? null,
    energyRequired: input.energyRequired ?? null,
    tags: input.tags ?? [],
    position: placed.position,
    projectId: placed.projectId,
    parentId: input.parentId ?? null,
    ownerId: placed.ownerId,
    assigneeId: input.assigneeId ?? null,
    metadata: input.metadata ?? {},
    createdAt: placed.now,
    updatedAt: placed.now,
    version: 1,
  };
}

/**
 * Checks that the projects and parents new tasks name exist in the org (NOT_FOUND naming the input's field
 * otherwise) and returns the project each task goes into: its own, else its parent's (a subtask lives in its
 * parent's project), else none. No statement when no input names a project or parent.
 */
export async function resolveProjectsOfNewTasks(
  em: SqlEntityManager,
  repository: TaskRepository,
  orgId: string,
  inputs: CreateTaskInput[],
  pathOf: (index: number) => string,
): Promise<Array<string | null>> {
  const projectIds = [...new Set(inputs.map((i) => i.projectId).filter((id): id is string => !!id))];
  const parentIds = [...new Set(inputs.map((i) => i.parentId).filter((id): id is string => !!id))];
  const [projects, parents] = await Promise.all([
    projectIds.length ? em.find(ProjectSchema, { orgId, id: { $in: projectIds } }) : [],
    repository.findByIds(orgId, parentIds),
  ]);
  const knownProjects = new Set(projects.map((p) => p.id));
  const parentsById = new Map(parents.map((t) => [t.id, t]));
  return inputs.map((input, i) => {
    if (input.projectId && !knownProjects.has(input.projectId)) throw new NotFoundError('Project', input.projectId, `${pathOf(i)}.projectId`);
    const parent = input.parentId ? parentsById.get(input.parentId) : undefined;
    if (input.parentId && !parent) throw new NotFoundError('Task', input.parentId, `${pathOf(i)}.parentId`);
    return input.projectId ?? parent?.projectId ?? null;
  });
}

/** Builds new tasks: resolves parents and projects within the org, hands out positions per project. */
class TaskFactory {
  private readonly nextPositions = new Map<string, number>();
  private readonly repository: TaskRepository;

  constructor(
    private readonly em: SqlEntityManager,
    codec: CursorCodec,
    private readonly caller: Caller,
    private readonly now: Date,
  ) {
    this.repository = new TaskRepository(em, codec);
  }

  async createAll(inputs: CreateTaskInput[], field: 'input' | 'inputs'): Promise<Task[]> {
    const orgId = this.caller.orgId;
    const projectIds = await resolveProjectsOfNewTasks(this.em, this.repository, orgId, inputs, (i) => (field === 'input' ? 'input' : `inputs.${i}`));
    // All position locks up front, in the one order every caller uses (see lockPositionScopesOf).
    await this.repository.lockPositionScopes(orgId, projectIds);

    const tasks: Task[] = [];
    for (const [i, input] of inputs.entries()) {
      const projectId = projectIds[i]!;
      const position = await this.takePosition(projectId);
      tasks.push(this.em.create(TaskSchema, newTaskData(input, { id: randomUUID(), orgId, ownerId: this.caller.userId, projectId, position, now: this.now })));
    }
    return tasks;
  }

  /** Hands out the scope's next position; createAll holds the scope's position lock by then. */
  private async takePosition(projectId: string | null): Promise<number> {
    const scope = projectId ?? '';
    let next = this.nextPositions.get(scope);
    if (next === undefined) next = await this.repository.nextPosition(this.caller.orgId, projectId);
    this.nextPositions.set(scope, next + 1);
    return next;
  }
}

const snapshot = (task: Task) => JSON.stringify(task);

/**
 * Takes the position locks of the task's current project and of `targetProjectId` (undefined: the current one)
 * before the task's row lock. A move renumbers other tasks' rows while it holds a position lock, so a change that
 * took its row lock first and the position lock second could deadlock with a concurrent move in the same project.
 */
async function lockPositionScopesOf(
  em: SqlEntityManager,
  codec: CursorCodec,
  orgId: string,
  taskId: string,
  targetProjectId: string | null | undefined,
): Promise<void> {
  const repository = new TaskRepository(em, codec);
  const currentProjectId = await repository.findProjectIdOf(orgId, taskId);
  if (currentProjectId === undefined) return; // unknown task: the change answers NOT_FOUND
  await repository.lockPositionScopes(orgId, [currentProjectId, targetProjectId === undefined ? currentProjectId : targetProjectId]);
}

async function assertProjectExists(em: SqlEntityManager, orgId: string, projectId: string, field: string): Promise<void> {
  const count = await em.count(ProjectSchema, { orgId, id: projectId });
  if (count === 0) throw new NotFoundError('Project', projectId, field);
}

async function assertParentAllowed(
  em: SqlEntityManager,
  repository: TaskRepository,
  orgId: string,
  taskId: string,
  parentId: string,
  field: string,
): Promise<void> {
  const count = await em.count(TaskSchema, { orgId, id: parentId });
  if (count === 0) throw new NotFoundError('Task', parentId, field);
  if (await repository.wouldCreateCycle(orgId, taskId, parentId)) {
    throw BadUserInputError.of(field, 'would make the task its own ancestor (a cycle in parent links)');
  }
}
