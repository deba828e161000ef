import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import { createPlanningModule, type PlanningCaller } from '../../../src/index.js';

describe('createPlanningModule options', () => {
  it('when several options are wrong, then one INVALID_OPTIONS error names every one of them', () => {
    let thrown: unknown;
    try {
      createPlanningModule({
        platformMode: true,
        database: 'mysql://localhost/planning',
        redis: 'http://localhost:6379',
        rabbitmq: 'amqp://localhost',
        eventPublisher: { publish: () => {} },
        cursorSecret: 'short',
        logger: 'silent',
      });
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toMatchObject({ name: 'PlanningModuleError', code: 'INVALID_OPTIONS' });
    expect((thrown as { problems: string[] }).problems.map((p) => p.split(':')[0])).toEqual(['caller', 'database.url', 'redis', 'rabbitmq', 'cursorSecret']);
  });

  it('when standalone mode is given no token issuer keys, then it is refused with a pointer to platform mode', () => {
    expect(() => createPlanningModule({ logger: 'silent' })).toThrow(/auth: standalone mode needs the token issuer's keys .*platformMode: true/);
  });

  it('when production is on without a cursor secret, then it is refused', () => {
    expect(() => createPlanningModule({ platformMode: true, caller: 'headers', production: true, logger: 'silent' })).toThrow(/cursorSecret: required in production/);
  });

  it('when the options are valid, then the module is created without opening anything and names itself', () => {
    const planning = createPlanningModule({ platformMode: true, caller: 'headers', logger: 'silent' });

    expect(planning).toMatchObject({ name: 'focus-kraliki', basePath: '/api/planning', consumes: ['comms.call.ended', 'agents.workflow.suggested'] });
    expect(planning.typeDefs).toContain('type Task @key(fields: "id")');
  });

  it('when the caller function is typed with the host framework\'s request, then the module takes it as it is', () => {
    const forExpress = createPlanningModule({ platformMode: true, caller: (req: Request & { user?: PlanningCaller }) => req.user, logger: 'silent' });
    const forNode = createPlanningModule({ platformMode: true, caller: async (req: IncomingMessage) => (req.headers['x-session'] ? { userId: 'u1', orgId: 'o1', roles: ['viewer'] } : null), logger: 'silent' });

    expect([forExpress.name, forNode.name]).toEqual(['focus-kraliki', 'focus-kraliki']);
  });
});
