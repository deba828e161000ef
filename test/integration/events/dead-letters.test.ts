import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { type DeadLetter, type EventHarness, waitUntil } from '../../testkit/event-harness.js';
import { useEventSuite } from '../../testkit/event-suite.js';
import { aCallEndedEvent, aWorkflowSuggestedEvent } from '../../testkit/inbound-events.js';
import { aCaller, type TestPlanningApp } from '../../testkit/planning-app.js';

/** One bad inbound event: how it is published and what its dead-letter reason must name. */
interface BadEvent {
  what: string;
  routingKey: string;
  /** The body for `orgId`; `token` is unique per case and must appear in the body, to find its dead letter. */
  body: (orgId: string, token: string) => unknown;
  reason: RegExp[];
}

const withoutKey = (event: Record<string, unknown>, key: string) => {
  const copy = { ...event };
  delete copy[key];
  return copy;
};
const callEnded = (orgId: string, token: string, data: Record<string, unknown> = {}) =>
  aCallEndedEvent(orgId, { id: token, data: { call_id: `call-${token}`, ...data } });
const workflow = (orgId: string, token: string, steps: unknown[]) =>
  aWorkflowSuggestedEvent(orgId, { id: token, data: { workflow_id: `wf-${token}`, steps } });

const BAD_EVENTS: BadEvent[] = [
  { what: 'the body is a JSON array', routingKey: 'comms.call.ended', body: (_, token) => [token], reason: [/envelope/, /object|array/] },
  {
    what: 'a valid envelope has no data',
    routingKey: 'comms.call.ended',
    body: (orgId, token) => withoutKey(callEnded(orgId, token), 'data'),
    reason: [/\bdata\b/],
  },
  {
    what: 'data has a field of the wrong type (contact as a string)',
    routingKey: 'comms.call.ended',
    body: (orgId, token) => callEnded(orgId, token, { contact: 'Jana Novak' }),
    reason: [/data\.contact/],
  },
  {
    what: 'the call outcome is unknown (exploded)',
    routingKey: 'comms.call.ended',
    body: (orgId, token) => callEnded(orgId, token, { outcome: 'exploded' }),
    reason: [/data\.outcome/],
  },
  {
    what: 'the callback time cannot be parsed (tomorrow-ish)',
    routingKey: 'comms.call.ended',
    body: (orgId, token) => callEnded(orgId, token, { callback_time: 'tomorrow-ish' }),
    reason: [/data\.callback_time/],
  },
  {
    what: 'a callback is requested without a contact',
    routingKey: 'comms.call.ended',
    body: (orgId, token) => {
      const event = callEnded(orgId, token);
      return { ...event, data: withoutKey(event.data, 'contact') };
    },
    reason: [/data\.contact/],
  },
  {
    what: 'a contact name holds a NUL character',
    routingKey: 'comms.call.ended',
    body: (orgId, token) => callEnded(orgId, token, { contact: { name: 'Jana\u0000Novak' } }),
    reason: [/data\.contact\.name/, /NUL character/],
  },
  {
    what: 'a contact name holds a lone UTF-16 surrogate',
    routingKey: 'comms.call.ended',
    body: (orgId, token) => callEnded(orgId, token, { contact: { name: 'Jana\ud800Novak' } }),
    reason: [/data\.contact\.name/, /lone UTF-16 surrogate/],
  },
  {
    what: 'an event without an id carries data nested 20,000 levels deep',
    routingKey: 'comms.call.ended',
    // Written out by hand: JSON.stringify itself cannot nest that deep.
    body: (orgId, token) => {
      const { id: _id, ...event } = callEnded(orgId, token);
      return JSON.stringify({ ...event, data: { ...event.data, junk: 'JUNK' } }).replace('"JUNK"', `${'['.repeat(20_000)}${']'.repeat(20_000)}`);
    },
    reason: [/data\.junk(\.0)+/, /nest deeper than 32 levels/],
  },
  {
    what: 'a workflow has no steps',
    routingKey: 'agents.workflow.suggested',
    body: (orgId, token) => workflow(orgId, token, []),
    reason: [/data\.steps/, /at least one/],
  },
  {
    what: 'a workflow has 500 steps',
    routingKey: 'agents.workflow.suggested',
    body: (orgId, token) => workflow(orgId, token, Array.from({ length: 500 }, (_, i) => ({ action: `step ${i}` }))),
    reason: [/data\.steps/, /at most 100/],
  },
  {
    what: 'a workflow step has no action',
    routingKey: 'agents.workflow.suggested',
    body: (orgId, token) => workflow(orgId, token, [{ action: 'fine' }, { priority: 'high' }]),
    reason: [/data\.steps\.1\.action/],
  },
  {
    what: "a workflow step has priority 'critical'",
    routingKey: 'agents.workflow.suggested',
    body: (orgId, token) => workflow(orgId, token, [{ action: 'fine', priority: 'high' }, { action: 'panic', priority: 'critical' }]),
    reason: [/data\.steps\.1\.priority/],
  },
  {
    what: 'a workflow step action is 600 characters long',
    routingKey: 'agents.workflow.suggested',
    body: (orgId, token) => workflow(orgId, token, [{ action: 'fine' }, { action: 'x'.repeat(600) }]),
    reason: [/data\.steps\.1\.action/, /500/],
  },
  {
    what: 'the envelope has no user_id',
    routingKey: 'comms.call.ended',
    body: (orgId, token) => withoutKey(callEnded(orgId, token), 'user_id'),
    reason: [/user_id/],
  },
  {
    what: 'the envelope has no org_id',
    routingKey: 'comms.call.ended',
    body: (orgId, token) => withoutKey(callEnded(orgId, token), 'org_id'),
    reason: [/org_id/],
  },
  {
    what: 'an unsupported event type comes with a bound routing key',
    routingKey: 'comms.call.ended',
    body: (orgId, token) => ({ ...callEnded(orgId, token), type: 'comms.call.started' }),
    reason: [/unsupported/, /comms\.call\.started/],
  },
  {
    what: 'a known event type arrives under another type\'s routing key',
    routingKey: 'comms.call.ended',
    body: (orgId, token) => ({ ...callEnded(orgId, token), type: 'agents.workflow.suggested' }),
    reason: [/does not match routing key/, /agents\.workflow\.suggested/],
  },
];

describe('bad inbound events are dead-lettered and never block the queue', () => {
  const suite = useEventSuite();
  let harness: EventHarness;
  let app: TestPlanningApp;
  beforeEach(() => ({ harness, app } = suite()));

  const taskTitlesOf = async (orgId: string): Promise<string[]> => {
    const data = await app.ok(
      aCaller({ orgId, roles: ['viewer'] }),
      '{ tasks(first: 100, orderBy: {field: POSITION, direction: ASC}) { edges { node { title } } } }',
    );
    return data.tasks.edges.map((e: { node: { title: string } }) => e.node.title);
  };

  /** Waits until a dead letter matching `matches` is in the dead-letter queue, and returns it. */
  const deadLetterWhere = async (matches: (letter: DeadLetter) => boolean, what: string): Promise<DeadLetter> => {
    let found: DeadLetter | undefined;
    await waitUntil(
      async () => {
        found = (await harness.deadLetters()).find(matches);
        return found !== undefined;
      },
      10_000,
      `the dead letter of ${what}`,
    );
    return found!;
  };

  /** Publishes a good callback event for the org and waits until its task exists: the queue is still moving. */
  const expectQueueStillProcesses = async (orgId: string) => {
    await harness.publishInbound('comms.call.ended', aCallEndedEvent(orgId));
    await waitUntil(async () => (await taskTitlesOf(orgId)).length > 0, 10_000, 'the good event after the bad one');
  };

  it.each(BAD_EVENTS.map((bad) => [bad.what, bad] as const))(
    'when %s, then it is dead-lettered with a reason naming the problem, creates nothing, and a later good event is processed',
    async (_what, { routingKey, body, reason }) => {
      const caller = aCaller();
      const token = randomUUID();
      await harness.publishInbound(routingKey, body(caller.orgId, token));

      await expectQueueStillProcesses(caller.orgId);
      const letter = await deadLetterWhere((l) => l.body.includes(token), token);
      expect(letter.routingKey).toBe(routingKey);
      for (const pattern of reason) expect(letter.reason).toMatch(pattern);
      // Refused on its first delivery, not retried until the consumer gave up.
      expect(letter.reason).not.toMatch(/gave up/);
      expect(await taskTitlesOf(caller.orgId)).toEqual(['Call back Jana Novak']);
    },
  );

  it('when the body is not JSON at all, then it is dead-lettered with a reason naming JSON, and a later good event is processed', async () => {
    const caller = aCaller();
    await harness.publishInbound('comms.call.ended', '{not json');

    await expectQueueStillProcesses(caller.orgId);
    const letter = await deadLetterWhere((l) => l.body === '{not json', 'the malformed JSON');
    expect(letter.routingKey).toBe('comms.call.ended');
    expect(letter.reason).toMatch(/JSON/);
    expect(await taskTitlesOf(caller.orgId)).toEqual(['Call back Jana Novak']);
  });

  it('when a workflow step action is 600 characters, then the workflow is dead-lettered whole and the same queue still turns a good workflow into tasks', async () => {
    const caller = aCaller();
    const token = randomUUID();
    const bad = workflow(caller.orgId, token, [{ action: 'Valid first step' }, { action: 'y'.repeat(600) }, { action: 'Valid last step' }]);
    await harness.publishInbound('agents.workflow.suggested', bad);
    const good = aWorkflowSuggestedEvent(caller.orgId);
    await harness.publishInbound('agents.workflow.suggested', good);

    await waitUntil(async () => (await taskTitlesOf(caller.orgId)).length === 3, 10_000, 'the good workflow tasks');
    const letter = await deadLetterWhere((l) => l.body.includes(token), 'the long-action workflow');
    expect(letter.routingKey).toBe('agents.workflow.suggested');
    expect(letter.reason).toMatch(/steps\.1\.action/);
    expect(await taskTitlesOf(caller.orgId)).toEqual(['Collect the signed contract', 'Create the customer account', 'Send the welcome pack']);
  });

  it('when a burst of bad events of every kind arrives, then each is dead-lettered once and a good event published after them is processed', async () => {
    const caller = aCaller();
    const tokens = BAD_EVENTS.map(() => randomUUID());
    for (const [i, bad] of BAD_EVENTS.entries()) await harness.publishInbound(bad.routingKey, bad.body(caller.orgId, tokens[i]!));
    const malformed = `{not json ${randomUUID()}`;
    await harness.publishInbound('agents.workflow.suggested', malformed);

    await expectQueueStillProcesses(caller.orgId);
    await waitUntil(
      async () => {
        const letters = await harness.deadLetters();
        return tokens.every((t) => letters.some((l) => l.body.includes(t))) && letters.some((l) => l.body === malformed);
      },
      10_000,
      'every bad event of the burst in the dead-letter queue',
    );
    const letters = await harness.deadLetters();
    for (const token of tokens) expect(letters.filter((l) => l.body.includes(token))).toHaveLength(1);
    expect(await taskTitlesOf(caller.orgId)).toEqual(['Call back Jana Novak']);
  });
});
