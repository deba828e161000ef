import { PLANNING_ENTITIES } from '../../../src/modules/planning-entities.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/platform/logging/logger.js';
import type { EventBus, OutgoingMessage } from '../../../src/platform/messaging/event-bus.js';
import { OutboxRelay } from '../../../src/platform/outbox/outbox-relay.js';
import { randomUUID } from 'node:crypto';
import { openOrm } from '../../../src/platform/db/orm.js';
import { notifyRelaysAfterCommit } from '../../../src/platform/outbox/outbox-notifier.js';
import { appendToOutbox } from '../../../src/platform/outbox/outbox.repository.js';
import { createEventHarness, type EventHarness, waitUntil } from '../../testkit/event-harness.js';
import { aCaller, createTasks, startTestPlanningApp, type TestPlanningApp } from '../../testkit/planning-app.js';

const logger = createLogger('silent');

/** Wraps a bus; `crashAfterPublish` makes publish fail after the broker got the messages (a relay dying before it marks). */
/** Holds every publish until `release()`: a batch stays in flight as long as the test wants. */
class GatedBus implements EventBus {
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  publishing = false;
  constructor(private readonly inner: EventBus) {}
  get kind() {
    return this.inner.kind;
  }
  async publish(messages: OutgoingMessage[]) {
    this.publishing = true;
    await this.gate;
    await this.inner.publish(messages);
  }
  release() {
    this.open();
  }
  consume: EventBus['consume'] = (...args) => this.inner.consume(...args);
  stopConsuming = () => this.inner.stopConsuming();
  isConnected = () => this.inner.isConnected();
  close = () => this.inner.close();
}

class CrashingBus implements EventBus {
  crashAfterPublish = true;
  constructor(private readonly inner: EventBus) {}
  get kind() {
    return this.inner.kind;
  }
  async publish(messages: OutgoingMessage[]) {
    await this.inner.publish(messages);
    if (this.crashAfterPublish) throw new Error('relay crashed between publish and mark');
  }
  consume: EventBus['consume'] = (...args) => this.inner.consume(...args);
  stopConsuming = () => this.inner.stopConsuming();
  isConnected = () => this.inner.isConnected();
  close = () => this.inner.close();
}

describe('outbox relay', () => {
  let harness: EventHarness;
  let app: TestPlanningApp;
  beforeAll(async () => {
    harness = await createEventHarness();
    // No worker: each test drives its own relays.
    app = await startTestPlanningApp();
  });
  afterAll(async () => {
    await app?.close();
    await harness?.close();
  });

  const unsentCount = async () => {
    const [row] = await app.orm.em.fork().execute('select count(*)::int as n from planning_outbox where published_at is null');
    return Number(row.n);
  };
  const observedFor = (orgId: string) => harness.observed.filter((m) => m.body.org_id === orgId);

  it('when nothing publishes, then the lag reports the unsent rows and the age of the oldest', async () => {
    const caller = aCaller();
    await createTasks(app, caller, 3);
    const relay = new OutboxRelay({ orm: app.orm, bus: harness.createBus(), logger });
    const lag = await relay.lag();
    expect(lag.unsent).toBeGreaterThanOrEqual(3);
    expect(lag.oldestUnsentAgeSeconds).toBeGreaterThanOrEqual(0);
  });

  it('when two relays run at once over 1,000 events, then each event is published exactly once, in commit order', async () => {
    const caller = aCaller();
    const createdIds: string[] = [];
    for (let i = 0; i < 10; i++) createdIds.push(...(await createTasks(app, caller, 100)).map((t) => t.id));
    const relays = [0, 1].map(() => new OutboxRelay({ orm: app.orm, bus: harness.createBus(), logger, batchSize: 100, pollIntervalMs: 50 }));
    await Promise.all(relays.map((r) => r.start()));
    try {
      await waitUntil(async () => (await unsentCount()) === 0, 30_000, 'the outbox to drain');
      await harness.waitForObserved(() => observedFor(caller.orgId).length >= 1000, 15_000);
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
    }
    // A duplicate publish would be in the queue ahead of a marker sent now.
    await harness.drainObserved();
    const messages = observedFor(caller.orgId);
    expect(messages).toHaveLength(1000);
    expect(new Set(messages.map((m) => m.messageId)).size).toBe(1000);
    expect(messages.map((m) => m.body.data.task_id)).toEqual(createdIds);
  });

  it('when a relay dies after publishing but before marking, then the rows stay unsent and go out again (at-least-once)', async () => {
    const caller = aCaller();
    await createTasks(app, caller, 5);
    const crashing = new CrashingBus(harness.createBus());
    const dying = new OutboxRelay({ orm: app.orm, bus: crashing, logger });
    await expect(dying.publishBatch()).rejects.toThrow(/between publish and mark/);
    expect(await unsentCount()).toBeGreaterThanOrEqual(5);

    const healthy = new OutboxRelay({ orm: app.orm, bus: harness.createBus(), logger });
    while ((await healthy.publishBatch()) > 0);
    expect(await unsentCount()).toBe(0);
    await harness.waitForObserved(() => observedFor(caller.orgId).length >= 10);
    const ids = observedFor(caller.orgId).map((m) => m.messageId);
    expect(new Set(ids).size).toBe(5);
    expect(ids).toHaveLength(10);
  });

  it.runIf(process.env.DATABASE_URL)(
    'when another process commits an event, then a listening relay publishes it without waiting for its poll',
    async () => {
      const writer = await openOrm({ entities: PLANNING_ENTITIES, clientUrl: app.database.url, poolMax: 1 });
      notifyRelaysAfterCommit(writer);
      // Poll once a minute: only the NOTIFY can make the event go out within the wait below.
      const relay = new OutboxRelay({ orm: app.orm, bus: harness.createBus(), logger, pollIntervalMs: 60_000, listenUrl: app.database.url });
      await relay.start();
      try {
        while ((await relay.publishBatch()) > 0);
        await waitUntil(() => relay.sleeping, 10_000, "the relay's loop to fall asleep");
        const taskId = randomUUID();
        await writer.em.fork().transactional((em) =>
          appendToOutbox(em, { userId: 'u', orgId: 'listen-org' }, [
            { type: 'planning.task.reopened', aggregateId: taskId, data: { task_id: taskId } },
          ]),
        );
        await harness.waitForObserved((m) => m.some((x) => x.body.data.task_id === taskId), 10_000);
      } finally {
        await relay.stop();
        await writer.close(true);
      }
    },
  );

  it('when a relay is stopped while a batch is in flight, then it stops once the batch is done, not after its next poll', async () => {
    const caller = aCaller();
    await createTasks(app, caller, 3);
    const bus = new GatedBus(harness.createBus());
    // Polls once a minute: a stop noticed only after the next sleep would take that minute.
    const relay = new OutboxRelay({ orm: app.orm, bus, logger, pollIntervalMs: 60_000 });
    await relay.start();
    await waitUntil(() => bus.publishing, 10_000, 'the relay to start publishing');
    const stopped = relay.stop().then(() => 'stopped' as const);
    bus.release();
    const outcome = await Promise.race([stopped, new Promise((resolve) => setTimeout(() => resolve('still running after 10 s'), 10_000))]);
    expect(outcome).toBe('stopped');
    expect(await unsentCount()).toBe(0);
  });

  it('when published rows are older than the retention, then pruning deletes them and keeps unsent ones', async () => {
    const caller = aCaller();
    await createTasks(app, caller, 2);
    const em = app.orm.em.fork();
    await em.execute(`update planning_outbox set published_at = now() - interval '100 hours' where published_at is null and envelope->>'org_id' = ?`, [caller.orgId]);
    await createTasks(app, caller, 1);
    const relay = new OutboxRelay({ orm: app.orm, bus: harness.createBus(), logger, retentionHours: 72 });
    expect(await relay.prune()).toBeGreaterThanOrEqual(2);
    const rows = await em.execute(`select published_at from planning_outbox where envelope->>'org_id' = ?`, [caller.orgId]);
    expect(rows).toHaveLength(1);
    expect(rows[0].published_at).toBeNull();
  });
});
