import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logging/logger.js';
import { devEventInjector } from '../../src/platform/messaging/dev-event-injector.js';
import { DEFAULT_TOPOLOGY } from '../../src/platform/messaging/event-bus.js';
import { InProcessEventBus, topicMatches } from '../../src/platform/messaging/in-process-event-bus.js';

describe('development event injector (in-process bus)', () => {
  const bus = new InProcessEventBus(DEFAULT_TOPOLOGY, createLogger('silent'));
  const delivered: string[] = [];
  let server: Server;
  let url: string;
  beforeAll(async () => {
    await bus.consume(async (m) => {
      delivered.push(m.routingKey);
      return { kind: 'ack' };
    }, { prefetch: 1 });
    server = createServer(devEventInjector(bus));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev/events`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = (body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('when a consumed event type is posted, then it reaches the planning queue', async () => {
    const response = await post(JSON.stringify({ type: 'agents.workflow.suggested', data: {} }));
    expect(response.status).toBe(202);
    expect(delivered).toContain('agents.workflow.suggested');
  });

  it('when the type is not consumed or the body is not JSON, then it is refused in the REST shape and nothing is delivered', async () => {
    const before = delivered.length;
    const notConsumed = await post(JSON.stringify({ type: 'planning.task.created' }));
    expect(notConsumed.status).toBe(422);
    expect(await notConsumed.json()).toEqual({ detail: [{ loc: ['body', 'type'], msg: expect.stringMatching(/^must be one of: .*comms\.call\.ended/), type: 'value_error' }] });
    const noType = await post('{}');
    expect(await noType.json()).toEqual({ detail: [{ loc: ['body', 'type'], msg: 'Field required', type: 'missing' }] });
    const notJson = await post('{oops');
    expect(notJson.status).toBe(422);
    expect(await notJson.json()).toEqual({ detail: [{ loc: ['body'], msg: 'Request body is not valid JSON', type: 'json_invalid' }] });
    expect((await post('null')).status).toBe(422);
    const get = await fetch(url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(await get.json()).toEqual({ detail: 'Method Not Allowed' });
    expect(delivered.length).toBe(before);
  });

  it('when topic patterns are matched, then * is one word and # any number', () => {
    expect(topicMatches('planning.#', 'planning.task.created')).toBe(true);
    expect(topicMatches('planning.*', 'planning.task.created')).toBe(false);
    expect(topicMatches('planning.*.created', 'planning.task.created')).toBe(true);
    expect(topicMatches('#', 'anything.at.all')).toBe(true);
    expect(topicMatches('comms.call.ended', 'comms.call.started')).toBe(false);
  });
});
