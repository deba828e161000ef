import type { z } from 'zod';
import type { Caller } from '../modules/common/caller.js';
import type { EventTaskCreator } from '../modules/tasks/use-cases/event-task-batch.js';

/**
 * What a handler may use: task creation bound to the event's group (planned, then written with the group, or
 * written at once in the event's savepoint), and the acting user. A handler must not do anything else with side
 * effects: it may run twice for one delivery (a group that failed runs again event by event).
 */
export interface InboundHandlerContext {
  tasks: EventTaskCreator;
  actor: Caller;
}

/** One inbound event type: how its `data` must look and what it does (inside the inbox transaction). */
export interface InboundHandler<Data> {
  type: string;
  dataSchema: z.ZodType<Data>;
  handle(data: Data, context: InboundHandlerContext): Promise<{ created: string[] }>;
}
