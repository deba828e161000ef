import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlanningModule, type PlanningCaller, type PlanningModule } from '../../../src/index.js';
import { createLogger } from '../../../src/platform/logging/logger.js';
import { aHostCaller, call, listen } from '../../testkit/host-platform.js';
import { createTestDatabase, type TestDatabase } from '../../testkit/test-database.js';

/**
 * The adapters with the real frameworks (Express 5, Fastify 5, devDependencies): each host authenticates in its
 * own way and puts the user on its request object, where the module's `caller` function reads it.
 */
describe('the Express and Fastify adapters', () => {
  let database: TestDatabase;
  let planning: PlanningModule;
  // The host's sign-in: a token per user, known to both hosts.
  const users = new Map<string, PlanningCaller>();

  beforeAll(async () => {
    database = await createTestDatabase();
    planning = createPlanningModule({
      platformMode: true,
      caller: (request) => request.user as PlanningCaller | undefined,
      eventPublisher: { publish: () => {} },
      database: database.url,
      logger: createLogger('silent'),
    });
    await planning.startup();
  });

  afterAll(async () => {
    await planning?.shutdown();
    await database?.drop();
  });

  const userOf = (authorization: string | undefined) => users.get(/^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '');

  describe('Express', () => {
    let server: Awaited<ReturnType<typeof listen>>;

    beforeAll(async () => {
      const app = express();
      // The host's own JSON parsing runs first: the adapter hands the parsed body to the module.
      app.use(express.json());
      app.use((req, _res, next) => {
        (req as IncomingMessage & { user?: PlanningCaller }).user = userOf(req.headers.authorization);
        next();
      });
      app.use('/api/planning', planning.express());
      app.post('/graphql', planning.express(planning.graphqlHandler));
      server = await listen(app);
    });

    afterAll(() => server?.close());

    it('when Express mounts the module at /api/planning after express.json(), then a logged-in user creates, reads and lists tasks', async () => {
      const caller = aHostCaller();
      users.set('express-user', caller);

      const created = await call(`${server.url}/api/planning/tasks`, { method: 'POST', token: 'express-user', body: { title: 'From Express', tags: ['host'] } });
      const read = await call(`${server.url}/api/planning/tasks/${created.body.id}`, { token: 'express-user' });
      const listed = await call(`${server.url}/api/planning/tasks?tag=host`, { token: 'express-user' });
      const graphql = await call(`${server.url}/graphql`, { method: 'POST', token: 'express-user', body: { query: '{ tasks { totalCount } }' } });

      expect(created).toMatchObject({ status: 200, body: { title: 'From Express', userId: caller.userId, tags: ['host'] } });
      expect(read.body.id).toBe(created.body.id);
      expect(listed.body.tasks).toHaveLength(1);
      expect(graphql.body).toEqual({ data: { tasks: { totalCount: 1 } } });
    });

    it('when Express hands over a request without a user, then the module answers 401', async () => {
      expect((await call(`${server.url}/api/planning/tasks`)).status).toBe(401);
    });
  });

  describe('Fastify', () => {
    let app: FastifyInstance;
    let url: string;

    beforeAll(async () => {
      app = Fastify();
      app.decorateRequest('user', undefined);
      app.addHook('onRequest', async (request) => {
        (request as unknown as { user?: PlanningCaller }).user = userOf(request.headers.authorization);
      });
      await app.register(planning.fastify(), { prefix: '/api/planning' });
      await app.register(planning.fastify(planning.graphqlHandler), { prefix: '/graphql' });
      await app.listen({ port: 0, host: '127.0.0.1' });
      url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    });

    afterAll(() => app?.close());

    it('when Fastify registers the module under /api/planning, then a user its hook authenticated creates, completes and lists tasks', async () => {
      const caller = aHostCaller();
      users.set('fastify-user', caller);

      const created = await call(`${url}/api/planning/tasks`, { method: 'POST', token: 'fastify-user', body: { title: 'From Fastify' } });
      const completed = await call(`${url}/api/planning/tasks/${created.body.id}/complete`, { method: 'POST', token: 'fastify-user' });
      const listed = await call(`${url}/api/planning/tasks?status=COMPLETED`, { token: 'fastify-user' });
      const graphql = await call(`${url}/graphql`, { method: 'POST', token: 'fastify-user', body: { query: '{ tasks { totalCount } }' } });

      expect(created).toMatchObject({ status: 200, body: { title: 'From Fastify', userId: caller.userId } });
      expect(completed).toMatchObject({ status: 200, body: { status: 'COMPLETED' } });
      expect(listed.body.tasks.map((t: { id: string }) => t.id)).toEqual([created.body.id]);
      expect(graphql.body).toEqual({ data: { tasks: { totalCount: 1 } } });
    });

    it('when Fastify hands over a request without a user, then the module answers 401; an unknown route under the prefix is the module\'s 404', async () => {
      expect((await call(`${url}/api/planning/tasks`)).status).toBe(401);
      expect(await call(`${url}/api/planning/nothing-here`, { token: 'fastify-user' })).toMatchObject({ status: 404, body: { detail: 'Not Found' } });
    });
  });
});
