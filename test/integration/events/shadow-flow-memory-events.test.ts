import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowMemoryEventSchemas } from '../../../src/modules/flow-memory/flow-memory.events.js';
import { shadowEventSchemas } from '../../../src/modules/shadow/shadow.events.js';
import { createEventHarness, type EventHarness } from '../../testkit/event-harness.js';
import { aCaller, startTestPlanningApp, type TestPlanningApp } from '../../testkit/planning-app.js';

describe('Shadow AI and Flow Memory publish their events through the outbox', () => {
  let harness: EventHarness;
  let app: TestPlanningApp;
  beforeAll(async () => {
    harness = await createEventHarness();
    app = await startTestPlanningApp({ events: harness });
  });
  afterAll(async () => {
    await app?.close();
    await harness?.close();
  });

  it('when a journey starts and a memory is stored, then insight_generated and context_updated arrive on the exchange, persistent, with their documented data only', async () => {
    const caller = aCaller();
    await app.ok(caller, 'mutation { createShadowProfile { id } }');
    await app.ok(caller, 'mutation { storeFlowMemoryInteraction(input: {userMessage: "Plan the offsite", sessionId: "s"}) { interactionsStored } }');
    const ofCaller = () => harness.observed.filter((m) => m.body.org_id === caller.orgId);
    await harness.waitForObserved(() => ofCaller().length === 2);
    const [insight, memory] = ofCaller();
    expect(insight!.routingKey).toBe('planning.shadow.insight_generated');
    expect(memory!.routingKey).toBe('planning.flow_memory.context_updated');
    for (const message of [insight!, memory!]) {
      expect(message.messageId).toBe(message.body.id);
      expect(message.body).toMatchObject({ source: 'planning', user_id: caller.userId, org_id: caller.orgId });
      if (harness.kind === 'rabbitmq') {
        expect(message.persistent).toBe(true);
        expect(message.contentType).toBe('application/json');
      }
    }
    expect(shadowEventSchemas['planning.shadow.insight_generated'].strict().safeParse(insight!.body.data).success).toBe(true);
    expect(flowMemoryEventSchemas['planning.flow_memory.context_updated'].strict().safeParse(memory!.body.data).success).toBe(true);
    expect(memory!.body.data).toMatchObject({ change: 'stored', session_ids: ['s'], interaction_count: 1 });
    expect(JSON.stringify(memory!.body)).not.toContain('offsite');
  });
});
