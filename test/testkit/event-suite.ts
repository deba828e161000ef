import { afterAll, beforeAll } from 'vitest';
import { createEventHarness, type EventHarness } from './event-harness.js';
import { startTestPlanningApp, type TestPlanningApp } from './planning-app.js';
import { startWorker } from '../../src/main/worker-role.js';
import { captureLogs, type CapturedLogs } from './captured-logs.js';
import { startTestPlatform, type TestPlatform } from './platform-app.js';

/**
 * Per-file setup of an event suite: a harness of its own and the app running the worker on it, started before the
 * file's tests and closed after them.
 *
 * @example
 * const suite = useEventSuite();
 * it('...', async () => { const { app, harness } = suite(); ... });
 */
export function useEventSuite(): () => { harness: EventHarness; app: TestPlanningApp } {
  let state: { harness: EventHarness; app: TestPlanningApp } | undefined;
  beforeAll(async () => {
    const harness = await createEventHarness();
    state = { harness, app: await startTestPlanningApp({ events: harness }) };
  });
  afterAll(async () => {
    await state?.app.close();
    await state?.harness.close();
  });
  return () => state!;
}

/**
 * Per-file setup of the whole path with events: the gateway platform, a worker publishing its outbox on a harness
 * of its own, and captured logs (level `info`).
 */
export function usePlatformWithWorker(): () => {
  harness: EventHarness;
  platform: TestPlatform;
  worker: Awaited<ReturnType<typeof startWorker>>;
  logs: CapturedLogs;
} {
  let state: ReturnType<ReturnType<typeof usePlatformWithWorker>> | undefined;
  beforeAll(async () => {
    const logs = captureLogs('info');
    const harness = await createEventHarness();
    const platform = await startTestPlatform({ logger: logs.logger });
    const worker = await startWorker({ orm: platform.orm, bus: harness.createBus(), logger: logs.logger, cursorSecret: 'x'.repeat(20), outboxPollMs: 100, dataVersions: platform.dataCache });
    state = { harness, platform, worker, logs };
  });
  afterAll(async () => {
    await state?.worker.stop();
    await state?.platform.close();
    await state?.harness.close();
  });
  return () => state!;
}
