import type { MikroORM } from '@mikro-orm/postgresql';
import type { CursorCodec } from '../modules/common/cursor.js';
import type { TaskActivityListener } from '../modules/tasks/task.activity.js';
import type { Logger } from '../platform/logging/logger.js';
import type { HandlingOutcome, IncomingMessage } from '../platform/messaging/event-bus.js';
import { handleCallEnded } from './call-ended.handler.js';
import { GroupCommitQueue } from '../platform/db/group-commit-queue.js';
import { type AcceptedEvent, acceptDelivery } from './inbound-delivery.js';
import { applyEventsInOneTransaction, type EventResult } from './inbound-event-group.js';
import type { InboundHandler } from './inbound-handler.js';
import { handleWorkflowSuggested } from './workflow-suggested.handler.js';

export const INBOUND_HANDLERS: InboundHandler<any>[] = [handleCallEnded, handleWorkflowSuggested];

/** Defaults of `EVENTS_GROUP_MAX` and `EVENTS_GROUP_LANES` (see README, configuration). */
export const DEFAULT_EVENTS_GROUP_MAX = 50;
export const DEFAULT_EVENTS_GROUP_LANES = 2;

export interface InboundEventProcessorOptions {
  orm: MikroORM;
  codec: CursorCodec;
  logger: Logger;
  handlers?: InboundHandler<any>[];
  /** Told about the tasks an event created once its transaction committed (metrics). */
  onTaskActivity?: TaskActivityListener;
  /** The most events applied in one transaction. */
  maxGroupSize?: number;
  /** Groups committed at the same time; an org's events always go to the same lane. */
  lanes?: number;
  /**
   * Awaited after a group committed and before its messages are acknowledged: the orgs whose planning data the
   * group changed (the gateway's answer cache is invalidated through it). A failure is logged, never retried: the
   * changes are committed.
   */
  onDataChanged?: (orgIds: string[]) => Promise<void>;
}

/**
 * Turns deliveries into effects by group commit. Each delivery is validated first (bad input is dead-lettered with
 * the reason, without touching the database). Valid events queue in the lane of their org; a lane runs one group at
 * a time, and the events that arrive while it runs form its next group (at most `maxGroupSize`), applied in one
 * transaction with a savepoint per event (see {@link applyEventsInOneTransaction}). A lone event goes out at once.
 *
 * Each call of `process` resolves after its group's transaction: `ack` once committed (the log line and the task
 * activity come then too), `dead-letter` or `retry` for an event rolled back alone, and `retry` for every event of
 * a group whose transaction failed.
 */
export class InboundEventProcessor {
  private readonly orm: MikroORM;
  private readonly codec: CursorCodec;
  private readonly logger: Logger;
  private readonly onTaskActivity: TaskActivityListener | undefined;
  private readonly onDataChanged: ((orgIds: string[]) => Promise<void>) | undefined;
  private readonly handlers: Map<string, InboundHandler<any>>;
  private readonly lanes: Array<GroupCommitQueue<AcceptedEvent, HandlingOutcome>>;
  /** Groups and events committed so far by this process (the bench reports events per commit). */
  readonly committed = { groups: 0, events: 0 };

  constructor(options: InboundEventProcessorOptions) {
    this.orm = options.orm;
    this.codec = options.codec;
    this.logger = options.logger;
    this.onTaskActivity = options.onTaskActivity;
    this.onDataChanged = options.onDataChanged;
    this.handlers = new Map((options.handlers ?? INBOUND_HANDLERS).map((h) => [h.type, h]));
    const maxGroupSize = options.maxGroupSize ?? DEFAULT_EVENTS_GROUP_MAX;
    this.lanes = Array.from(
      { length: options.lanes ?? DEFAULT_EVENTS_GROUP_LANES },
      () => new GroupCommitQueue<AcceptedEvent, HandlingOutcome>((events) => this.applyGroup(events), maxGroupSize),
    );
  }

  /** Handles one delivery; resolves once its group has committed (or failed). */
  readonly process = async (message: IncomingMessage): Promise<HandlingOutcome> => {
    const accepted = acceptDelivery(message, this.handlers);
    if ('refused' in accepted) return { kind: 'dead-letter', reason: accepted.refused };
    return this.laneOf(accepted.orgId).submit(accepted);
  };

  /** An org's events share a lane, so two lanes never wait for each other's position locks. */
  private laneOf(orgId: string): GroupCommitQueue<AcceptedEvent, HandlingOutcome> {
    let hash = 0;
    for (let i = 0; i < orgId.length; i++) hash = (hash * 31 + orgId.charCodeAt(i)) >>> 0;
    return this.lanes[hash % this.lanes.length]!;
  }

  private async applyGroup(events: AcceptedEvent[]): Promise<HandlingOutcome[]> {
    let results: EventResult[];
    try {
      results = await applyEventsInOneTransaction(this.orm, this.codec, events);
    } catch (error) {
      return events.map(() => ({ kind: 'retry', reason: (error as Error).message }));
    }
    this.committed.groups++;
    this.committed.events += events.length;
    const changedOrgs = [...new Set(events.filter((_, i) => results[i]!.kind === 'applied').map((event) => event.orgId))];
    if (changedOrgs.length > 0 && this.onDataChanged) {
      await this.onDataChanged(changedOrgs).catch((error: unknown) =>
        this.logger.error({ err: error, orgIds: changedOrgs }, 'worker: could not announce a change to the answer cache'),
      );
    }
    return events.map((event, i) => this.settleCommitted(event, results[i]!, events.length));
  }

  private settleCommitted(event: AcceptedEvent, result: EventResult, groupSize: number): HandlingOutcome {
    if (result.kind === 'dead-letter' || result.kind === 'retry') return result;
    this.logger.info({ type: event.handler.type, key: event.key, outcome: result.kind, groupSize }, 'inbound event handled');
    if (result.kind === 'applied') this.onTaskActivity?.(result.activity);
    return { kind: 'ack' };
  }
}
