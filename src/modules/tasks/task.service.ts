import type { Caller } from '../common/caller.js';
import type { Connection } from '../common/connection.js';
import type { PageArgs } from '../common/page-args.js';
import { UseCaseService } from '../common/service-options.js';
import type { Task } from './task.entity.js';
import type { TaskCreationSource } from './task.events.js';
import type { TaskPageExtras } from './task.repository.js';
import { completeTask } from './use-cases/complete-task.js';
import { createTask, createTasks, createTasksFromEvent } from './use-cases/create-tasks.js';
import { deleteTask } from './use-cases/delete-task.js';
import { getTask } from './use-cases/get-task.js';
import { listTasks } from './use-cases/list-tasks.js';
import { moveTask } from './use-cases/move-task.js';
import { reopenTask } from './use-cases/reopen-task.js';
import { updateTask } from './use-cases/update-task.js';

export { MAX_BULK_CREATE, parseEventTaskInputs } from './use-cases/create-tasks.js';

/**
 * The task use cases of one request (it holds the request's EntityManager): each method is one use case of
 * `use-cases/`, run with this service as its context.
 */
export class TaskService extends UseCaseService {
  getTask(caller: Caller, id: string): Promise<Task | null> {
    return getTask(this, caller, id);
  }

  listTasks(caller: Caller, args: PageArgs & { filter?: unknown; orderBy?: unknown }, extras?: TaskPageExtras): Promise<Connection<Task>> {
    return listTasks(this, caller, args, extras);
  }

  createTask(caller: Caller, rawInput: unknown, rawKey?: string | null): Promise<Task> {
    return createTask(this, caller, rawInput, rawKey);
  }

  createTasks(caller: Caller, rawInputs: unknown[], rawKey?: string | null): Promise<Task[]> {
    return createTasks(this, caller, rawInputs, rawKey);
  }

  createTasksFromEvent(actor: Caller, rawInputs: unknown[], source: TaskCreationSource): Promise<Task[]> {
    return createTasksFromEvent(this, actor, rawInputs, source);
  }

  updateTask(caller: Caller, id: string, rawInput: unknown, rawExpectedVersion?: number | null): Promise<Task> {
    return updateTask(this, caller, id, rawInput, rawExpectedVersion);
  }

  completeTask(caller: Caller, id: string, actualMinutes?: number | null, rawExpectedVersion?: number | null): Promise<Task> {
    return completeTask(this, caller, id, actualMinutes, rawExpectedVersion);
  }

  reopenTask(caller: Caller, id: string, rawExpectedVersion?: number | null): Promise<Task> {
    return reopenTask(this, caller, id, rawExpectedVersion);
  }

  moveTask(caller: Caller, id: string, rawInput: unknown, rawExpectedVersion?: number | null): Promise<Task> {
    return moveTask(this, caller, id, rawInput, rawExpectedVersion);
  }

  deleteTask(caller: Caller, id: string): Promise<string> {
    return deleteTask(this, caller, id);
  }
}
