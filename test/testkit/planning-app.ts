import { PLANNING_ENTITIES } from '../../src/modules/planning-entities.js';
import { randomUUID } from 'node:crypto';
import { migrateToLatest, openOrm, QueryCounter } from '../../src/platform/db/orm.js';
import { createLogger } from '../../src/platform/logging/logger.js';
import { HeaderCallerResolver } from '../../src/subgraph/caller-from-request.js';
import { type RunningPlanningSubgraph, startPlanningSubgraph } from '../../src/subgraph/planning-server.js';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { startWorker } from '../../src/main/worker-role.js';
import type { EventHarness } from './event-harness.js';
import type { Registry } from 'prom-client';
import type { PlanningFeatures } from '../../src/subgraph/planning-features.js';
import type { PlanningDataVersions } from '../../src/platform/cache/planning-data-cache.js';

/** A caller as the test sends it (headers trust mode). */
export interface TestCaller {
  userId: string;
  orgId: string;
  roles: string[];
}

export interface GraphQLResult<T = any> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
}

export interface TestPlanningApp {
  url: string;
  orm: MikroORM;
  database: TestDatabase;
  subgraph: RunningPlanningSubgraph;
  /** The outbox relay and consumer, when started with `events`. */
  worker: Awaited<ReturnType<typeof startWorker>> | undefined;
  /** Counts every SQL statement the subgraph sends. */
  queries: QueryCounter;
  /** Sends a GraphQL request over HTTP as `caller` (no caller headers when null). */
  gql<T = any>(caller: TestCaller | null, query: string, variables?: Record<string, unknown>): Promise<GraphQLResult<T>>;
  /** Like gql, but fails the test on any GraphQL error, and returns `data`. */
  ok<T = any>(caller: TestCaller, query: string, variables?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Also run the worker (outbox relay + consumer) on this harness's bus. */
  events?: EventHarness;
  /** Connect the ORM through this URL instead of the database's own (e.g. a TCP proxy's). */
  databaseUrlOverride?: (url: string) => string | Promise<string>;
  /** Registries for the subgraph's and the worker's metrics. */
  metrics?: { subgraph?: Registry; worker?: Registry };
  /** Shadow AI's and Flow Memory's stores, cache and clock. */
  features?: PlanningFeatures;
  /** Where the subgraph announces committed changes. */
  dataVersions?: PlanningDataVersions;
}

/** Starts the real subgraph over HTTP on this test file's own database, and optionally the worker. */
export async function startTestPlanningApp(options: TestAppOptions = {}): Promise<TestPlanningApp> {
  const database = await createTestDatabase();
  const queries = new QueryCounter();
  const clientUrl = options.databaseUrlOverride ? await options.databaseUrlOverride(database.url) : database.url;
  const orm = await openOrm({ entities: PLANNING_ENTITIES, clientUrl, poolMax: database.kind === 'embedded' ? 1 : 5, queryCounter: queries, preparedReads: database.kind !== 'embedded' });
  await migrateToLatest(orm);
  const subgraph = await startPlanningSubgraph({
    orm,
    callers: new HeaderCallerResolver(),
    cursorSecret: 'test-cursor-secret-0123456789',
    logger: createLogger('silent'),
    isProduction: false,
    port: 0,
    host: '127.0.0.1',
    metrics: options.metrics?.subgraph,
    features: options.features,
    dataVersions: options.dataVersions,
  });

  const worker = options.events
    ? await startWorker({
        orm,
        bus: options.events.createBus(),
        logger: createLogger('silent'),
        cursorSecret: 'test-cursor-secret-0123456789',
        listenUrl: database.kind === 'postgres' ? clientUrl : undefined,
        outboxPollMs: 200,
        metrics: options.metrics?.worker,
      })
    : undefined;

  const gql = async (caller: TestCaller | null, query: string, variables?: Record<string, unknown>) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (caller) {
      headers['x-user-id'] = caller.userId;
      headers['x-org-id'] = caller.orgId;
      headers['x-roles'] = caller.roles.join(',');
    }
    const response = await fetch(subgraph.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as Omit<GraphQLResult, 'status'>;
    return { status: response.status, ...body };
  };

  return {
    url: subgraph.url,
    orm,
    database,
    subgraph,
    queries,
    worker,
    gql,
    async ok(caller, query, variables) {
      const result = await gql(caller, query, variables);
      if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors, null, 2)}`);
      return result.data;
    },
    async close() {
      await worker?.stop();
      await subgraph.stop();
      await orm.close(true);
      await database.drop();
    },
  };
}

/** Seed builders: an org of its own per test, so tests never see each other's rows. */
export function aNewOrg(): string {
  return `org-${randomUUID().slice(0, 8)}`;
}

export function aCaller(overrides: Partial<TestCaller> = {}): TestCaller {
  return { userId: `user-${randomUUID().slice(0, 8)}`, orgId: aNewOrg(), roles: ['member'], ...overrides };
}

export const TASK_FIELDS = `id title description status priority dueDate completedAt estimatedMinutes actualMinutes
  energyRequired tags position project { id name } parent { id } subtaskCount owner { id } assignee { id } metadata
  createdAt updatedAt version`;

export async function createProject(app: TestPlanningApp, caller: TestCaller, input: Record<string, unknown> = {}) {
  const data = await app.ok<{ createProject: { id: string; name: string; version: number } }>(
    caller,
    'mutation($input: CreateProjectInput!) { createProject(input: $input) { id name version } }',
    { input: { name: `Project ${randomUUID().slice(0, 6)}`, ...input } },
  );
  return data.createProject;
}

export async function createTask(app: TestPlanningApp, caller: TestCaller, input: Record<string, unknown> = {}) {
  const data = await app.ok<{ createTask: any }>(
    caller,
    `mutation($input: CreateTaskInput!) { createTask(input: $input) { ${TASK_FIELDS} } }`,
    { input: { title: `Task ${randomUUID().slice(0, 6)}`, ...input } },
  );
  return data.createTask;
}

/** Creates `count` tasks in one bulk call; `each(i)` gives per-task input. */
export async function createTasks(
  app: TestPlanningApp,
  caller: TestCaller,
  count: number,
  each: (i: number) => Record<string, unknown> = () => ({}),
) {
  const inputs = Array.from({ length: count }, (_, i) => ({ title: `Task ${i}`, ...each(i) }));
  const data = await app.ok<{ createTasks: Array<{ id: string; title: string; position: number }> }>(
    caller,
    'mutation($inputs: [CreateTaskInput!]!) { createTasks(inputs: $inputs) { id title position } }',
    { inputs },
  );
  return data.createTasks;
}
