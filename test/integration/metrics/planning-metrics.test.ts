import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '../../../src/platform/metrics/metrics-registry.js';
import { scrape } from '../../testkit/metrics-scrape.js';
import { aCaller, startTestPlanningApp, type TestPlanningApp } from '../../testkit/planning-app.js';

describe('planning subgraph metrics', () => {
  let app: TestPlanningApp;
  let metricsUrl: string;
  beforeAll(async () => {
    app = await startTestPlanningApp({ metrics: { subgraph: createMetricsRegistry('subgraph') } });
    metricsUrl = app.url.replace(/\/graphql$/, '/metrics');
  });
  afterAll(async () => app?.close());

  it('when 3 tasks are created and 1 completed, then the task counters, the completion histogram, the operation and request histograms and the outbox gauge move by exactly that', async () => {
    const caller = aCaller();
    const before = await scrape(metricsUrl);

    const tasks = [];
    for (let i = 0; i < 3; i++) {
      const data = await app.ok(caller, 'mutation CreateOne($input: CreateTaskInput!) { createTask(input: $input) { id } }', { input: { title: `Task ${i}` } });
      tasks.push(data.createTask.id as string);
    }
    await app.ok(caller, 'mutation CompleteOne($id: ID!) { completeTask(id: $id) { id status } }', { id: tasks[0] });

    const after = await scrape(metricsUrl);
    const delta = (name: string, labels?: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(delta('planning_tasks_created_total', { source: 'api' })).toBe(3);
    expect(delta('planning_tasks_completed_total')).toBe(1);
    expect(delta('planning_task_completion_seconds_count')).toBe(1);
    expect(delta('graphql_operation_duration_seconds_count', { operation: 'CreateOne', type: 'mutation' })).toBe(3);
    expect(delta('graphql_operation_duration_seconds_count', { operation: 'CompleteOne', type: 'mutation' })).toBe(1);
    expect(delta('graphql_operation_errors_total', { operation: 'CreateOne' })).toBe(0);
    expect(delta('http_request_duration_seconds_count', { route: '/graphql', method: 'POST', status: '200' })).toBe(4);
    // No worker runs here: 3 created events, then updated + completed for the completion.
    expect(delta('planning_outbox_unsent_events')).toBe(5);
    expect(after.value('planning_outbox_oldest_unsent_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(after.labelSets('db_pool_connections_used')).toHaveLength(1);
    expect(after.labelSets('process_cpu_user_seconds_total')).toEqual([{ role: 'subgraph' }]);
  });

  it('when a create is replayed with the same idempotency key, then the task is counted once', async () => {
    const caller = aCaller();
    const before = await scrape(metricsUrl);
    const key = randomUUID();
    const create = 'mutation Replayed($input: CreateTaskInput!, $key: String) { createTask(input: $input, idempotencyKey: $key) { id } }';
    const first = await app.ok(caller, create, { input: { title: 'once' }, key });
    const second = await app.ok(caller, create, { input: { title: 'once' }, key });
    expect(second.createTask.id).toBe(first.createTask.id);

    const after = await scrape(metricsUrl);
    expect(after.value('planning_tasks_created_total', { source: 'api' }) - before.value('planning_tasks_created_total', { source: 'api' })).toBe(1);
  });

  it('when an operation fails, then its error counter moves by one and the failed completion is not counted', async () => {
    const caller = aCaller();
    const before = await scrape(metricsUrl);
    const result = await app.gql(caller, 'mutation CompleteMissing { completeTask(id: "00000000-0000-4000-8000-000000000000") { id } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const after = await scrape(metricsUrl);
    expect(after.value('graphql_operation_errors_total', { operation: 'CompleteMissing' }) - before.value('graphql_operation_errors_total', { operation: 'CompleteMissing' })).toBe(1);
    expect(after.value('planning_tasks_completed_total') - before.value('planning_tasks_completed_total')).toBe(0);
  });

  it('when 200 distinct operation names arrive, then at most 50 of them get their own label and the rest count as other', async () => {
    const caller = aCaller({ roles: ['viewer'] });
    const suffix = randomUUID().slice(0, 6);
    for (let i = 0; i < 200; i++) await app.ok(caller, `query Probe_${suffix}_${i} { __typename }`);

    const after = await scrape(metricsUrl);
    const operations = new Set(after.labelSets('graphql_operation_duration_seconds_count').map((labels) => labels.operation));
    expect(operations.size).toBeLessThanOrEqual(50 + 2); // named operations, plus `other` and `anonymous`
    const probes = [...operations].filter((name) => name?.startsWith(`Probe_${suffix}_`));
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.length).toBeLessThan(50);
    expect(after.value('graphql_operation_duration_seconds_count', { operation: 'other' })).toBe(200 - probes.length);
  });
});
