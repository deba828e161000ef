import { describe, expect, it } from 'vitest';
import { useEventSuite } from '../../testkit/event-suite.js';
import { aCaller } from '../../testkit/planning-app.js';

const CREATE = 'mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }';

describe('events of creates committed in groups', () => {
  const suite = useEventSuite();

  it('when 200 createTask calls arrive at once from two orgs, then the bus carries exactly one planning.task.created per task, with its org and owner', async () => {
    const { app, harness } = suite();
    const callers = [aCaller(), aCaller()];

    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => app.gql<{ createTask: { id: string } }>(callers[i % 2]!, CREATE, { input: { title: `grouped ${i}` } })));

    expect(answers.filter((r) => r.errors)).toEqual([]);
    const callerOf = new Map(answers.map((r, i) => [r.data!.createTask.id, callers[i % 2]!]));
    const ours = () => harness.observed.filter((m) => m.routingKey === 'planning.task.created' && callerOf.has(m.body.data.task_id));
    await harness.waitForObserved(() => new Set(ours().map((m) => m.body.data.task_id)).size === 200, 30_000);
    // Anything published twice would have arrived by the time a marker created afterwards is seen.
    const marker = await app.ok<{ createTask: { id: string } }>(callers[0]!, CREATE, { input: { title: 'marker' } });
    await harness.waitForObserved((m) => m.some((x) => x.body.data?.task_id === marker.createTask.id));
    const seen = ours();
    expect(seen).toHaveLength(200);
    expect(new Set(seen.map((m) => m.messageId)).size).toBe(200);
    for (const message of seen) {
      const caller = callerOf.get(message.body.data.task_id)!;
      expect(message.body.org_id).toBe(caller.orgId);
      expect(message.body.user_id).toBe(caller.userId);
    }
  }, 60_000);
});
