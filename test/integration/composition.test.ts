import { HeaderCallerResolver } from '../../src/subgraph/caller-from-request.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  composeSupergraph,
  loadSupergraphConfig,
  SupergraphCompositionError,
  type SubgraphDefinition,
} from '../../src/platform/federation/compose-supergraph.js';
import {
  seedCallRecordFor,
  startCommsSubgraph,
  type RunningCommsSubgraph,
} from '../../src/examples/comms/comms.subgraph.js';

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

  beforeAll(async () => {
    comms = await startCommsSubgraph({ port: 0, callers: new HeaderCallerResolver() });
  });

  afterAll(async () => {
    await comms?.stop();
  });

  it('when _entities asks for two Task representations, then each gets its callbacks and the caller headers are recorded', async () => {
    const added = comms.store.add({
      orgId: 'org-1',
      taskId: 'task-b',
      phone: '+420777000111',
      scheduledAt: '2026-02-01T10:00:00.000Z',
      outcome: 'answered',
      notes: null,
    });

    const response = await fetch(comms.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-user-id': 'user-1',
        'x-org-id': 'org-1',
        'x-request-id': 'req-42',
      },
      body: JSON.stringify({
        query: `query ($representations: [_Any!]!) {
          _entities(representations: $representations) {
            ... on Task { id callbacks { id taskId phone scheduledAt outcome notes } }
          }
        }`,
        variables: {
          representations: [
            { __typename: 'Task', id: 'task-a' },
            { __typename: 'Task', id: 'task-b' },
          ],
        },
      }),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      data: {
        _entities: [
          { id: 'task-a', callbacks: [seedCallRecordFor('task-a')] },
          { id: 'task-b', callbacks: [seedCallRecordFor('task-b'), added] },
        ],
      },
    });
    expect(seedCallRecordFor('task-a')).toMatchObject({
      id: 'call-task-a-seed',
      taskId: 'task-a',
      outcome: 'callback_requested',
      phone: expect.stringMatching(/^\+420\d{9}$/),
    });
    expect(comms.seenCallers).toContainEqual({ userId: 'user-1', orgId: 'org-1', requestId: 'req-42' });
  });

  it('when another org asks _entities for the same task, then it sees none of the records added for org-1', async () => {
    comms.store.add({ orgId: 'org-1', taskId: 'task-c', phone: '+420777000222', scheduledAt: '2026-02-01T11:00:00.000Z', outcome: 'answered', notes: 'org-1 only' });
    const response = await fetch(comms.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': 'user-2', 'x-org-id': 'org-2' },
      body: JSON.stringify({
        query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Task { callbacks { id notes } } } }',
        variables: { r: [{ __typename: 'Task', id: 'task-c' }] },
      }),
    });
    expect((await response.json()).data._entities).toEqual([{ callbacks: [{ id: 'call-task-c-seed', notes: 'Seeded callback for task task-c' }] }]);
  });

  it('when /health is requested, then it answers {"status":"ok"}', async () => {
    const response = await fetch(new URL('/health', comms.url));

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});
