import { HeaderCallerResolver } from '../../src/subgraph/caller-from-request.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  composeSupergraph,
  loadSupergraphConfig,
  SupergraphCompositionError,
  type SubgraphDefinition,
} from '../../src/platform/federation/compose-supergraph.js';
import { randomUUID } from 'node:crypto';
import { inProcessCallEvents, startCommsSubgraph, type RunningCommsSubgraph } from '../../src/examples/comms/comms.subgraph.js';
import { createLogger } from '../../src/platform/logging/logger.js';
import { suffixedTopology } from '../../src/platform/messaging/event-bus.js';
import { InProcessEventBus } from '../../src/platform/messaging/in-process-event-bus.js';
import { aCallEndedEvent } from '../testkit/inbound-events.js';

const SUPERGRAPH_CONFIG = new URL('../../schema/supergraph.yaml', import.meta.url).pathname;

/** A subgraph that claims Task.title with another type: must never compose. */
const taskTitleAsIntSubgraph: SubgraphDefinition = {
  name: 'broken',
  url: 'http://localhost:4999/graphql',
  typeDefs: `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
    type Task @key(fields: "id") { id: ID! title: Int }
  `,
};

/** The body of the `type Task ...` definition in a supergraph SDL, up to its closing brace. */
function taskTypeIn(supergraphSdl: string): string {
  const match = /^type Task\b[\s\S]*?^}/m.exec(supergraphSdl);
  if (!match) throw new Error('supergraph has no Task type');
  return match[0];
}

describe('supergraph composition', () => {
  it('when planning and comms from schema/supergraph.yaml are composed, then Task joins both with title and callbacks', async () => {
    const { subgraphs } = await loadSupergraphConfig(SUPERGRAPH_CONFIG);

    const supergraphSdl = composeSupergraph(subgraphs);

    expect(subgraphs.map((s) => s.name)).toEqual(['planning', 'comms']);
    const task = taskTypeIn(supergraphSdl);
    expect(task).toContain('@join__type(graph: PLANNING, key: "id")');
    expect(task).toContain('@join__type(graph: COMMS, key: "id")');
    expect(task).toMatch(/^\s+title: String! @join__field\(graph: PLANNING\)$/m);
    expect(task).toMatch(/^\s+callbacks: \[CallRecord!\]! @join__field\(graph: COMMS\)$/m);
    // Only what an event carried: a call's fields other than its id, task and outcome may be missing from it.
    expect(supergraphSdl).toMatch(/^\s+phone: String$/m);
    expect(supergraphSdl).toContain('COMMS @join__graph(name: "comms", url: "http://127.0.0.1:4002/graphql")');
    expect(supergraphSdl).toContain('PLANNING @join__graph(name: "planning", url: "http://127.0.0.1:4001/graphql")');
  });

  it('when a subgraph redefines Task.title as Int, then composition throws with every error in full', async () => {
    const { subgraphs } = await loadSupergraphConfig(SUPERGRAPH_CONFIG);

    const compose = () => composeSupergraph([...subgraphs, taskTitleAsIntSubgraph]);

    expect(compose).toThrow(SupergraphCompositionError);
    expect(compose).toThrow(
      '[FIELD_TYPE_MISMATCH] Type of field "Task.title" is incompatible across subgraphs: ' +
        'it has type "Int" in subgraph "broken" but type "String!" in subgraph "planning"',
    );
    const error = captureError(compose);
    expect(error.code).toBe('COMPOSITION_FAILED');
    expect(error.errors.length).toBeGreaterThanOrEqual(1);
    for (const message of error.errors) expect(error.message).toContain(message);
  });

  it('when a subgraph is not valid SDL, then composition throws naming that subgraph', () => {
    const notSdl: SubgraphDefinition = { name: 'garbled', url: 'http://localhost:4999/graphql', typeDefs: 'type {' };

    const error = captureError(() => composeSupergraph([notSdl]));

    expect(error.errors).toEqual(['[garbled] invalid SDL: Syntax Error: Expected Name, found "{".']);
  });
});

function captureError(run: () => unknown): SupergraphCompositionError {
  try {
    run();
  } catch (error) {
    if (error instanceof SupergraphCompositionError) return error;
    throw error;
  }
  throw new Error('expected a SupergraphCompositionError, nothing was thrown');
}

describe('comms example subgraph over HTTP', () => {
  let comms: RunningCommsSubgraph;
  const bus = new InProcessEventBus(suffixedTopology('comms-example-test'), createLogger('silent'));

  beforeAll(async () => {
    comms = await startCommsSubgraph({ port: 0, callers: new HeaderCallerResolver(), events: inProcessCallEvents(bus) });
  });

  afterAll(async () => {
    await comms?.stop();
    await bus.close();
  });

  const CALL_FIELDS = 'id taskId outcome endedAt contactName phone scheduledAt campaignId';

  /** `_entities` for Task representations of `taskIds`, asked as a caller of `orgId`. */
  async function callbacksOf(orgId: string, taskIds: string[], headers: Record<string, string> = {}) {
    const response = await fetch(comms.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': 'user-1', 'x-org-id': orgId, ...headers },
      body: JSON.stringify({
        query: `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Task { id callbacks { ${CALL_FIELDS} } } } }`,
        variables: { r: taskIds.map((id) => ({ __typename: 'Task', id })) },
      }),
    });
    expect(response.status).toBe(200);
    return (await response.json()).data._entities as Array<{ id: string; callbacks: unknown[] }>;
  }

  it('when _entities asks for a task no event named and one a call was reported about, then the first has no calls and the second exactly that one', async () => {
    const [unheard, called] = [randomUUID(), randomUUID()];
    const event = aCallEndedEvent('org-1', { data: { task_id: called, outcome: 'no_answer', contact: { name: 'Petr Svoboda' }, callback_time: undefined, campaign_id: undefined } });
    bus.inject('comms.call.ended', event);

    const entities = await callbacksOf('org-1', [unheard, called], { 'x-request-id': 'req-42' });

    expect(entities).toEqual([
      { id: unheard, callbacks: [] },
      {
        id: called,
        callbacks: [
          { id: event.data.call_id, taskId: called, outcome: 'no_answer', endedAt: '2026-11-25T10:00:00.000Z', contactName: 'Petr Svoboda', phone: null, scheduledAt: null, campaignId: null },
        ],
      },
    ]);
    expect(comms.seenCallers).toContainEqual({ userId: 'user-1', orgId: 'org-1', requestId: 'req-42' });
  });

  it('when another org asks _entities for the same task, then it sees none of the calls reported to org-1', async () => {
    const task = randomUUID();
    bus.inject('comms.call.ended', aCallEndedEvent('org-1', { data: { task_id: task } }));

    expect(await callbacksOf('org-1', [task])).toEqual([{ id: task, callbacks: [expect.objectContaining({ taskId: task })] }]);
    expect(await callbacksOf('org-2', [task])).toEqual([{ id: task, callbacks: [] }]);
  });

  it('when the same call is reported again with another outcome, then the task keeps one record of it, the later one, in its place', async () => {
    const task = randomUUID();
    const first = aCallEndedEvent('org-3', { data: { task_id: task } });
    const second = aCallEndedEvent('org-3', { data: { task_id: task } });
    bus.inject('comms.call.ended', first);
    bus.inject('comms.call.ended', second);
    bus.inject('comms.call.ended', { ...first, data: { ...first.data, outcome: 'completed' } });

    const [entity] = await callbacksOf('org-3', [task]);

    expect(entity!.callbacks).toEqual([
      expect.objectContaining({ id: first.data.call_id, outcome: 'completed' }),
      expect.objectContaining({ id: second.data.call_id, outcome: 'callback_requested' }),
    ]);
  });

  it('when an event names no task, is not JSON or has a field out of shape, then it is ignored and no call is kept', async () => {
    const task = randomUUID();
    const keptBefore = comms.store.size;
    const heardBefore = { ...comms.heard };

    bus.inject('comms.call.ended', aCallEndedEvent('org-4'));
    bus.inject('comms.call.ended', '{not json');
    bus.inject('comms.call.ended', aCallEndedEvent('org-4', { data: { task_id: task, callback_time: 'tomorrow' } }));
    bus.inject('comms.call.ended', aCallEndedEvent('org-4', { data: { task_id: 'not-a-task-id' } }));

    expect(comms.heard).toEqual({ recorded: heardBefore.recorded, ignored: heardBefore.ignored + 4 });
    expect(comms.store.size).toBe(keptBefore);
    expect(await callbacksOf('org-4', [task])).toEqual([{ id: task, callbacks: [] }]);
  });

  it('when /health is requested, then it answers {"status":"ok"}', async () => {
    const response = await fetch(new URL('/health', comms.url));

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});
