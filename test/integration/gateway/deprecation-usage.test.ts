import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.js';
import { contractsUsage } from '../../../src/main/contracts-usage.command.js';
import { createLogger } from '../../../src/platform/logging/logger.js';
import { supergraphWithDeprecations, TEST_DEPRECATIONS } from '../../testkit/deprecated-supergraph.js';
import { scrape } from '../../testkit/metrics-scrape.js';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';
import { serviceSettings } from '../../testkit/services.js';

const run = promisify(execFile);
const COUNTER = 'gateway_deprecated_usage_total';

/**
 * The gateway counts the operations using each deprecated member, by client (the apollographql-client-name header,
 * else the token's `client` claim), on a supergraph deprecating four members the planning subgraph serves; the
 * `contracts usage` CLI prints the counts, with 0 for a member nobody used.
 */
describe('deprecated-usage counts', () => {
  let platform: TestPlatform;
  let token: string;
  let workDir: string;
  let supergraphFile: string;
  const registry = new Registry();
  const count = async (coordinate: string, client: string) => (await scrape(`${platform.gateway.origin}/metrics`)).value(COUNTER, { coordinate, client });

  beforeAll(async () => {
    const supergraphSdl = await supergraphWithDeprecations();
    workDir = await mkdtemp(join(tmpdir(), 'deprecation-usage-'));
    supergraphFile = join(workDir, 'supergraph.graphql');
    await writeFile(supergraphFile, supergraphSdl);
    platform = await startTestPlatform({ supergraphSdl, metrics: { gateway: registry, gatewayAccess: 'open' }, answerCacheSeconds: 0 });
    token = await platform.mintToken({ sub: 'u-dep', org_id: 'org-dep' });
    await platform.gql(token, 'mutation { createTask(input: {title: "one"}) { id } }');
  });
  afterAll(async () => {
    await platform?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('when a query selects a deprecated field, then it is counted once per operation under the header\'s client name', async () => {
    const query = 'query Legacy { tasks(first: 5) { edges { node { id subtaskIds } } } }';
    for (let i = 0; i < 3; i++) {
      const answer = await platform.gql(token, query, undefined, { 'apollographql-client-name': 'planning-web' });
      expect(answer.body.errors).toBeUndefined();
    }
    expect(await count(TEST_DEPRECATIONS.field, 'planning-web')).toBe(3);
    expect(await count(TEST_DEPRECATIONS.argument, 'planning-web')).toBe(0);
  });

  it('when a query passes a deprecated argument and enum value in a fragment-free document, then each is counted under the token\'s client claim', async () => {
    const mobile = await platform.mintToken({ sub: 'u-dep', org_id: 'org-dep', client: 'planning-ios' });
    const answer = await platform.gql(mobile, 'query($n: Int) { tasks(last: $n, orderBy: {field: POSITION, direction: ASC}) { totalCount } }', { n: 2 });
    expect(answer.body.errors).toBeUndefined();
    expect(await count(TEST_DEPRECATIONS.argument, 'planning-ios')).toBe(1);
    expect(await count(TEST_DEPRECATIONS.enumValue, 'planning-ios')).toBe(1);
    // The header wins over the claim.
    await platform.gql(mobile, 'query { tasks(last: 1) { totalCount } }', undefined, { 'apollographql-client-name': 'planning-web' });
    expect(await count(TEST_DEPRECATIONS.argument, 'planning-web')).toBe(1);
    expect(await count(TEST_DEPRECATIONS.argument, 'planning-ios')).toBe(1);
  });

  it('when a deprecated field is selected through a fragment, then it is counted; a query without deprecated members counts nothing', async () => {
    const before = (await scrape(`${platform.gateway.origin}/metrics`)).value(COUNTER);
    await platform.gql(token, 'query { tasks(first: 1) { edges { node { id title } } } }');
    await platform.gql(token, 'query { tasks(first: 1) { totalCount } }', undefined, { 'apollographql-client-name': 'planning-web' });
    expect((await scrape(`${platform.gateway.origin}/metrics`)).value(COUNTER)).toBe(before);
    await platform.gql(token, 'query { task(id: "00000000-0000-4000-8000-000000000000") { ...F } } fragment F on Task { subtaskIds }');
    expect(await count(TEST_DEPRECATIONS.field, 'unknown')).toBe(1);
  });

  it('when a client name is hostile, then it is sanitized and cut, never a new kind of label', async () => {
    await platform.gql(token, 'query { tasks(first: 1) { edges { node { subtaskIds } } } }', undefined, { 'apollographql-client-name': `evil"} 1 ${'x'.repeat(200)}` });
    const clients = (await scrape(`${platform.gateway.origin}/metrics`)).labelSets(COUNTER).map((labels) => labels.client!);
    const hostile = clients.find((client) => client.startsWith('evil'));
    expect(hostile).toMatch(/^evil___1_x+$/);
    expect(hostile!.length).toBe(64);
  });

  it('when contracts usage runs, then it prints every replica\'s stored counts by member and client, and 0 for a member nobody used', async () => {
    await platform.deprecationUsage.flush();
    const { redisUrl } = serviceSettings();
    const source = redisUrl ? [] : ['--metrics-url', `${platform.gateway.origin}/metrics`];
    const { stdout } = await run('npx', ['tsx', 'src/main/cli.ts', 'contracts', 'usage', '--supergraph', supergraphFile, '--json', ...source], {
      env: { ...process.env, REDIS_URL: redisUrl ?? '', REDIS_KEY_PREFIX: platform.redisPrefix, LOG_LEVEL: 'silent' },
    });
    const rows = JSON.parse(stdout) as Array<{ coordinate: string; client: string; operations: number; reason?: string }>;
    expect(rows).toContainEqual({ coordinate: TEST_DEPRECATIONS.field, client: 'planning-web', operations: 3, reason: 'Use subtasks { id }.' });
    expect(rows).toContainEqual(expect.objectContaining({ coordinate: TEST_DEPRECATIONS.argument, client: 'planning-ios', operations: 1 }));
    expect(rows).toContainEqual({ coordinate: TEST_DEPRECATIONS.inputField, client: '-', operations: 0, reason: 'Test deprecation.' });
    // The table form, from this gateway's /metrics, names the same rows.
    let table = '';
    const args = ['--supergraph', supergraphFile, '--metrics-url', `${platform.gateway.origin}/metrics`];
    expect(await contractsUsage(args, () => loadConfig({}), () => createLogger('silent'), (text) => (table += text))).toBe(0);
    expect(table).toMatch(/^UpdateTaskInput\.assigneeId\s+-\s+0\s+Test deprecation\.$/m);
    expect(table).toMatch(/^Task\.subtaskIds\s+planning-web\s+3\s+Use subtasks/m);
    // The CLI starts a process of its own, slow on a busy machine.
  }, 120_000);
});
