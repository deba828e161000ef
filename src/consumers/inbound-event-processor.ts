import type { MikroORM } from '@mikro-orm/postgresql';
import type { CursorCodec } from '../modules/common/cursor.js';
import type { TaskActivity, TaskActivityListener } from '../modules/tasks/task.activity.js';
import { TaskService } from '../modules/tasks/task.service.js';
import { PlanningError } from '../platform/errors/planning-error.js';
import type { Logger } from '../platform/logging/logger.js';
import type { HandlingOutcome, IncomingMessage } from '../platform/messaging/event-bus.js';
import { handleCallEnded } from './call-ended.handler.js';
import type { InboundHandler } from './inbound-handler.js';
import { describeIssues, eventKey, inboundEnvelopeSchema } from './inbound-envelope.js';
import { handleWorkflowSuggested } from './workflow-suggested.handler.js';

export const INBOUND_HANDLERS: InboundHandler<any>[] = [handleCallEnded, handleWorkflowSuggested];

/**
 * Turns one delivery into one effect: validates it (bad input is dead-lettered with the reason), then runs the
 * handler in one transaction with its inbox row (unique per event key, so duplicates change nothing) and the
 * outbox events it produces. The message is acknowledged only after that transaction committed.
 */
export class InboundEventProcessor {
  private readonly handlers: Map<string, InboundHandler<any>>;

  constructor(
    private readonly orm: MikroORM,
    private readonly codec: CursorCodec,
    private readonly logger: Logger,
    handlers: InboundHandler<any>[] = INBOUND_HANDLERS,
    /** Told about the tasks an event created once its transaction committed (metrics). */
    private readonly onTaskActivity?: TaskActivityListener,
  ) {
    this.handlers = new Map(handlers.map((h) => [h.type, h]));
  }

  readonly process = async (message: IncomingMessage): Promise<HandlingOutcome> => {
    let json: unknown;
    try {
      json = JSON.parse(message.body.toString('utf8'));
    } catch (error) {
      return { kind: 'dead-letter', reason: `malformed JSON: ${(error as Error).message}` };
    }
    const envelope = inboundEnvelopeSchema.safeParse(json);
    if (!envelope.success) return { kind: 'dead-letter', reason: `invalid envelope: ${describeIssues(envelope.error)}` };
    const handler = this.handlers.get(envelope.data.type);
    if (!handler) return { kind: 'dead-letter', reason: `unsupported event type ${JSON.stringify(envelope.data.type)}` };
    if (envelope.data.type !== message.routingKey) {
      return { kind: 'dead-letter', reason: `type ${JSON.stringify(envelope.data.type)} does not match routing key ${JSON.stringify(message.routingKey)}` };
    }
    const data = handler.dataSchema.safeParse(envelope.data.data);
    if (!data.success) return { kind: 'dead-letter', reason: `invalid ${handler.type}: ${describeIssues(data.error, 'data')}` };

    const key = eventKey(envelope.data);
    const actor = { userId: envelope.data.user_id, orgId: envelope.data.org_id, roles: ['member'] as const };
    // The handler's use cases run inside this transaction: their activity is reported only after it commits.
    const activity: TaskActivity[] = [];
    try {
      const outcome = await this.orm.em.fork().transactional(async (tx) => {
        const inserted = await tx.execute<Array<{ event_key: string }>>(
          `insert into planning_inbox (event_key, event_type, event_id) values (?, ?, ?)
           on conflict (event_key) do nothing returning event_key`,
          [key, handler.type, envelope.data.id ?? null],
        );
        if (inserted.length === 0) return 'duplicate' as const;
        const tasks = new TaskService(tx, this.codec, { onTaskActivity: (items) => activity.push(...items) });
        const result = await handler.handle(data.data, { tasks, actor: { ...actor, roles: [...actor.roles] } });
        await tx.execute('update planning_inbox set result = ?::jsonb where event_key = ?', [JSON.stringify(result), key]);
        return 'applied' as const;
      });
      this.logger.info({ type: handler.type, key, outcome }, 'inbound event handled');
      this.onTaskActivity?.(activity);
      return { kind: 'ack' };
    } catch (error) {
      if (error instanceof PlanningError) {
        return { kind: 'dead-letter', reason: `unprocessable ${handler.type}: ${error.code}: ${error.message}` };
      }
      return { kind: 'retry', reason: (error as Error).message };
    }
  };
}
