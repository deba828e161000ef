import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBus, OutgoingMessage } from '../../../src/platform/messaging/event-bus.js';
import { createEventHarness, type EventHarness, waitUntil } from '../../testkit/event-harness.js';
import { aCallEndedEvent } from '../../testkit/inbound-events.js';
import { aCaller, createTask, startTestPlanningApp, type TestPlanningApp } from '../../testkit/planning-app.js';
import { TcpProxy } from '../../testkit/tcp-proxy.js';

/** For the in-process bus there is no broker to cut: this wrapper refuses to publish while "down". */
class SwitchableBus implements EventBus {
  down = false;
  constructor(private readonly inner: EventBus) {}
  get kind() {
    return this.inner.kind;
  }
  async publish(messages: OutgoingMessage[]) {
    if (this.down) throw new Error('broker unreachable');
    await this.inner.publish(messages);
  }
  consume: EventBus['consume'] = (...args) => this.inner.consume(...args);
  stopConsuming = () => this.inner.stopConsuming();
  isConnected = () => !this.down;
  close = () => this.inner.close();
}

describe('outages lose nothing', () => {
  let harness: EventHarness;
  let brokerProxy: TcpProxy | undefined;
  let switchable: SwitchableBus | undefined;
  let dbProxy: TcpProxy;
  let app: TestPlanningApp;

  beforeAll(async () => {
    harness = await createEventHarness();
    let bus: EventBus;
    if (harness.kind === 'rabbitmq') {
      const target = new URL(harness.amqpUrl!);
      brokerProxy = await new TcpProxy(target.hostname, Number(target.port || 5672)).start();
      bus = harness.createBus({ url: brokerProxy.urlFor(harness.amqpUrl!), publishTimeoutMs: 2000 });
    } else {
      switchable = new SwitchableBus(harness.createBus());
      bus = switchable;
    }
    app = await startTestPlanningApp({
      events: { ...harness, createBus: () => bus },
      databaseUrlOverride: async (url) => {
        const target = new URL(url);
        dbProxy = await new TcpProxy(target.hostname, Number(target.port || 5432)).start();
        return dbProxy.urlFor(url);
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    await harness?.close();
    await brokerProxy?.stop();
    await dbProxy?.stop();
  });

  const cutBroker = () => (brokerProxy ? brokerProxy.cut() : (switchable!.down = true));
  const restoreBroker = () => (brokerProxy ? brokerProxy.restore() : (switchable!.down = false));

  it('when the broker is unreachable during 300 mutations, then every mutation succeeds and all 300 events arrive once it is back', async () => {
    const caller = aCaller();
    cutBroker();
    const ids: string[] = [];
    try {
      for (let i = 0; i < 300; i++) ids.push((await createTask(app, caller, { title: `during outage ${i}` })).id);
    } finally {
      restoreBroker();
    }
    const wanted = new Set(ids);
    await harness.waitForObserved((m) => new Set(m.filter((x) => wanted.has(x.body.data?.task_id)).map((x) => x.body.data.task_id)).size === 300, 40_000);
    const seen = harness.observed.filter((x) => wanted.has(x.body.data?.task_id));
    expect(new Set(seen.map((m) => m.messageId)).size).toBe(300);
  }, 90_000);

  it('when PostgreSQL is cut while an event waits to be consumed, then it is retried and takes effect once after recovery', async () => {
    const caller = aCaller();
    const settledBefore = app.worker!.settledDeliveries();
    dbProxy.cut();
    try {
      await harness.publishInbound('comms.call.ended', aCallEndedEvent(caller.orgId));
      // Its first delivery fails on the database and goes back to be retried.
      await waitUntil(() => app.worker!.settledDeliveries() > settledBefore, 20_000, 'the first delivery to fail');
    } finally {
      dbProxy.restore();
    }
    const count = async () => {
      const [row] = await app.orm.em.fork().execute('select count(*)::int as n from planning_tasks where org_id = ?', [caller.orgId]);
      return Number(row.n);
    };
    await waitUntil(async () => (await count()) === 1, 30_000, 'the callback task after recovery');
    // Once, not twice: a redelivery after the commit is a duplicate in the inbox (group-commit.test.ts shows that).
    const settledAtEffect = app.worker!.settledDeliveries();
    await harness.publishInbound('comms.call.ended', aCallEndedEvent(caller.orgId, { data: { contact: { name: 'Marker' } } }));
    await waitUntil(() => app.worker!.settledDeliveries() > settledAtEffect, 10_000, 'a later event to settle');
    await waitUntil(async () => (await count()) === 2, 10_000, 'the later event');
    expect(await count()).toBe(2);
    expect(await harness.deadLetters()).toEqual([]);
  }, 60_000);
});
