import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestBodyHash, signPlatformContext } from '../../../src/platform/identity/platform-context.js';
import type { SigningKey } from '../../../src/platform/identity/signing-keys.js';
import { untrustedSigningKey } from '../../testkit/forged-tokens.js';
import { startTestPlatform, TEST_ISSUER, type TestPlatform } from '../../testkit/platform-app.js';

const COUNT_TASKS = '{ tasks { totalCount } }';
const TASK_BY_ID = 'query TaskById($id: ID!) { task(id: $id) { id title } }';

describe('subgraph trust: the caller the planning subgraph sees', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => platform?.close());

  describe('through the gateway', () => {
    it('when a client forges X-User-Id, X-Org-Id, X-Roles and X-Platform-Context, then the subgraphs see only the token identity', async () => {
      const tokenA = await platform.mintToken({ sub: 'user-a1', org_id: 'org-a', roles: ['member'] });
      const forged = {
        'x-user-id': 'user-b1',
        'x-org-id': 'org-b',
        'x-roles': 'admin',
        'x-platform-context': await signPlatformContext(platform.keys.current, TEST_ISSUER, {
          caller: { userId: 'user-b1', orgId: 'org-b', roles: ['admin'] },
          requestId: 'forged',
          audience: 'planning',
          bodyHash: 'whatever',
        }),
        'x-request-id': 'req-forging-1',
      };

      const created = await platform.gql(
        tokenA,
        'mutation { createTask(input: {title: "Forged headers"}) { id owner { id } callbacks { id } } }',
        undefined,
        forged,
      );

      expect(created.status).toBe(200);
      expect(created.body.errors).toBeUndefined();
      expect(created.body.data.createTask.owner).toEqual({ id: 'user-a1' });
      expect(platform.comms.seenCallers.at(-1)).toEqual({ userId: 'user-a1', orgId: 'org-a', requestId: 'req-forging-1' });

      const id = created.body.data.createTask.id as string;
      const otherMemberOfA = await platform.mintToken({ sub: 'user-a2', org_id: 'org-a', roles: ['viewer'] });
      const readByA = await platform.gql(otherMemberOfA, TASK_BY_ID, { id });
      expect(readByA.body.data.task).toEqual({ id, title: 'Forged headers' });

      const memberOfB = await platform.mintToken({ sub: 'user-b1', org_id: 'org-b', roles: ['admin'] });
      const readByB = await platform.gql(memberOfB, TASK_BY_ID, { id });
      expect(readByB.body.data?.task ?? null).toBeNull();
      expect((await platform.gql(memberOfB, COUNT_TASKS)).body.data.tasks.totalCount).toBe(0);
    });
  });

  describe('direct to the planning subgraph (signed mode)', () => {
    const caller = { userId: 'user-direct', orgId: 'org-direct', roles: ['member' as const] };

    const post = (query: string, variables: Record<string, unknown> | undefined, headers: Record<string, string> = {}) =>
      fetch(platform.planning.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(variables === undefined ? { query } : { query, variables }),
      });

    const contextFor = (
      query: string,
      variables: Record<string, unknown> | undefined,
      options: { key?: SigningKey; audience?: string; now?: number; as?: typeof caller } = {},
    ) =>
      signPlatformContext(
        options.key ?? platform.keys.current,
        TEST_ISSUER,
        { caller: options.as ?? caller, requestId: randomUUID(), audience: options.audience ?? 'planning', bodyHash: requestBodyHash(query, variables) },
        options.now,
      );

    const expectUnauthenticated = async (response: Response) => {
      expect(response.status).toBe(401);
      const body = await response.json();
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(body.data ?? null).toBeNull();
    };

    it('when a request carries no caller context, then it is refused with 401', async () => {
      await expectUnauthenticated(await post(COUNT_TASKS, undefined));
    });

    it('when a request carries only forged X-User-Id and X-Org-Id, then it is refused with 401', async () => {
      await expectUnauthenticated(await post(COUNT_TASKS, undefined, { 'x-user-id': 'user-direct', 'x-org-id': 'org-direct', 'x-roles': 'admin' }));
    });

    it('when the context is signed by a key other than the gateway key, then it is refused with 401', async () => {
      const stranger = await untrustedSigningKey();
      await expectUnauthenticated(await post(COUNT_TASKS, undefined, { 'x-platform-context': await contextFor(COUNT_TASKS, undefined, { key: stranger }) }));
      const sameKid = { ...stranger, kid: platform.keys.current.kid };
      await expectUnauthenticated(await post(COUNT_TASKS, undefined, { 'x-platform-context': await contextFor(COUNT_TASKS, undefined, { key: sameKid }) }));
    });

    it('when the context expired (signed 2 minutes ago), then it is refused with 401', async () => {
      const stale = await contextFor(COUNT_TASKS, undefined, { now: Date.now() - 2 * 60_000 });
      await expectUnauthenticated(await post(COUNT_TASKS, undefined, { 'x-platform-context': stale }));
    });

    it('when a context signed for one request is replayed with another query or other variables, then it is refused with 401', async () => {
      const variables = { id: randomUUID() };
      const captured = await contextFor(TASK_BY_ID, variables);
      expect((await post(TASK_BY_ID, variables, { 'x-platform-context': captured })).status).toBe(200);

      await expectUnauthenticated(await post(COUNT_TASKS, undefined, { 'x-platform-context': captured }));
      await expectUnauthenticated(await post(TASK_BY_ID, { id: randomUUID() }, { 'x-platform-context': captured }));
      await expectUnauthenticated(
        await post('mutation { createTask(input: {title: "Replayed"}) { id } }', undefined, { 'x-platform-context': captured }),
      );
    });

    it('when a context that ran a mutation is sent again, then it is refused with 401 and the mutation runs once; a read may be repeated', async () => {
      const as = { ...caller, orgId: `org-${randomUUID().slice(0, 8)}` };
      const create = 'mutation { createTask(input: {title: "Once"}) { id } }';
      const captured = await contextFor(create, undefined, { as });
      expect((await post(create, undefined, { 'x-platform-context': captured })).status).toBe(200);
      await expectUnauthenticated(await post(create, undefined, { 'x-platform-context': captured }));
      const read = await contextFor(COUNT_TASKS, undefined, { as });
      for (let i = 0; i < 2; i += 1) {
        const count = await post(COUNT_TASKS, undefined, { 'x-platform-context': read });
        expect((await count.json()).data.tasks.totalCount).toBe(1);
      }
    });

    it('when a context is used 64 s after it was signed (60 s lifetime, 5 s clock tolerance), then it passes; at 66 s it is refused', async () => {
      expect((await post(COUNT_TASKS, undefined, { 'x-platform-context': await contextFor(COUNT_TASKS, undefined, { now: Date.now() - 64_000 }) })).status).toBe(200);
      await expectUnauthenticated(await post(COUNT_TASKS, undefined, { 'x-platform-context': await contextFor(COUNT_TASKS, undefined, { now: Date.now() - 66_000 }) }));
    });

    it('when the comms example is called without a context, or with one signed for planning, then it refuses with 401', async () => {
      const entities = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Task { callbacks { id } } } }';
      const variables = { r: [{ __typename: 'Task', id: randomUUID() }] };
      const direct = (headers: Record<string, string>) =>
        fetch(platform.comms.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: entities, variables }) });
      await expectUnauthenticated(await direct({ 'x-user-id': 'u', 'x-org-id': 'org-any' }));
      await expectUnauthenticated(await direct({ 'x-platform-context': await contextFor(entities, variables) }));
      const forComms = await direct({ 'x-platform-context': await contextFor(entities, variables, { audience: 'comms' }) });
      expect(forComms.status).toBe(200);
      expect((await forComms.json()).data).toEqual({ _entities: [{ callbacks: [] }] });
    });

    it('when the context was signed for the comms audience, then the planning subgraph refuses it with 401', async () => {
      await expectUnauthenticated(await post(COUNT_TASKS, undefined, { 'x-platform-context': await contextFor(COUNT_TASKS, undefined, { audience: 'comms' }) }));
    });

    it('when an end-user access token is sent as the context, then it is refused with 401', async () => {
      const accessToken = await platform.mintToken({ sub: 'user-direct', org_id: 'org-direct' });
      await expectUnauthenticated(await post(COUNT_TASKS, undefined, { 'x-platform-context': accessToken, authorization: `Bearer ${accessToken}` }));
    });

    it('when the context is valid for this exact request, then the subgraph answers 200 as that caller', async () => {
      const create = 'mutation { createTask(input: {title: "Direct, signed"}) { id owner { id } } }';
      const response = await post(create, undefined, { 'x-platform-context': await contextFor(create, undefined) });
      const body = await response.json();

      expect(response.status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect(body.data.createTask.owner).toEqual({ id: 'user-direct' });
      const count = await post(COUNT_TASKS, undefined, { 'x-platform-context': await contextFor(COUNT_TASKS, undefined) });
      expect((await count.json()).data.tasks.totalCount).toBe(1);
    });
  });
});
