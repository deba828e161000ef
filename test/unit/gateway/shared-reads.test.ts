import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SharedReads } from '../../../src/gateway/shared-reads.js';
import { ContextForwardingDataSource } from '../../../src/gateway/subgraph-data-source.js';
import { toSigningKey } from '../../../src/platform/identity/signing-keys.js';

const QUERY = 'query Page($first: Int) { tasks(first: $first) { edges { node { id title } } } }';
const MUTATION = 'mutation Create { createTask(input: {title: "x"}) { id } }';

interface Ask {
  caller?: { userId?: string; orgId?: string; roles?: string[] };
  query?: string;
  variables?: Record<string, unknown>;
  operation?: 'query' | 'mutation';
}

/**
 * A planning data source without the answer cache, with shared reads, in front of a fake subgraph whose answers
 * wait until the test lets them go, so that fetches are provably in flight at the same time.
 */
async function setUp(options: { answer?: (call: number) => { body?: unknown; fails?: Error } } = {}) {
  const pending: Array<() => void> = [];
  const sent: Array<{ headers: Record<string, string>; body: string }> = [];
  let calls = 0;
  const fetcher = (async (_url: string, init: { headers: Record<string, string>; body: string }) => {
    const call = ++calls;
    sent.push(init);
    await new Promise<void>((release) => pending.push(release));
    const { body, fails } = options.answer?.(call) ?? { body: { data: { tasks: { edges: [{ node: { id: `t${call}`, title: `answer ${call}` } }] } } } };
    if (fails) throw fails;
    return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
  }) as unknown as ConstructorParameters<typeof ContextForwardingDataSource>[0]['fetcher'];
  const key = await toSigningKey(generateKeyPairSync('ed25519').privateKey);
  const outcomes: string[] = [];
  const shared = new SharedReads((_subgraph, outcome) => outcomes.push(outcome));
  const source = new ContextForwardingDataSource({ url: 'http://planning.test/graphql', name: 'planning', fetcher }, { key, issuer: 'test' }, undefined, shared);
  const ask = ({ caller = {}, query = QUERY, variables = { first: 20 }, operation = 'query' }: Ask = {}) =>
    source.process({
      kind: 'incoming operation',
      request: { query, variables, operationName: operation === 'query' ? 'Page' : 'Create' },
      incomingRequestContext: { operation: { operation } },
      context: { caller: { userId: 'u1', orgId: 'org-1', roles: ['member'], ...caller }, requestId: `r${Math.random()}`, tokenId: 't', tokenExpiresAt: 0 },
    } as unknown as Parameters<ContextForwardingDataSource['process']>[0]);
  /** Lets every fetch made so far answer, once `expected` of them have reached the fake subgraph. */
  const releaseAll = async (expected: number) => {
    await expect.poll(() => pending.length, { timeout: 10_000 }).toBe(expected);
    for (const release of pending.splice(0)) release();
  };
  const titleOf = (result: { data?: unknown }) => (result.data as { tasks: { edges: Array<{ node: { title: string } }> } }).tasks.edges[0]!.node.title;
  return { shared, outcomes, sent, ask, releaseAll, titleOf, calls: () => calls };
}

describe('shared reads: identical reads of one caller in flight share one subgraph fetch (answer cache off)', () => {
  it('when five identical reads arrive at once, then the subgraph is asked once and each gets its own copy of that answer', async () => {
    const { ask, releaseAll, calls, outcomes, shared } = await setUp();
    const answers = Array.from({ length: 5 }, () => ask());
    await releaseAll(1);
    const results = await Promise.all(answers);
    expect(calls()).toBe(1);
    expect(outcomes).toEqual(['fetched', 'shared', 'shared', 'shared', 'shared']);
    for (const result of results) expect(result.data).toEqual({ tasks: { edges: [{ node: { id: 't1', title: 'answer 1' } }] } });
    // Copies, not one object: Apollo's shaping of one request's answer cannot reach another's.
    expect(new Set(results.map((r) => r.data)).size).toBe(5);
    expect(shared.size).toBe(0);
  });

  it('when the first answer has arrived, then the next identical read asks the subgraph again (nothing is kept)', async () => {
    const { ask, releaseAll, titleOf } = await setUp();
    const first = ask();
    await releaseAll(1);
    expect(titleOf(await first)).toBe('answer 1');
    const second = ask();
    await releaseAll(1);
    expect(titleOf(await second)).toBe('answer 2');
  });

  it('when another user, org or set of roles, or other variables, ask at the same time, then each is fetched apart, with its own signed context', async () => {
    const { ask, releaseAll, calls, titleOf, sent } = await setUp();
    const answers = [
      ask(),
      ask({ caller: { userId: 'u2' } }),
      ask({ caller: { orgId: 'org-2' } }),
      ask({ caller: { roles: ['member', 'admin'] } }),
      ask({ variables: { first: 5 } }),
    ];
    await releaseAll(5);
    expect((await Promise.all(answers)).map(titleOf).sort()).toEqual(['answer 1', 'answer 2', 'answer 3', 'answer 4', 'answer 5']);
    expect(calls()).toBe(5);
    expect(new Set(sent.map((s) => `${s.headers['x-user-id']}/${s.headers['x-org-id']}/${s.headers['x-roles']}`)).size).toBe(4);
  });

  it('when identical mutations run at the same time, then each goes to the subgraph', async () => {
    const { ask, releaseAll, calls } = await setUp({ answer: (call) => ({ body: { data: { createTask: { id: `t${call}` } } } }) });
    const answers = [ask({ query: MUTATION, variables: {}, operation: 'mutation' }), ask({ query: MUTATION, variables: {}, operation: 'mutation' })];
    await releaseAll(2);
    expect((await Promise.all(answers)).map((r) => r.data)).toEqual([{ createTask: { id: 't1' } }, { createTask: { id: 't2' } }]);
    expect(calls()).toBe(2);
  });

  it('when a write of the org starts or ends while a read is in flight, then a read arriving after it does not share that fetch', async () => {
    const { ask, releaseAll, calls, titleOf } = await setUp({
      answer: (call) => ({ body: call === 2 ? { data: { createTask: { id: 'new' } } } : { data: { tasks: { edges: [{ node: { id: `t${call}`, title: `answer ${call}` } }] } } } }),
    });
    const beforeWrite = ask();
    await expect.poll(calls).toBe(1);
    const write = ask({ query: MUTATION, variables: {}, operation: 'mutation' });
    await expect.poll(calls).toBe(2);
    // Arrives while the write runs: does not join the read made before the write started.
    const duringWrite = ask();
    await expect.poll(calls).toBe(3);
    await releaseAll(3);
    expect(titleOf(await beforeWrite)).toBe('answer 1');
    expect(titleOf(await duringWrite)).toBe('answer 3');
    await write;
    // A read of another org is not held up by the write: it still shares.
    const otherOrg = [ask({ caller: { orgId: 'org-2' } }), ask({ caller: { orgId: 'org-2' } })];
    await releaseAll(1);
    await Promise.all(otherOrg);
    expect(calls()).toBe(4);
  });

  it('when a read is in flight as a write of the org ends, then a read after the write does not share it', async () => {
    const { ask, releaseAll, calls, titleOf } = await setUp({
      answer: (call) => ({ body: call === 1 ? { data: { createTask: { id: 'new' } } } : { data: { tasks: { edges: [{ node: { id: `t${call}`, title: `answer ${call}` } }] } } } }),
    });
    const write = ask({ query: MUTATION, variables: {}, operation: 'mutation' });
    await expect.poll(calls).toBe(1);
    const duringWrite = ask();
    await expect.poll(calls).toBe(2);
    await releaseAll(2);
    await write;
    // duringWrite's answer may not have arrived yet in a real subgraph; here it is let go only now.
    const afterWrite = ask();
    await expect.poll(calls).toBe(3);
    await releaseAll(1);
    expect(titleOf(await duringWrite)).toBe('answer 2');
    expect(titleOf(await afterWrite)).toBe('answer 3');
  });

  it('when the first answer has errors, then every read that shared it gets a copy of those errors', async () => {
    const { ask, releaseAll, calls } = await setUp({ answer: (call) => ({ body: { data: null, errors: [{ message: `not found ${call}`, extensions: { code: 'NOT_FOUND' } }] } }) });
    const results = [ask(), ask(), ask()];
    await releaseAll(1);
    for (const result of await Promise.all(results)) {
      expect(result.errors).toEqual([expect.objectContaining({ message: 'not found 1', extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })]);
      expect(result.data).toBeNull();
    }
    expect(calls()).toBe(1);
  });

  it('when the first fetch fails, then the reads that shared it fail with it, and the next read asks again', async () => {
    const { ask, releaseAll, calls } = await setUp({ answer: (call) => (call === 1 ? { fails: new Error('subgraph unreachable') } : { body: { data: { tasks: { edges: [] } } } }) });
    const results = [ask(), ask(), ask()].map((p) => p.then(() => 'answered', (e: Error) => e.message));
    await releaseAll(1);
    expect(await Promise.all(results)).toEqual(Array.from({ length: 3 }, () => expect.stringContaining('subgraph unreachable')));
    expect(calls()).toBe(1);
    const next = ask();
    await releaseAll(1);
    expect((await next).data).toEqual({ tasks: { edges: [] } });
  });
});
