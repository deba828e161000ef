import { randomUUID } from 'node:crypto';
import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError, NotFoundError } from '../../../platform/errors/planning-error.js';
import { assertCanWrite, type Caller } from '../../common/caller.js';
import { IdempotencyRepository, requestHash } from '../../common/idempotency.repository.js';
import type { UseCaseContext } from '../../common/service-options.js';
import { parseEach, parseInput } from '../../common/validators.js';
import type { TaskActivity } from '../task.activity.js';
import type { Task } from '../task.entity.js';
import type { TaskCreationSource } from '../task.events.js';
import { type CreateTaskInput, createTaskInput, idempotencyKey as idempotencyKeySchema } from '../task.inputs.js';
import { TaskRepository } from '../task.repository.js';
import { insertPlannedTasks, type PlannedTasks, PlannedTasksRefused } from './insert-planned-tasks.js';

/** The most tasks one `createTasks` (or one inbound event) creates. */
export const MAX_BULK_CREATE = 100;

function assertTaskCount(rawInputs: unknown[]): void {
  if (rawInputs.length === 0 || rawInputs.length > MAX_BULK_CREATE) {
    throw BadUserInputError.of('inputs', `must hold between 1 and ${MAX_BULK_CREATE} tasks`);
  }
}

/** The inputs of the tasks an inbound event creates, checked exactly as {@link createTasksFromEvent} checks them. */
export function parseEventTaskInputs(actor: Caller, rawInputs: unknown[]): CreateTaskInput[] {
  assertTaskCount(rawInputs);
  assertCanWrite(actor);
  return parseEach(createTaskInput, rawInputs, (i) => `inputs.${i}`);
}

/** `createTask`: one task, refusals naming `input`. */
export async function createTask(uc: UseCaseContext, caller: Caller, rawInput: unknown, rawKey?: string | null): Promise<Task> {
  const [task] = await createMany(uc, caller, [rawInput], rawKey, { operation: 'createTask', field: 'input' });
  return task!;
}

/** `createTasks`: 1..100 tasks in one transaction, every one written or none. */
export async function createTasks(uc: UseCaseContext, caller: Caller, rawInputs: unknown[], rawKey?: string | null): Promise<Task[]> {
  assertTaskCount(rawInputs);
  return createMany(uc, caller, rawInputs, rawKey, { operation: 'createTasks', field: 'inputs' });
}

/**
 * Tasks an inbound event creates on behalf of `actor` (source `call_callback`, `ai_workflow`), in the transaction
 * the context was built with, so the inbox record, the tasks and their events commit together.
 */
export async function createTasksFromEvent(uc: UseCaseContext, actor: Caller, rawInputs: unknown[], source: TaskCreationSource): Promise<Task[]> {
  assertTaskCount(rawInputs);
  return createMany(uc, actor, rawInputs, undefined, { operation: 'createTasks', field: 'inputs', source });
}

async function createMany(
  uc: UseCaseContext,
  caller: Caller,
  rawInputs: unknown[],
  rawKey: string | null | undefined,
  how: { operation: string; field: 'input' | 'inputs'; source?: TaskCreationSource },
): Promise<Task[]> {
  assertCanWrite(caller);
  const key = parseInput(idempotencyKeySchema, rawKey, 'idempotencyKey');
  const pathOf = (i: number) => (how.field === 'input' ? 'input' : `inputs.${i}`);
  const inputs = parseEach(createTaskInput, rawInputs, pathOf);
  const source = how.source ?? 'api';
  const activity: TaskActivity[] = [];
  const plan = (): PlannedTasks => ({ actor: caller, inputs, ids: inputs.map(() => randomUUID()), source, at: uc.now(), pathOf, eventHeaders: uc.options.eventHeaders });
  const queue = uc.options.taskCreations;
  if (queue && !key && !how.source) {
    // Group commit with the process's other API creates (a key's claim and replay need a transaction of their own;
    // an inbound event's creates join the consumer's transaction).
    const tasks = await queue.submit(plan());
    await uc.options.onDataChanged?.([caller.orgId]);
    uc.options.onTaskActivity?.(tasks.map(() => ({ kind: 'created' as const, source })));
    return tasks;
  }
  const created = await uc.writeTransaction(caller.orgId, async (em) => {
    activity.length = 0; // a deadlock's retry runs this again
    const scope = key ? { orgId: caller.orgId, userId: caller.userId, operation: how.operation, key } : undefined;
    const idempotency = new IdempotencyRepository(em);
    if (scope) {
      const claim = await idempotency.claim(scope, requestHash(rawInputs));
      if (claim.kind === 'replay') return replay(em, uc, caller, claim.resultIds);
    }
    const [tasks] = await insertPlannedTasks(em, uc.codec, [plan()]).catch((error: unknown) => {
      throw error instanceof PlannedTasksRefused ? error.cause : error;
    });
    if (scope) await idempotency.recordResult(scope, tasks!.map((t) => t.id));
    activity.push(...tasks!.map(() => ({ kind: 'created' as const, source })));
    return tasks!;
  });
  uc.options.onTaskActivity?.(activity);
  return created;
}

/** The tasks a replayed idempotency key created the first time, in their order. */
async function replay(em: SqlEntityManager, uc: UseCaseContext, caller: Caller, ids: string[]): Promise<Task[]> {
  const found = await new TaskRepository(em, uc.codec).findByIds(caller.orgId, ids);
  const byId = new Map(found.map((t) => [t.id, t]));
  return ids.map((id) => {
    const task = byId.get(id);
    if (!task) throw new NotFoundError('Task', id, 'idempotencyKey');
    return task;
  });
}
