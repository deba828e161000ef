import { afterAll, beforeAll } from 'vitest';
import { createEventHarness, type EventHarness } from './event-harness.js';
import { startTestPlanningApp, type TestPlanningApp } from './planning-app.js';

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
