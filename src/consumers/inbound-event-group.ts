import type { MikroORM, SqlEntityManager } from '@mikro-orm/postgresql';
import type { CursorCodec } from '../modules/common/cursor.js';
import type { TaskActivity } from '../modules/tasks/task.activity.js';
import type { Caller } from '../modules/common/caller.js';
import { compareText } from '../modules/common/compare-text.js';
import { EventTaskBatch, PlannedCreationRefused } from '../modules/tasks/use-cases/event-task-batch.js';
import { TaskService } from '../modules/tasks/task.service.js';
import { PlanningError } from '../platform/errors/planning-error.js';
import type { AcceptedEvent } from './inbound-delivery.js';
import { InboxRepository } from './inbox.repository.js';

/** How one event of a group ended inside the group's transaction; nothing of it counts before the commit. */
export type EventResult =
  | { kind: 'applied'; activity: TaskActivity[]; created: string[] }
  | { kind: 'duplicate' }
  /** The handler refused it (a PlanningError): rolled back alone, to be dead-lettered. */
  | { kind: 'dead-letter'; reason: string }
  /** Any other failure of this event alone: rolled back alone, to be retried. */
  | { kind: 'retry'; reason: string };

/** The group failed while it ran as a set: because of `event` when that is known. */
class GroupAttemptFailed extends Error {
  constructor(
    readonly event: AcceptedEvent | undefined,
    override readonly cause: unknown,
    /**
     * Whether an event alone in its group would end the same way one by one: true when its key was claimed and the
     * failure came from writing it. A failure of the handler's planning comes before the claim (the event may be a
     * duplicate), and a refused project or parent must reach the handler as the use case's error: both run again.
     */
    readonly final: boolean,
  ) {
    super(event ? `inbound event ${event.key} failed` : 'writing the group failed');
  }
}

/**
 * Applies a group of events in one transaction: per event its inbox row (unique per event key, so a duplicate,
 * also one earlier in the same group, changes nothing), the tasks its handler creates and their outbox events.
 *
 * Events rarely fail once validated, so the group first runs as a set: the handlers plan their tasks without
 * touching the database, then the inbox rows, the tasks and the events of the whole group are written with a
 * fixed number of statements ({@link EventTaskBatch}). If anything fails, that attempt is rolled back whole and the
 * group runs again with each event in a savepoint of its own, written one by one: the failed one is rolled back
 * alone and the others commit.
 *
 * Resolves with one result per event (in the events' order) once the transaction committed. Rejects when the
 * transaction itself failed (connection lost, commit or a savepoint rollback failed): then nothing was committed.
 */
export async function applyEventsInOneTransaction(orm: MikroORM, codec: CursorCodec, events: AcceptedEvent[]): Promise<EventResult[]> {
  // Events take their org's position lock and keep it until the commit. Taking the locks in org order (a stable
  // sort: one org's events keep their delivery order) keeps two replicas' groups from deadlocking each other.
  const order = events.map((_, i) => i).sort((a, b) => compareText(events[a]!.orgId, events[b]!.orgId));
  try {
    return await runGroupAsSet(orm, codec, events, order);
  } catch (error) {
    if (!(error instanceof GroupAttemptFailed)) throw error;
    // Alone in its group and claimed, the rolled-back attempt is all there is to it.
    if (events.length === 1 && error.final) return [failureOf(events[0]!, error.cause)];
    return runGroupEventByEvent(orm, codec, events, order);
  }
}

async function runGroupAsSet(orm: MikroORM, codec: CursorCodec, events: AcceptedEvent[], order: number[]): Promise<EventResult[]> {
  const batch = new EventTaskBatch();
  const created: string[][] = new Array(events.length);
  for (const i of order) {
    const event = events[i]!;
    try {
      created[i] = (await event.handler.handle(event.data, { tasks: batch.creatorFor(i), actor: actorOf(event) })).created;
    } catch (error) {
      throw new GroupAttemptFailed(event, error, false);
    }
  }
  const results: EventResult[] = new Array(events.length);
  await orm.em.fork().transactional(async (group) => {
    const claimed = await claimEventKeys(group, events, order, created);
    let activity: Map<number, TaskActivity[]>;
    try {
      activity = await batch.write(group, codec, (i) => claimed.has(i));
    } catch (error) {
      if (error instanceof PlannedCreationRefused) throw new GroupAttemptFailed(events[error.owner], error.cause, false);
      throw new GroupAttemptFailed(undefined, error, true);
    }
    for (const i of order) {
      results[i] = claimed.has(i) ? { kind: 'applied', activity: activity.get(i) ?? [], created: created[i]! } : { kind: 'duplicate' };
    }
  });
  return results;
}

async function runGroupEventByEvent(orm: MikroORM, codec: CursorCodec, events: AcceptedEvent[], order: number[]): Promise<EventResult[]> {
  const results: EventResult[] = new Array(events.length);
  await orm.em.fork().transactional(async (group) => {
    for (const i of order) results[i] = await applyInSavepoint(orm, codec, group, events[i]!);
    await recordResults(group, events, results);
  });
  return results;
}

const actorOf = (event: AcceptedEvent): Caller => ({ userId: event.userId, orgId: event.orgId, roles: ['member'] });

/**
 * Inserts the inbox rows of the whole group, with what each event created, in one statement and returns the events
 * that claimed theirs: the first of the group with its key, when no committed event had it already.
 */
async function claimEventKeys(group: SqlEntityManager, events: AcceptedEvent[], order: number[], created: string[][]): Promise<Set<number>> {
  const firstWithKey = new Map<string, number>();
  for (const i of order) if (!firstWithKey.has(events[i]!.key)) firstWithKey.set(events[i]!.key, i);
  // In key order, so two replicas claiming the same keys (a redelivery) wait for each other instead of deadlocking.
  const firsts = [...firstWithKey.values()].sort((a, b) => compareText(events[a]!.key, events[b]!.key));
  const claimed = await new InboxRepository(group).claimAll(
    firsts.map((i) => ({ key: events[i]!.key, type: events[i]!.handler.type, eventId: events[i]!.eventId, created: created[i] })),
  );
  return new Set([...claimed].map((key) => firstWithKey.get(key)!));
}

/**
 * SAVEPOINT and ROLLBACK TO are issued here rather than through a nested `transactional`: knex does not report a
 * failed ROLLBACK TO SAVEPOINT, and PostgreSQL answers COMMIT of an aborted transaction with a rollback, not an
 * error. Issued directly, a failed rollback throws and fails the whole group, so nothing is acknowledged.
 */
async function applyInSavepoint(orm: MikroORM, codec: CursorCodec, group: SqlEntityManager, event: AcceptedEvent): Promise<EventResult> {
  await group.execute('savepoint inbound_event');
  try {
    const claimed = await new InboxRepository(group).claim({ key: event.key, type: event.handler.type, eventId: event.eventId });
    const result: EventResult = claimed ? await apply(orm, codec, group, event) : { kind: 'duplicate' };
    await group.execute('release savepoint inbound_event');
    return result;
  } catch (error) {
    await group.execute('rollback to savepoint inbound_event');
    return failureOf(event, error);
  }
}

/**
 * Runs the event's handler in the group's transaction, on an EntityManager of its own (a rolled-back event leaves no
 * entities behind). Its use cases join that transaction instead of opening a savepoint each (two round trips per
 * event): a failed event is undone by its own savepoint, or by the rollback of the whole attempt.
 */
async function apply(orm: MikroORM, codec: CursorCodec, group: SqlEntityManager, event: AcceptedEvent): Promise<EventResult> {
  const em = orm.em.fork({ disableTransactions: true });
  em.setTransactionContext(group.getTransactionContext()!);
  const activity: TaskActivity[] = [];
  const tasks = new TaskService(em, codec, { onTaskActivity: (items) => activity.push(...items) });
  const { created } = await event.handler.handle(event.data, { tasks, actor: actorOf(event) });
  await em.flush();
  return { kind: 'applied', activity, created };
}

function failureOf(event: AcceptedEvent, error: unknown): EventResult {
  if (error instanceof PlanningError) return { kind: 'dead-letter', reason: `unprocessable ${event.handler.type}: ${error.code}: ${error.message}` };
  return { kind: 'retry', reason: (error as Error).message };
}

/** Writes what each applied event created into its inbox row: one statement for the group. */
async function recordResults(group: SqlEntityManager, events: AcceptedEvent[], results: EventResult[]): Promise<void> {
  const rows = events.flatMap((event, i) => {
    const result = results[i]!;
    return result.kind === 'applied' ? [{ key: event.key, created: result.created }] : [];
  });
  await new InboxRepository(group).recordCreated(rows);
}
