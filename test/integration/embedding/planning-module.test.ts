import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlanningModule, type PlanningModule } from '../../../src/index.js';
import { createLogger } from '../../../src/platform/logging/logger.js';
import { aCallEndedEvent, aWorkflowSuggestedEvent } from '../../testkit/inbound-events.js';
import { aHostCaller, call, CollectingPublisher, HostSessions, listen } from '../../testkit/host-platform.js';
import { serviceSettings } from '../../testkit/services.js';
import { TcpProxy } from '../../testkit/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../../testkit/test-database.js';

describe('createPlanningModule in platform mode, mounted in a plain Node host', () => {
  const sessions = new HostSessions();
  const publisher = new CollectingPublisher();
  let database: TestDatabase;
  let planning: PlanningModule;
  let host: Awaited<ReturnType<typeof listen>>;
  let hostCallerFails = false;

  beforeAll(async () => {
    database = await createTestDatabase();
    const { redisUrl } = serviceSettings();
    planning = createPlanningModule({
      platformMode: true,
      caller: (request) => {
        if (hostCallerFails) throw new Error('session store down');
        return sessions.callerOf(request);
      },
      eventPublisher: publisher,
      database: database.url,
      redis: redisUrl ? { url: redisUrl, keyPrefix: `planning-module-test-${randomUUID().slice(0, 8)}:` } : undefined,
      logger: createLogger('silent'),
      outbox: { pollMs: 100 },
    });
    await planning.startup();
    host = await listen((req, res) => {
      if (req.url?.startsWith(planning.basePath)) return void planning.handler(req, res);
      if (req.url === '/graphql') return void planning.graphqlHandler(req, res);
      res.writeHead(404).end();
    });
  });

  afterAll(async () => {
    await host?.close();
    await planning?.shutdown();
    await database?.drop();
  });

  it('when the host has logged a member in, then the REST API creates a task for them and lists it in the envelope', async () => {
    const caller = aHostCaller();
    const token = sessions.logIn(caller);

    const created = await call(`${host.url}/api/planning/tasks`, { method: 'POST', token, body: { title: 'Write the plan', priority: 'high' } });
    const listed = await call(`${host.url}/api/planning/tasks`, { token });

    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ title: 'Write the plan', priority: 3, status: 'PENDING', userId: caller.userId });
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ total: 1, next_cursor: null });
    expect(listed.body.tasks.map((t: { id: string }) => t.id)).toEqual([created.body.id]);
  });

  it('when the host gives no caller, then the REST API answers 401 with WWW-Authenticate', async () => {
    const answer = await call(`${host.url}/api/planning/tasks`);

    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(answer.body.detail).toBe('Not authenticated');
  });

  it('when the host cannot establish the caller (its function throws), then the REST API answers 503 and nothing is written', async () => {
    const token = sessions.logIn(aHostCaller());
    hostCallerFails = true;
    try {
      const answer = await call(`${host.url}/api/planning/tasks`, { method: 'POST', token, body: { title: 'Never written' } });
      expect(answer.status).toBe(503);
    } finally {
      hostCallerFails = false;
    }
    expect((await call(`${host.url}/api/planning/tasks`, { token })).body.tasks).toEqual([]);
  });

  it("when a caller of another org asks for a task by id, then it is 404 as if it did not exist", async () => {
    const owner = sessions.logIn(aHostCaller());
    const stranger = sessions.logIn(aHostCaller());
    const created = await call(`${host.url}/api/planning/tasks`, { method: 'POST', token: owner, body: { title: 'Mine' } });

    const answer = await call(`${host.url}/api/planning/tasks/${created.body.id}`, { token: stranger });

    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ detail: 'Task not found' });
  });

  it('when a task is created, then the host eventPublisher receives planning.task.created with the request id', async () => {
    const token = sessions.logIn(aHostCaller());
    const created = await call(`${host.url}/api/planning/tasks`, { method: 'POST', token, body: { title: 'Announced' }, headers: { 'x-request-id': 'req-module-1' } });

    const { event, delivery } = await publisher.until((e) => e.type === 'planning.task.created' && e.data.task_id === created.body.id);

    expect(event).toMatchObject({ source: 'planning', data: { title: 'Announced', source: 'api' } });
    expect(delivery).toMatchObject({ messageId: event.id, headers: { 'x-request-id': 'req-module-1' } });
  });

  it('when the host eventPublisher fails, then the outbox hands the event over again until it succeeds', async () => {
    const token = sessions.logIn(aHostCaller());
    const attemptsBefore = publisher.attempts;
    publisher.failNext = 2;

    const created = await call(`${host.url}/api/planning/tasks`, { method: 'POST', token, body: { title: 'Delivered at last' } });
    const { event } = await publisher.until((e) => e.data.task_id === created.body.id);

    expect(created.status).toBe(200);
    expect(event.type).toBe('planning.task.created');
    expect(publisher.attempts - attemptsBefore).toBeGreaterThanOrEqual(3);
    expect(publisher.published.filter((p) => p.event.id === event.id)).toHaveLength(1);
  });

  it('when the same comms.call.ended event is handled three times, two of them at once, then one call-back task exists', async () => {
    const caller = aHostCaller();
    const event = aCallEndedEvent(caller.orgId);
    event.user_id = caller.userId;

    const outcomes = await Promise.all([planning.handleEvent(event), planning.handleEvent(JSON.stringify(event))]);
    outcomes.push(await planning.handleEvent(event));
    const tasks = (await call(`${host.url}/api/planning/tasks`, { token: sessions.logIn(caller) })).body.tasks;

    expect(outcomes).toEqual([{ status: 'processed' }, { status: 'processed' }, { status: 'processed' }]);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ title: 'Call back Jana Novak', priority: 3, userId: caller.userId, metadata: { source: 'call', callId: event.data.call_id, campaignId: 'campaign-42' } });
  });

  it('when an agents.workflow.suggested event is handled, then its steps become tasks in step order', async () => {
    const caller = aHostCaller();
    const event = aWorkflowSuggestedEvent(caller.orgId);
    event.user_id = caller.userId;

    expect(await planning.handleEvent(event)).toEqual({ status: 'processed' });

    const tasks = (await call(`${host.url}/api/planning/tasks`, { token: sessions.logIn(caller) })).body.tasks as Array<{ title: string; position: number }>;
    expect([...tasks].sort((a, b) => a.position - b.position).map((t) => t.title)).toEqual(['Collect the signed contract', 'Create the customer account', 'Send the welcome pack']);
  });

  it('when an event is of a type the module does not consume, then it is ignored; when it is malformed, then it is rejected naming the field', async () => {
    const ignored = await planning.handleEvent({ type: 'billing.invoice.paid', user_id: 'u', org_id: 'o', data: {} });
    const malformed = await planning.handleEvent('{not json');
    const invalid = await planning.handleEvent({ type: 'comms.call.ended', user_id: 'u', org_id: 'o', data: { call_id: 'c', outcome: 'callback_requested' } });

    expect(ignored).toEqual({ status: 'ignored', reason: 'planning does not consume billing.invoice.paid events' });
    expect(malformed.status).toBe('rejected');
    expect(invalid).toEqual({ status: 'rejected', reason: expect.stringContaining('data.contact') });
  });

  it('when the host serves the subgraph handler, then a GraphQL query answers for the caller of the host', async () => {
    const caller = aHostCaller();
    const token = sessions.logIn(caller);
    await call(`${host.url}/api/planning/tasks`, { method: 'POST', token, body: { title: 'Seen through GraphQL' } });

    const answer = await call(`${host.url}/graphql`, { method: 'POST', token, body: { query: '{ tasks(first: 5) { totalCount edges { node { title owner { id } } } } }' } });
    const anonymous = await call(`${host.url}/graphql`, { method: 'POST', body: { query: '{ tasks { totalCount } }' } });

    expect(answer.body).toEqual({ data: { tasks: { totalCount: 1, edges: [{ node: { title: 'Seen through GraphQL', owner: { id: caller.userId } } }] } } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('when the module runs, then healthCheck reports ok with each dependency in the shape the platform aggregates', async () => {
    const health = await planning.healthCheck();

    expect(health).toEqual({
      status: 'ok',
      latencyMs: expect.any(Number),
      checks: serviceSettings().redisUrl ? { postgres: 'ok', redis: 'ok' } : { postgres: 'ok' },
      version: planning.config.version,
    });
  });

  it('when tasks were created over REST and from events, then the metrics registry counts them by source, labelled with the module', async () => {
    const text = await planning.metrics.metrics();

    expect(text).toMatch(/planning_tasks_created_total\{source="api",module="focus-kraliki"\} [1-9]/);
    expect(text).toMatch(/planning_tasks_created_total\{source="call_callback",module="focus-kraliki"\} 1/);
    expect(text).toMatch(/planning_events_consumed_total\{type="comms.call.ended",module="focus-kraliki"\} 3/);
    expect(text).toMatch(/http_request_duration_seconds_count\{module="focus-kraliki",method="POST",route="\/api\/planning\/tasks",status="200"\} [1-9]/);
    expect(text).not.toMatch(/^process_cpu/m);
  });
});

describe('createPlanningModule outside its lifetime', () => {
  it('when a module is not started, then its handler answers 503, handleEvent refuses and healthCheck is down', async () => {
    const planning = createPlanningModule({ platformMode: true, caller: 'headers', logger: createLogger('silent') });
    const host = await listen((req, res) => void planning.handler(req, res));
    try {
      const answer = await call(`${host.url}/api/planning/tasks`, { headers: { 'x-user-id': 'u1', 'x-org-id': 'o1' } });

      expect(answer.status).toBe(503);
      await expect(planning.handleEvent(aCallEndedEvent('o1'))).rejects.toMatchObject({ code: 'NOT_STARTED' });
      expect(await planning.healthCheck()).toMatchObject({ status: 'down', error: 'not started' });
    } finally {
      await host.close();
    }
  });

  it('when the database cannot be reached at startup, then startup rejects, the module stays not started, and a later startup succeeds', async () => {
    const database = await createTestDatabase();
    const target = new URL(database.url);
    const proxy = await new TcpProxy(target.hostname, Number(target.port || 5432)).start();
    const planning = createPlanningModule({ platformMode: true, caller: 'headers', database: proxy.urlFor(database.url), logger: createLogger('silent') });
    try {
      proxy.cut();
      await expect(planning.startup()).rejects.toThrow();
      expect(await planning.healthCheck()).toMatchObject({ status: 'down', error: 'not started' });

      proxy.restore();
      await planning.startup();

      expect(await planning.healthCheck()).toMatchObject({ status: 'ok' });
    } finally {
      await planning.shutdown();
      await proxy.stop();
      await database.drop();
    }
  });

  it('when a module was shut down, then it answers 503 and cannot be started again', async () => {
    const database = await createTestDatabase();
    const planning = createPlanningModule({ platformMode: true, caller: 'headers', database: database.url, logger: createLogger('silent') });
    try {
      await planning.startup();
      await planning.shutdown();
      const host = await listen((req, res) => void planning.handler(req, res));
      const answer = await call(`${host.url}/api/planning/tasks`, { headers: { 'x-user-id': 'u1', 'x-org-id': 'o1' } });
      await host.close();

      expect(answer.status).toBe(503);
      await expect(planning.startup()).rejects.toMatchObject({ code: 'ALREADY_STOPPED' });
    } finally {
      await database.drop();
    }
  });
});

describe('createPlanningModule in platform mode with rate limits turned on', () => {
  it('when a caller spends the user budget, then the next request is 429 with Retry-After and the budget headers', async () => {
    const database = await createTestDatabase();
    const { redisUrl } = serviceSettings();
    const planning = createPlanningModule({
      platformMode: true,
      caller: 'headers',
      database: database.url,
      redis: redisUrl ? { url: redisUrl, keyPrefix: `planning-limits-test-${randomUUID().slice(0, 8)}:` } : undefined,
      rateLimits: { userPerMinute: 5 },
      logger: createLogger('silent'),
    });
    const host = await listen((req, res) => void planning.handler(req, res));
    try {
      await planning.startup();
      const caller = aHostCaller();
      const headers = { 'x-user-id': caller.userId, 'x-org-id': caller.orgId, 'x-roles': 'member' };

      // A list page of 50 costs 4 units (1 + 50 rows / 20, rounded up), a read by id 1: 5 units in all.
      const first = await call(`${host.url}/api/planning/tasks`, { headers });
      const second = await call(`${host.url}/api/planning/tasks/${randomUUID()}`, { headers });
      const refused = await call(`${host.url}/api/planning/tasks/${randomUUID()}`, { headers });

      expect([first.status, second.status]).toEqual([200, 404]);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.headers.get('ratelimit-policy')).toBe('"user";q=5;w=60');
    } finally {
      await host.close();
      await planning.shutdown();
      await database.drop();
    }
  });
});
