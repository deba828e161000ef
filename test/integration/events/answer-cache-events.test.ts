import { describe, expect, it } from 'vitest';
import { aCallEndedEvent, aWorkflowSuggestedEvent } from '../../testkit/inbound-events.js';
import { usePlatformWithWorker } from '../../testkit/event-suite.js';

const LIST = '{ tasks(first: 50) { edges { node { id title } } totalCount } }';

describe('gateway answer cache and inbound events', () => {
  const suite = usePlatformWithWorker();

  const waitFor = async (check: () => Promise<boolean>, what: string) => {
    const deadline = Date.now() + 15_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('when the worker creates tasks from events, then cached task lists of that org show them once the events are applied', async () => {
    const { platform, harness } = suite();
    const org = `org-cache-events-${Date.now()}`;
    const token = await platform.mintToken({ sub: 'u-events', org_id: org });
    const count = async () => (await platform.gql(token, LIST)).body.data.tasks.totalCount as number;

    // Cache the empty list (twice: the second read is served from the cache).
    expect(await count()).toBe(0);
    expect(await count()).toBe(0);

    await harness.publishInbound('comms.call.ended', aCallEndedEvent(org));
    await waitFor(async () => (await count()) === 1, 'the callback task in the list');

    // Cache the one-task list, then a workflow adds its steps.
    expect(await count()).toBe(1);
    await harness.publishInbound('agents.workflow.suggested', aWorkflowSuggestedEvent(org));
    await waitFor(async () => (await count()) > 1, 'the workflow tasks in the list');
    const tasks = (await platform.gql(token, LIST)).body.data.tasks;
    expect(tasks.totalCount).toBe(tasks.edges.length);
  });

  it('when an event changes another org, then this org keeps its cached answer', async () => {
    const { platform, harness } = suite();
    const [org, other] = [`org-keep-${Date.now()}`, `org-other-${Date.now()}`];
    const token = await platform.mintToken({ sub: 'u-keep', org_id: org });
    await platform.gql(token, 'mutation { createTask(input: {title: "mine"}) { id } }');
    const first = await platform.gql(token, LIST);
    await harness.publishInbound('comms.call.ended', aCallEndedEvent(other));
    const otherToken = await platform.mintToken({ sub: 'u-other', org_id: other });
    await waitFor(async () => (await platform.gql(otherToken, LIST)).body.data.tasks.totalCount === 1, "the other org's task");
    expect((await platform.gql(token, LIST)).body).toEqual(first.body);
  });
});
