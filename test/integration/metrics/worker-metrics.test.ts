import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerHttp, type RunningWorkerHttp } from '../../../src/main/worker-http.js';
import { postgresReadiness } from '../../../src/platform/db/postgres-readiness.js';
import { createLogger } from '../../../src/platform/logging/logger.js';
import { createMetricsRegistry } from '../../../src/platform/metrics/metrics-registry.js';
import { createEventHarness, type EventHarness, waitUntil } from '../../testkit/event-harness.js';
import { aCallEndedEvent } from '../../testkit/inbound-events.js';
import { scrape } from '../../testkit/metrics-scrape.js';
import { aCaller, startTestPlanningApp, type TestPlanningApp } from '../../testkit/planning-app.js';

describe('worker metrics and its HTTP server', () => {
  let harness: EventHarness;
  let app: TestPlanningApp;
  let http: RunningWorkerHttp;
  const metrics = createMetricsRegistry('worker');
  let brokerUp = true;

  beforeAll(async () => {
    harness = await createEventHarness();
    app = await startTestPlanningApp({ events: harness, metrics: { worker: metrics } });
    const broker = {
      name: 'rabbitmq',
      check: async () => {
        if (!brokerUp) throw new Error('not connected to the broker');
      },
    };
    http = await startWorkerHttp({ metrics, readiness: [postgresReadiness(app.orm), broker], logger: createLogger('silent'), port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await http?.stop();
    await app?.close();
    await harness?.close();
  });

  const consumed = async (name: string, type: string) => (await scrape(`${http.origin}/metrics`)).value(name, { type });

  it('when another module publishes a call ended with a callback request, then /metrics counts one consumed comms.call.ended and one task created from a call', async () => {
    const before = await scrape(`${http.origin}/metrics`);
    await harness.publishInbound('comms.call.ended', aCallEndedEvent(aCaller().orgId));

    await waitUntil(async () => (await consumed('planning_events_consumed_total', 'comms.call.ended')) > before.value('planning_events_consumed_total', { type: 'comms.call.ended' }), 10_000, 'the consumed counter');
    const after = await scrape(`${http.origin}/metrics`);
    const delta = (name: string, labels?: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(delta('planning_events_consumed_total', { type: 'comms.call.ended' })).toBe(1);
    expect(delta('planning_events_dead_lettered_total')).toBe(0);
    expect(delta('planning_tasks_created_total', { source: 'call_callback' })).toBe(1);
    expect(after.labelSets('planning_outbox_unsent_events')).toHaveLength(1);
  });

  it('when an event cannot be processed, then /metrics counts it dead-lettered under its type', async () => {
    const before = await consumed('planning_events_dead_lettered_total', 'comms.call.ended');
    await harness.publishInbound('comms.call.ended', '{not json');

    await waitUntil(async () => (await consumed('planning_events_dead_lettered_total', 'comms.call.ended')) === before + 1, 10_000, 'the dead-letter counter');
    expect(await consumed('planning_events_consumed_total', 'other')).toBe(0);
  });

  it('when the worker is alive, then /health answers 200 without checking anything, and /ready names a dependency that is down with 503', async () => {
    expect((await fetch(`${http.origin}/health`)).status).toBe(200);
    expect((await fetch(`${http.origin}/ready`)).status).toBe(200);

    brokerUp = false;
    try {
      const response = await fetch(`${http.origin}/ready`);
      expect(response.status).toBe(503);
      expect((await response.json()).failing).toEqual({ rabbitmq: 'not connected to the broker' });
      expect((await fetch(`${http.origin}/health`)).status).toBe(200);
    } finally {
      brokerUp = true;
    }
  });
});
