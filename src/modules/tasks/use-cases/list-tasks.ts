import { assertCanRead, type Caller } from '../../common/caller.js';
import type { Connection } from '../../common/connection.js';
import { type PageArgs, parsePageArgs } from '../../common/page-args.js';
import type { UseCaseContext } from '../../common/service-options.js';
import { parseInput } from '../../common/validators.js';
import type { Task } from '../task.entity.js';
import { taskFilter, taskOrder } from '../task.inputs.js';
import { type TaskPageExtras, TaskRepository } from '../task.repository.js';

/** `tasks(...)`: one keyset page; `extras` are read in the page's own statement (see TaskRepository.list). */
export async function listTasks(uc: UseCaseContext, caller: Caller, args: PageArgs & { filter?: unknown; orderBy?: unknown }, extras?: TaskPageExtras): Promise<Connection<Task>> {
  assertCanRead(caller);
  const filter = parseInput(taskFilter, args.filter, 'filter');
  const order = parseInput(taskOrder, args.orderBy, 'orderBy');
  return new TaskRepository(uc.em, uc.codec).list(caller.orgId, filter, order, parsePageArgs(args), extras);
}
