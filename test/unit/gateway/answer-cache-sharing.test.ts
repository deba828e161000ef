import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ContextForwardingDataSource, type CacheOutcome } from '../../../src/gateway/subgraph-data-source.js';
import { InProcessPlanningDataCache, PLANNING_DATA_VERSIONS_HEADER } from '../../../src/platform/cache/planning-data-cache.js';
import { toSigningKey } from '../../../src/platform/identity/signing-keys.js';

const QUERY = '{ tasks(first: 20) { edges { node { id title } } } }';

/**
 * A planning data source with the in-process answer cache in front of a fake subgraph whose answers wait until the
 * test lets them go, so that fetches are provably in flight at the same time.
 */
async function setUp(options: { answer?: (call: number) => { body?: unknown; announces?: boolean; fails?: Error } } = {}) {
  const store = new InProcessPlanningDataCache();
  const outcomes: CacheOutcome[] = [];
  const pending: Array<() => void> = [];
  let calls = 0;
  const fetcher = (async () => {
    const call = ++calls;
    await new Promise<void>((release) => pending.push(release));
    const { body, announces = true, fails } = options.answer?.(call) ?? { body: { data: { tasks: { edges: [{ node: { id: `t${call}`, title: `answer ${call}` } }] } } } };
    if (fails) throw fails;
    return new Response(JSON.stringify(body), {
      headers: { 'content-type': 'application/json', ...(announces ? { [PLANNING_DATA_VERSIONS_HEADER]: store.fingerprint } : {}) },
    });
  }) as unknown as ConstructorParameters<typeof ContextForwardingDataSource>[0]['fetcher'];
  const key = await toSigningKey(generateKeyPairSync('ed25519').privateKey);
  const source = new ContextForwardingDataSource({ url: 'http://planning.test/graphql', name: 'planning', fetcher }, { key, issuer: 'test' }, {
    store,
    ttlSeconds: 60,
    onLookup: (_subgraph, outcome) => outcomes.push(outcome),
  });
  const ask = (caller: { userId: string; orgId: string } = { userId: 'u1', orgId: 'org-1' }) =>
    source.process({
      kind: 'incoming operation',
      request: { query: QUERY, variables: {} },
      incomingRequestContext: { operation: { operation: 'query' } },
      context: { caller: { ...caller, roles: ['member'] }, requestId: 'r', tokenId: 't', tokenExpiresAt: 0 },
    } as unknown as Parameters<ContextForwardingDataSource['process']>[0]);
  /** Lets every fetch made so far answer, once they have all reached the fake subgraph. */
  const releaseAll = async (expected: number) => {
    await expect.poll(() => pending.length, { timeout: 10_000 }).toBe(expected);
    for (const release of pending.splice(0)) release();
  };
  return { store, outcomes, ask, releaseAll, calls: () => calls };
}

describe('answer cache: identical fetches in flight share one subgraph request', () => {
  it('when five identical reads miss at once, then the subgraph is asked once and each gets its own copy of that answer', async () => {
    const { store, outcomes, ask, releaseAll, calls } = await setUp();
    await store.bump(['org-1']);
    const answers = Array.from({ length: 5 }, () => ask());
    await releaseAll(1);
    const results = await Promise.all(answers);
    expect(calls()).toBe(1);
    expect(outcomes.filter((o) => o === 'miss')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'shared')).toHaveLength(4);
    for (const result of results) expect(result.data).toEqual({ tasks: { edges: [{ node: { id: 't1', title: 'answer 1' } }] } });
    // Copies, not one object: Apollo's shaping of one request's answer cannot reach another's.
    expect(new Set(results.map((r) => r.data)).size).toBe(5);
  });

  it('when the data changes while a fetch is in flight, then a read that starts after the change does not share it', async () => {
    const { store, outcomes, ask, releaseAll, calls } = await setUp();
    await store.bump(['org-1']);
    const before = ask();
    await expect.poll(calls, { timeout: 10_000 }).toBe(1);
    await store.bump(['org-1']);
    const after = ask();
    await releaseAll(2);
    expect((await before).data).toEqual({ tasks: { edges: [{ node: { id: 't1', title: 'answer 1' } }] } });
    expect((await after).data).toEqual({ tasks: { edges: [{ node: { id: 't2', title: 'answer 2' } }] } });
    expect(outcomes).toEqual(['miss', 'miss']);
  });

  it('when another user or org asks the same query at the same time, then each is fetched apart', async () => {
    const { store, outcomes, ask, releaseAll, calls } = await setUp();
    await store.bump(['org-1', 'org-2']);
    const answers = [ask({ userId: 'u1', orgId: 'org-1' }), ask({ userId: 'u2', orgId: 'org-1' }), ask({ userId: 'u1', orgId: 'org-2' })];
    await releaseAll(3);
    const titles = (await Promise.all(answers)).map((r) => (r.data as any).tasks.edges[0].node.title).sort();
    expect(titles).toEqual(['answer 1', 'answer 2', 'answer 3']);
    expect(calls()).toBe(3);
    expect(outcomes).toEqual(['miss', 'miss', 'miss']);
  });

  it('when the first answer has errors, then the reads waiting on it get copies of it, and it is not stored', async () => {
    const { store, outcomes, ask, releaseAll, calls } = await setUp({
      answer: (call) => ({ body: { data: null, errors: [{ message: `not found ${call}`, extensions: { code: 'NOT_FOUND' } }] } }),
    });
    await store.bump(['org-1']);
    const results = [ask(), ask(), ask()];
    await releaseAll(1);
    for (const result of await Promise.all(results)) expect(result.errors).toEqual([{ message: 'not found 1', extensions: { code: 'NOT_FOUND' } }]);
    expect(calls()).toBe(1);
    expect(outcomes).toEqual(['miss', 'shared', 'shared']);
    // Not stored: the next read asks again.
    const next = ask();
    await releaseAll(1);
    expect((await next).errors?.[0]?.message).toBe('not found 2');
  });

  it('when the first fetch fails, then the reads waiting on it fail with it, and the next read asks again', async () => {
    const { store, ask, releaseAll, calls } = await setUp({
      answer: (call) => (call === 1 ? { fails: new Error('subgraph unreachable') } : { body: { data: { tasks: { edges: [] } } } }),
    });
    await store.bump(['org-1']);
    const results = [ask(), ask(), ask()].map((p) => p.then(() => 'answered', (e: Error) => e.message));
    await releaseAll(1);
    expect(await Promise.all(results)).toEqual(Array.from({ length: 3 }, () => expect.stringContaining('subgraph unreachable')));
    expect(calls()).toBe(1);
    const next = ask();
    await releaseAll(1);
    expect((await next).data).toEqual({ tasks: { edges: [] } });
  });

  it("when the subgraph does not name the gateway's version store, then nothing is shared or stored, and reads stop waiting for each other", async () => {
    const { store, outcomes, ask, releaseAll, calls } = await setUp({ answer: (call) => ({ body: { data: { n: call } }, announces: false }) });
    await store.bump(['org-1']);
    // Before any answer told it, the second read waits for the first, then asks itself.
    const first = [ask(), ask()];
    await releaseAll(1);
    await releaseAll(1);
    expect((await Promise.all(first)).map((r) => r.data)).toEqual([{ n: 1 }, { n: 2 }]);
    // Now identical reads go to the subgraph at once, each with its own request.
    const second = [ask(), ask()];
    await releaseAll(2);
    expect((await Promise.all(second)).map((r) => r.data)).toEqual([{ n: 3 }, { n: 4 }]);
    expect(calls()).toBe(4);
    expect(outcomes).toEqual(['miss', 'miss', 'miss', 'miss']);
  });

  it('when the org has no version yet (its first read), then identical reads are not shared: nothing can be stored', async () => {
    const { outcomes, ask, releaseAll, calls } = await setUp();
    const answers = [ask(), ask()];
    await releaseAll(2);
    await Promise.all(answers);
    expect(calls()).toBe(2);
    expect(outcomes).toEqual(['miss', 'miss']);
  });
});
