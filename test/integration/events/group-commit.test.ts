import { PLANNING_ENTITIES } from '../../../src/modules/planning-entities.js';
import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InboundEventProcessor, INBOUND_HANDLERS } from '../../../src/consumers/inbound-event-processor.js';
import type { InboundHandler } from '../../../src/consumers/inbound-handler.js';
import { CursorCodec } from '../../../src/modules/common/cursor.js';
import { migrateToLatest, openOrm } from '../../../src/platform/db/orm.js';
import type { HandlingOutcome, IncomingMessage } from '../../../src/platform/messaging/event-bus.js';
import { captureLogs, type CapturedLogs } from '../../testkit/captured-logs.js';
import { createEventHarness, type EventHarness, waitUntil } from '../../testkit/event-harness.js';
import { aCallEndedEvent } from '../../testkit/inbound-events.js';
import { aNewOrg } from '../../testkit/planning-app.js';
import { TcpProxy } from '../../testkit/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../../testkit/test-database.js';

/**
 * A handler that writes a task and then refuses the event with a PlanningError (a project that does not exist), so
 * a test can see that the refused event's own writes are rolled back while its group commits.
 */
const refusingHandler: InboundHandler<Record<string, unknown>> = {
  type: 'test.refused',
  dataSchema: z.record(z.string(), z.unknown()),
  async handle(_data, { tasks, actor }) {
    await tasks.createTasksFromEvent(actor, [{ title: 'written before the refusal' }], 'call_callback');
    await tasks.createTasksFromEvent(actor, [{ title: 'in a project nobody has', projectId: randomUUID() }], 'call_callback');
    return { created: [] };
  },
};

/** Creates one task, or refuses with a PlanningError while `refusing.now` is set (a stricter deploy, say). */
const refusing = { now: false };
const togglingHandler: InboundHandler<Record<string, unknown>> = {
  type: 'test.toggling',
  dataSchema: z.record(z.string(), z.unknown()),
  async handle(_data, { tasks, actor }) {
    const created = await tasks.createTasksFromEvent(actor, [{ title: refusing.now ? '' : 'Toggled' }], 'call_callback');
    return { created: created.map((t) => t.id) };
  },
};

const aDelivery = (routingKey: string, event: unknown): IncomingMessage => ({
  routingKey,
  body: Buffer.from(JSON.stringify(event)),
  messageId: undefined,
  headers: {},
  redeliveries: 0,
});
const aCallback = (orgId: string, name: string) => aCallEndedEvent(orgId, { data: { contact: { name } } });

describe('the consumer applies concurrent events by group commit', () => {
  let database: TestDatabase;
  let dbProxy: TcpProxy;
  let orm: MikroORM;
  let logs: CapturedLogs;
  let processor: InboundEventProcessor;
  let harness: EventHarness;
  /** Transactions this file's ORM committed: only the processor under test uses it. */
  let commits = 0;
  /** Runs once, just before the next commit (then forgotten). */
  let beforeNextCommit: (() => void) | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    const target = new URL(database.url);
    dbProxy = await new TcpProxy(target.hostname, Number(target.port || 5432)).start();
    orm = await openOrm({ entities: PLANNING_ENTITIES, clientUrl: dbProxy.urlFor(database.url), poolMax: database.kind === 'embedded' ? 1 : 5 });
    await migrateToLatest(orm);
    // A real failure in PostgreSQL, for this database only: a task whose title says "Explodes" is refused.
    await orm.em.fork().execute(`
      create function test_refuse_exploding_title() returns trigger language plpgsql as $$
      begin
        if new.title like '%Explodes%' then raise exception 'test trigger refuses %', new.title; end if;
        return new;
      end $$`);
    await orm.em
      .fork()
      .execute('create trigger test_refuse_exploding_title before insert on planning_tasks for each row execute function test_refuse_exploding_title()');
    orm.em.getEventManager().registerSubscriber({
      beforeTransactionCommit: () => {
        const hook = beforeNextCommit;
        beforeNextCommit = undefined;
        hook?.();
      },
      afterTransactionCommit: () => void commits++,
    });
    logs = captureLogs('info');
    processor = new InboundEventProcessor({
      orm,
      codec: new CursorCodec('test-cursor-secret-0123456789'),
      logger: logs.logger,
      handlers: [...INBOUND_HANDLERS, refusingHandler, togglingHandler],
    });
    harness = await createEventHarness();
  });
  afterAll(async () => {
    await harness?.close();
    await orm?.close(true);
    await dbProxy?.stop();
    await database?.drop();
  });
  beforeEach(() => {
    commits = 0;
  });

  const rows = async (sql: string, params: unknown[]) => orm.em.fork().execute<Array<Record<string, any>>>(sql, params);
  const taskTitlesOf = async (orgId: string) =>
    (await rows('select title from planning_tasks where org_id = ? order by position', [orgId])).map((r) => r.title as string);
  const createdEventsOf = async (orgId: string) =>
    rows(`select envelope from planning_outbox where event_type = 'planning.task.created' and envelope->>'org_id' = ?`, [orgId]);
  const inboxHas = async (eventId: string) => (await rows('select 1 from planning_inbox where event_id = ?', [eventId])).length === 1;

  it('when a group holds an event whose handler fails with a PlanningError after writing, then only that event is rolled back and dead-lettered, and the rest of the group is applied and acknowledged', async () => {
    const orgId = aNewOrg();
    const refused = { ...aCallEndedEvent(orgId), type: 'test.refused' };
    const outcomes = await Promise.all([
      processor.process(aDelivery('comms.call.ended', aCallback(orgId, 'First'))),
      processor.process(aDelivery('test.refused', refused)),
      processor.process(aDelivery('comms.call.ended', aCallback(orgId, 'Last'))),
    ]);

    expect(outcomes[0]).toEqual({ kind: 'ack' });
    expect(outcomes[1]).toMatchObject({ kind: 'dead-letter', reason: expect.stringMatching(/unprocessable test\.refused: NOT_FOUND: Project not found/) });
    expect(outcomes[2]).toEqual({ kind: 'ack' });
    expect(commits).toBe(1);
    // The refused event's task is gone, and so is the position it took.
    expect(await taskTitlesOf(orgId)).toEqual(['Call back First', 'Call back Last']);
    expect(await createdEventsOf(orgId)).toHaveLength(2);
    expect(await inboxHas(refused.id)).toBe(false);
  });

  it('when an event of a group fails in PostgreSQL (a trigger refuses its task), then that event alone is rolled back and retried, and the rest of the group commits', async () => {
    const orgId = aNewOrg();
    const broken = aCallback(orgId, 'Jana Explodes');
    const outcomes = await Promise.all([
      processor.process(aDelivery('comms.call.ended', aCallback(orgId, 'Before'))),
      processor.process(aDelivery('comms.call.ended', broken)),
      processor.process(aDelivery('comms.call.ended', aCallback(orgId, 'After'))),
    ]);

    expect(outcomes.map((o) => o.kind)).toEqual(['ack', 'retry', 'ack']);
    expect(commits).toBe(1);
    expect(await taskTitlesOf(orgId)).toEqual(['Call back Before', 'Call back After']);
    // Its inbox row was rolled back with it: a redelivery is not mistaken for a duplicate.
    expect(await inboxHas(broken.id)).toBe(false);
  });

  it('when an event alone in its group fails in PostgreSQL, then it is retried and leaves nothing behind', async () => {
    const orgId = aNewOrg();
    const broken = aCallback(orgId, 'Alone Explodes');
    expect(await processor.process(aDelivery('comms.call.ended', broken))).toMatchObject({ kind: 'retry' });
    expect(commits).toBe(0);
    expect(await taskTitlesOf(orgId)).toEqual([]);
    expect(await inboxHas(broken.id)).toBe(false);
  });

  it('when an event holds a NUL character (in the contact name), then it is dead-lettered at once naming the field, and its group commits without it', async () => {
    const orgId = aNewOrg();
    const outcomes = await Promise.all([
      processor.process(aDelivery('comms.call.ended', aCallback(orgId, 'Before'))),
      processor.process(aDelivery('comms.call.ended', aCallback(orgId, 'Jana\u0000Novak'))),
    ]);

    expect(outcomes[0]).toEqual({ kind: 'ack' });
    expect(outcomes[1]).toEqual({ kind: 'dead-letter', reason: 'invalid event: data.contact.name: must not contain the NUL character (U+0000)' });
    expect(await taskTitlesOf(orgId)).toEqual(['Call back Before']);
  });

  it('when a field the event does not store holds a NUL character (an unknown field, the source), then the event is applied as usual', async () => {
    const orgId = aNewOrg();
    const event = { ...aCallback(orgId, 'Clean'), source: 'comms\u0000', extra: 'x\u0000' };
    event.data = { ...event.data, unknown: '\u0000' };
    expect(await processor.process(aDelivery('comms.call.ended', event))).toEqual({ kind: 'ack' });
    expect(await taskTitlesOf(orgId)).toEqual(['Call back Clean']);
  });

  it('when a committed event comes again and its handler now refuses it, then it is acknowledged as a duplicate, alone or in a group', async () => {
    const orgId = aNewOrg();
    const event = { ...aCallEndedEvent(orgId), type: 'test.toggling' };
    expect(await processor.process(aDelivery('test.toggling', event))).toEqual({ kind: 'ack' });
    refusing.now = true;
    try {
      expect(await processor.process(aDelivery('test.toggling', event))).toEqual({ kind: 'ack' });
      const outcomes = await Promise.all([
        processor.process(aDelivery('comms.call.ended', aCallback(orgId, 'Before'))),
        processor.process(aDelivery('test.toggling', event)),
        processor.process(aDelivery('comms.call.ended', aCallback(orgId, 'After'))),
      ]);
      expect(outcomes).toEqual([{ kind: 'ack' }, { kind: 'ack' }, { kind: 'ack' }]);
    } finally {
      refusing.now = false;
    }
    expect(await taskTitlesOf(orgId)).toEqual(['Toggled', 'Call back Before', 'Call back After']);
  });

  it('when an event has the longest id and type the envelope allows, then it takes effect once and its redelivery is a duplicate', async () => {
    const orgId = aNewOrg();
    const longType: InboundHandler<Record<string, unknown>> = { ...INBOUND_HANDLERS[0]!, type: `comms.${'x'.repeat(94)}` };
    const longProcessor = new InboundEventProcessor({ orm, codec: new CursorCodec('test-cursor-secret-0123456789'), logger: logs.logger, handlers: [longType] });
    const event = { ...aCallback(orgId, 'Long Id'), id: 'i'.repeat(200), type: longType.type };

    expect(await longProcessor.process(aDelivery(longType.type, event))).toEqual({ kind: 'ack' });
    expect(await longProcessor.process(aDelivery(longType.type, event))).toEqual({ kind: 'ack' });
    expect(await taskTitlesOf(orgId)).toEqual(['Call back Long Id']);
    expect(await inboxHas(event.id)).toBe(true);
  });

  it('when two orgs send an event with the same id, then each takes effect in its own org, and each org\'s redelivery is a duplicate', async () => {
    const [first, second] = [aNewOrg(), aNewOrg()];
    const id = `dup-${randomUUID().slice(0, 8)}`;
    for (const orgId of [first, second, first, second]) {
      expect(await processor.process(aDelivery('comms.call.ended', { ...aCallback(orgId, orgId === first ? 'First' : 'Second'), id }))).toEqual({ kind: 'ack' });
    }
    expect(await taskTitlesOf(first)).toEqual(['Call back First']);
    expect(await taskTitlesOf(second)).toEqual(['Call back Second']);
  });

  it('when the same event is delivered twice in one group, then it takes effect once and both deliveries are acknowledged', async () => {
    const orgId = aNewOrg();
    const event = aCallback(orgId, 'Twice');
    const outcomes = await Promise.all([
      processor.process(aDelivery('comms.call.ended', event)),
      processor.process(aDelivery('comms.call.ended', aCallback(orgId, 'Between'))),
      processor.process(aDelivery('comms.call.ended', event)),
    ]);

    expect(outcomes).toEqual([{ kind: 'ack' }, { kind: 'ack' }, { kind: 'ack' }]);
    expect(commits).toBe(1);
    expect((await taskTitlesOf(orgId)).sort()).toEqual(['Call back Between', 'Call back Twice']);
    expect(await createdEventsOf(orgId)).toHaveLength(2);
    const handled = logs.records().filter((r) => r.msg === 'inbound event handled' && r.key === `id:${orgId}:comms.call.ended:${event.id}`);
    expect(handled.map((r) => r.outcome)).toEqual(['applied', 'duplicate']);
  });

  it('when the connection to PostgreSQL is lost as the group commits, then every event of the group is retried, none took effect, and redelivered each takes effect once', async () => {
    const orgs = [aNewOrg(), aNewOrg()];
    const events = [aCallback(orgs[0]!, 'A'), aCallback(orgs[1]!, 'B'), aCallback(orgs[0]!, 'C')];
    const refused = { ...aCallEndedEvent(orgs[1]!), type: 'test.refused' };
    const deliveries = [...events.map((e) => aDelivery('comms.call.ended', e)), aDelivery('test.refused', refused)];
    beforeNextCommit = () => dbProxy.cut();
    let outcomes: HandlingOutcome[];
    try {
      outcomes = await Promise.all(deliveries.map(processor.process));
    } finally {
      dbProxy.restore();
    }

    expect(outcomes.map((o) => o.kind)).toEqual(['retry', 'retry', 'retry', 'retry']);
    expect(commits).toBe(0);
    for (const orgId of orgs) {
      expect(await taskTitlesOf(orgId)).toEqual([]);
      expect(await createdEventsOf(orgId)).toEqual([]);
    }
    for (const event of events) expect(await inboxHas(event.id)).toBe(false);

    const redelivered = await Promise.all(deliveries.map(processor.process));
    expect(redelivered.map((o) => o.kind)).toEqual(['ack', 'ack', 'ack', 'dead-letter']);
    expect(await taskTitlesOf(orgs[0]!)).toEqual(['Call back A', 'Call back C']);
    expect(await taskTitlesOf(orgs[1]!)).toEqual(['Call back B']);
  });

  it('when 60 events wait in the queue and the consumer starts, then 60 tasks exist, each exactly once, from fewer commits than events', async () => {
    const orgs = [aNewOrg(), aNewOrg(), aNewOrg()];
    const events = Array.from({ length: 60 }, (_, i) => aCallback(orgs[i % orgs.length]!, `Contact ${i}`));
    for (const event of events) await harness.publishInbound('comms.call.ended', event);
    const settled: HandlingOutcome[] = [];
    const bus = harness.createBus();
    await bus.consume(processor.process, { prefetch: 20, onSettled: (_message, outcome) => void settled.push(outcome) });
    try {
      await waitUntil(() => settled.length === events.length, 20_000, 'every event settled');
    } finally {
      await bus.stopConsuming();
    }

    expect(settled.every((o) => o.kind === 'ack')).toBe(true);
    const titles = (await Promise.all(orgs.map(taskTitlesOf))).flat().sort();
    expect(titles).toEqual(events.map((e) => `Call back ${e.data.contact.name}`).sort());
    for (const orgId of orgs) expect(await createdEventsOf(orgId)).toHaveLength(20);
    expect(commits).toBeGreaterThan(0);
    expect(commits).toBeLessThan(events.length);
  });
});
