import type { z } from 'zod';
import type { Caller } from '../modules/common/caller.js';
import type { TaskService } from '../modules/tasks/task.service.js';

/** What a handler may use: the task use cases bound to the event's transaction, and the acting user. */
export interface InboundHandlerContext {
  tasks: TaskService;
  actor: Caller;
}

/** One inbound event type: how its `data` must look and what it does (inside the inbox transaction). */
export interface InboundHandler<Data> {
  type: string;
  dataSchema: z.ZodType<Data>;
  handle(data: Data, context: InboundHandlerContext): Promise<{ created: string[] }>;
}
