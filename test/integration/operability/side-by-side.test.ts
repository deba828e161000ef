import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqplib from 'amqplib';
import { afterEach, describe, expect, it } from 'vitest';
import { waitUntil } from '../../testkit/event-harness.js';
import { aCallEndedEvent } from '../../testkit/inbound-events.js';
import { serviceSettings } from '../../testkit/services.js';
import { createTestDatabase, type TestDatabase } from '../../testkit/test-database.js';
import { CliChild, freePort } from './cli-child.js';

const { databaseUrl, redisUrl, rabbitmqUrl } = serviceSettings();

/** The URL the banner prints for `label` (gateway, planning, comms, worker). */
function bannerUrl(stderr: string, label: string): string {
  const match = new RegExp(`^\\s+${label}\\s+(http://\\S+)`, 'm').exec(stderr);
  if (!match) throw new Error(`no ${label} URL in the banner:\n${stderr}`);
  return match[1]!;
}

async function login(origin: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${origin}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  expect(response.status).toBe(200);
  return (await response.json()).access_token;
}

async function graphql(origin: string, token: string, query: string, variables?: Record<string, unknown>): Promise<any> {
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  expect({ status: response.status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
  return body.data;
}

/**
 * Reports a call as comms would: on RabbitMQ's exchange when the stack uses one, else through the stack's own
 * in-process bus (`POST /dev/events` of its planning subgraph).
 */
async function reportCall(stack: { exchange?: string; planning: URL }, event: Record<string, unknown>): Promise<void> {
  if (!stack.exchange) {
    const injected = await fetch(new URL('/dev/events', stack.planning), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });
    expect(injected.status).toBe(202);
    return;
  }
  const connection = await amqplib.connect(rabbitmqUrl!);
  const channel = await connection.createConfirmChannel();
  channel.publish(stack.exchange, 'comms.call.ended', Buffer.from(JSON.stringify(event)), { persistent: true, contentType: 'application/json' });
  await channel.waitForConfirms();
  await connection.close();
}

/**
 * Two complete stacks (`focus-kraliki start`) on one machine, as separate processes, each told only its own
 * ports: no SUBGRAPH_*_URL, so each gateway must route to the subgraphs its own process bound.
 */
describe('ports of the combined start', () => {
  const children: CliChild[] = [];
  const dataDirs: string[] = [];
  const databases: TestDatabase[] = [];

  afterEach(async () => {
    for (const child of children.splice(0)) await child.kill();
    for (const database of databases.splice(0)) await database.drop();
    for (const dir of dataDirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  const newDataDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'side-by-side-'));
    dataDirs.push(dir);
    return dir;
  };

  /** Stack A: every port 0 (PORT=0 makes the other roles default to 0 too), on the shared services when they are set. */
  async function startStackOnAnyPorts(): Promise<{ child: CliChild; email: string; password: string; orgId: string; exchange?: string }> {
    const dataDir = await newDataDir();
    const suffix = randomBytes(4).toString('hex');
    const env: Record<string, string> = { PORT: '0', PLANNING_DATA_DIR: dataDir };
    let credentials = { email: 'test@example.com', password: 'password', orgId: 'demo' };
    if (databaseUrl) {
      const database = await createTestDatabase();
      databases.push(database);
      env.DATABASE_URL = database.url;
      credentials = { email: `a-${suffix}@example.com`, password: 'stack-a-password', orgId: `org-a-${suffix}` };
      const userAdd = new CliChild(['user', 'add', '--email', credentials.email, '--password', credentials.password, '--org', `org-a-${suffix}`, '--roles', 'admin'], env);
      expect((await userAdd.exited).code).toBe(0);
    }
    if (redisUrl) Object.assign(env, { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `test:${suffix}:` });
    if (rabbitmqUrl) {
      Object.assign(env, {
        RABBITMQ_URL: rabbitmqUrl,
        EVENTS_EXCHANGE: `platform.events.${suffix}`,
        EVENTS_QUEUE: `planning.events.${suffix}`,
        EVENTS_DEAD_LETTER_EXCHANGE: `platform.events.dlx.${suffix}`,
        EVENTS_DEAD_LETTER_QUEUE: `planning.events.dead.${suffix}`,
      });
    }
    const child = new CliChild(['start'], env);
    children.push(child);
    return { child, ...credentials, exchange: rabbitmqUrl ? env.EVENTS_EXCHANGE : undefined };
  }

  it('when two stacks run side by side with different PORTs and no SUBGRAPH_*_URL, then each gateway routes to its own subgraphs: login, GraphQL (both subgraphs) and REST work on both, each on its own data', async () => {
    const a = await startStackOnAnyPorts();
    // Stack B: the gateway and the planning subgraph on ports the test chose, on its own embedded database.
    const [portB, planningPortB] = [await freePort(), await freePort()];
    const b = new CliChild(['start'], { PORT: String(portB), PLANNING_PORT: String(planningPortB), COMMS_PORT: '0', WORKER_PORT: '0', PLANNING_DATA_DIR: await newDataDir() });
    children.push(b);
    await Promise.all([a.child.waitForStderr('is ready', 120_000), b.waitForStderr('is ready', 120_000)]);

    const stacks = [
      { name: 'A', child: a.child, email: a.email, password: a.password, orgId: a.orgId, exchange: a.exchange },
      { name: 'B', child: b, email: 'test@example.com', password: 'password', orgId: 'demo', exchange: undefined },
    ].map((stack) => ({
      ...stack,
      origin: new URL(bannerUrl(stack.child.stderr, 'gateway')).origin,
      bound: ['planning', 'comms', 'worker'].map((label) => new URL(bannerUrl(stack.child.stderr, label))),
    }));
    expect(new URL(stacks[1]!.origin).port).toBe(String(portB));
    expect(stacks[1]!.bound[0]!.port).toBe(String(planningPortB));
    // The banner shows the ports each role bound, never 0, and no two roles share one.
    const allPorts = stacks.flatMap((stack) => [new URL(stack.origin).port, ...stack.bound.map((url) => url.port)]);
    expect(allPorts.every((port) => Number(port) > 0)).toBe(true);
    expect(new Set(allPorts).size).toBe(8);
    for (const stack of stacks) for (const url of stack.bound) expect((await fetch(new URL('/health', url))).status).toBe(200);

    for (const stack of stacks) {
      const token = await login(stack.origin, stack.email, stack.password);
      const created = await graphql(stack.origin, token, `mutation { createTask(input: {title: "made on stack ${stack.name}", priority: HIGH}) { id title } }`);
      expect(created.createTask.title).toBe(`made on stack ${stack.name}`);
      // Task.callbacks comes from the comms subgraph: the gateway reaches both subgraphs of its stack.
      const listed = await graphql(stack.origin, token, '{ tasks(first: 5) { totalCount edges { node { title callbacks { phone } } } } }');
      expect(listed.tasks).toEqual({ totalCount: 1, edges: [{ node: { title: `made on stack ${stack.name}`, callbacks: [] } }] });
      // The comms example of the stack hears the calls on the stack's bus (RabbitMQ, or the in-process one).
      const call = aCallEndedEvent(stack.orgId, { data: { task_id: created.createTask.id, outcome: 'completed', callback_time: undefined } });
      await reportCall({ exchange: stack.exchange, planning: stack.bound[0]! }, call);
      const callsOf = async () => (await graphql(stack.origin, token, 'query($id: ID!) { task(id: $id) { callbacks { id outcome phone } } }', { id: created.createTask.id })).task.callbacks;
      await waitUntil(async () => (await callsOf()).length > 0, 10_000, `stack ${stack.name}'s comms example to hear the call`);
      expect(await callsOf()).toEqual([{ id: call.data.call_id, outcome: 'completed', phone: '+420 777 123 456' }]);

      const rest = await fetch(`${stack.origin}/api/planning/tasks`, { headers: { authorization: `Bearer ${token}` } });
      expect(rest.status).toBe(200);
      expect((await rest.json()).tasks.map((task: { title: string }) => task.title)).toEqual([`made on stack ${stack.name}`]);

      const ready = await fetch(`${stack.origin}/ready`);
      expect(ready.status).toBe(200);
      expect((await ready.json()).checks).toMatchObject({ 'subgraph:planning': 'ok', 'subgraph:comms': 'ok' });
    }

    for (const stack of stacks) stack.child.signal('SIGTERM');
    for (const stack of stacks) expect((await stack.child.exited).code).toBe(0);
  }, 180_000);

  it('when PLANNING_PORT is held by another process, then start exits 1 with one message naming PLANNING_PORT and the port, before any role started or anything was written', async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const held = (holder.address() as AddressInfo).port;
    try {
      const dataDir = await newDataDir();
      const child = new CliChild(['start'], { PORT: '0', PLANNING_PORT: String(held), COMMS_PORT: '0', WORKER_PORT: '0', PLANNING_DATA_DIR: dataDir });
      children.push(child);
      const exit = await child.exited;

      expect(exit.code).toBe(1);
      expect(child.stderr.trim()).toBe(`Cannot start: PLANNING_PORT ${held} is already in use (on 127.0.0.1); choose another port, or 0 for any free port`);
      expect(child.stdout).not.toContain('worker started');
      expect(child.stdout).not.toContain('listening on');
      // Neither the development key nor the embedded database was created.
      expect(await readdir(dataDir)).toEqual([]);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  }, 60_000);
});
