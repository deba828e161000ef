import type { SqlEntityManager } from '@mikro-orm/postgresql';
import type { MikroORM } from '@mikro-orm/postgresql';
import { type DomainEvent, outgoingEnvelopeSchema, toEnvelope } from './envelope.js';

/** Who caused the events and which request they came from. */
export interface EventActor {
  userId: string;
  orgId: string;
  /** Carried into the AMQP headers (request id, traceparent). */
  headers?: Record<string, string>;
}

/**
 * Writes events into `planning_outbox` through the caller's transaction: they are published if and only if the
 * change they describe commits.
 */
export async function appendToOutbox(em: SqlEntityManager, actor: EventActor, events: DomainEvent[], now = new Date()): Promise<void> {
  await appendManyToOutbox(em, [{ actor, events }], now);
}

/** {@link appendToOutbox} for the events of several actors (a group of inbound events), in one statement; `at` overrides `now` per batch. */
export async function appendManyToOutbox(
  em: SqlEntityManager,
  batches: ReadonlyArray<{ actor: EventActor; events: DomainEvent[]; at?: Date }>,
  now = new Date(),
): Promise<void> {
  const rows = batches.flatMap(({ actor, events, at }) =>
    events.map((event) => {
      const envelope = outgoingEnvelopeSchema.parse(toEnvelope(event, actor, at ?? now));
      return {
        event_id: envelope.id,
        event_type: envelope.type,
        aggregate_id: event.aggregateId,
        envelope: JSON.stringify(envelope),
        headers: JSON.stringify(actor.headers ?? {}),
      };
    }),
  );
  if (rows.length === 0) return;
  await em.execute(em.getKnex()('planning_outbox').insert(rows));
}

/** One unsent row, as the relay publishes it. */
export interface UnsentEvent {
  seq: string;
  event_id: string;
  event_type: string;
  envelope: unknown;
  headers: Record<string, string>;
}

export interface OutboxLag {
  unsent: number;
  oldestUnsentAgeSeconds: number;
}

/** Any 64-bit number works; it names "the outbox publisher" among advisory locks. */
const RELAY_LOCK_KEY = 7_312_004_211;

/** Every statement on `planning_outbox` the relay and operators run (writers append through {@link appendToOutbox}). */
export class OutboxRepository {
  constructor(private readonly em: SqlEntityManager) {}

  /** The relay's transaction-level lock: true when this transaction holds it (no other relay's batch is in flight). */
  async tryLockRelay(): Promise<boolean> {
    const [lock] = await this.em.execute<Array<{ locked: boolean }>>('select pg_try_advisory_xact_lock(?) as locked', [RELAY_LOCK_KEY]);
    return lock?.locked === true;
  }

  /** The oldest `limit` unsent rows, in commit order. */
  async oldestUnsent(limit: number): Promise<UnsentEvent[]> {
    return this.em.execute<UnsentEvent[]>('select seq, event_id, event_type, envelope, headers from planning_outbox where published_at is null order by seq limit ?', [limit]);
  }

  async markPublished(seqs: string[]): Promise<void> {
    await this.em.execute('update planning_outbox set published_at = now(), attempts = attempts + 1 where seq = any(array[?]::bigint[])', [seqs]);
  }

  /** Deletes at most `limit` published rows older than `hours`; returns how many went. */
  async prunePublished(hours: number, limit = 10_000): Promise<number> {
    const deleted = await this.em.execute<Array<{ seq: string }>>(
      `delete from planning_outbox where seq in (
         select seq from planning_outbox where published_at < now() - make_interval(hours => ?) limit ?
       ) returning seq`,
      [hours, limit],
    );
    return deleted.length;
  }

  /** Unsent rows and the age of the oldest one, in seconds. */
  async lag(): Promise<OutboxLag> {
    const [row] = await this.em.execute<Array<{ unsent: string; oldest: number | null }>>(
      `select count(*) as unsent, extract(epoch from now() - min(created_at))::float as oldest
       from planning_outbox where published_at is null`,
    );
    return { unsent: Number(row?.unsent ?? 0), oldestUnsentAgeSeconds: Number(row?.oldest ?? 0) };
  }
}

/** Unsent outbox rows and the age of the oldest one, in seconds. */
export function outboxLag(orm: MikroORM): Promise<OutboxLag> {
  return new OutboxRepository(orm.em.fork()).lag();
}
