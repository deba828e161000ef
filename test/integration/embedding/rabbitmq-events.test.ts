import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlanningModule, type PlanningModule } from '../../../src/index.js';
import { createLogger } from '../../../src/platform/logging/logger.js';
import { createEventHarness, type EventHarness, waitUntil } from '../../testkit/event-harness.js';
import { aHostCaller, call, listen } from '../../testkit/host-platform.js';
import { aCallEndedEvent } from '../../testkit/inbound-events.js';
import { serviceSettings } from '../../testkit/services.js';
import { createTestDatabase, type TestDatabase } from '../../testkit/test-database.js';

/** Without a host eventPublisher, the module speaks RabbitMQ itself: it publishes to the exchange and consumes its queue. */
describe.runIf(serviceSettings().rabbitmqUrl)('createPlanningModule on RabbitMQ (no eventPublisher)', () => {
  let events: EventHarness;
  let database: TestDatabase;
  let planning: PlanningModule;
  let host: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    events = await createEventHarness();
    database = await createTestDatabase();
    const { exchange, queue, deadLetterExchange, deadLetterQueue } = events.topology;
    planning = createPlanningModule({
      platformMode: true,
      caller: 'headers',
      database: database.url,
      rabbitmq: { url: serviceSettings().rabbitmqUrl!, exchange, queue, deadLetterExchange, deadLetterQueue },
      logger: createLogger('silent'),
    });
    await planning.startup();
    host = await listen((req, res) => void planning.handler(req, res));
  });

  afterAll(async () => {
    await host?.close();
    await planning?.shutdown();
    await events?.close();
    await database?.drop();
  });

  it('when another module publishes comms.call.ended to the exchange, then the module consumes it into a task and publishes planning.task.created there', async () => {
    const caller = aHostCaller();
    const headers = { 'x-user-id': caller.userId, 'x-org-id': caller.orgId, 'x-roles': 'member' };
    const event = aCallEndedEvent(caller.orgId);

    await events.publishInbound('comms.call.ended', event, { messageId: event.id });
    await waitUntil(async () => (await call(`${host.url}/api/planning/tasks`, { headers })).body.total === 1, 10_000, 'the call-back task');
    const [task] = (await call(`${host.url}/api/planning/tasks`, { headers })).body.tasks;
    await events.waitForObserved((messages) => messages.some((m) => m.routingKey === 'planning.task.created' && m.body.data.task_id === task.id));

    expect(task).toMatchObject({ title: 'Call back Jana Novak', metadata: { callId: event.data.call_id } });
    expect(await planning.healthCheck()).toMatchObject({ status: 'ok', checks: { postgres: 'ok', rabbitmq: 'ok' } });
  });
});
