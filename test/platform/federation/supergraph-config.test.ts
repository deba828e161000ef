import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSupergraphConfig, SupergraphConfigError } from '../../../src/platform/federation/compose-supergraph.js';

const SDL = 'type Query { hello: String }';

describe('loadSupergraphConfig', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'supergraph-config-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function writeConfig(yaml: string): Promise<string> {
    const path = join(dir, 'supergraph.yaml');
    await writeFile(path, yaml);
    return path;
  }

  async function loadError(path: string): Promise<SupergraphConfigError> {
    const error = await loadSupergraphConfig(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof SupergraphConfigError)) throw new Error(`expected SupergraphConfigError, got ${String(error)}`);
    return error;
  }

  it('when schema files are relative, then they are read from the config file directory', async () => {
    await writeFile(join(dir, 'hello.graphql'), SDL);
    const path = await writeConfig('subgraphs:\n  hello:\n    routing_url: http://hello:4005/graphql\n    schema:\n      file: ./hello.graphql\n');

    const config = await loadSupergraphConfig(path);

    expect(config.subgraphs).toEqual([{ name: 'hello', url: 'http://hello:4005/graphql', typeDefs: SDL }]);
  });

  it('when keys are wrong, then the error names every bad key', async () => {
    const path = await writeConfig(
      [
        'subgraphs:',
        '  a:',
        '    routing_url: not a url',
        '    schema: { file: ./a.graphql }',
        '  b:',
        '    routng_url: http://b/graphql',
        '    schema: { file: ./b.graphql }',
      ].join('\n'),
    );

    const error = await loadError(path);

    expect(error.code).toBe('INVALID_SUPERGRAPH_CONFIG');
    expect(error.errors).toContainEqual('subgraphs.a.routing_url: must be an http(s) URL');
    expect(error.errors.some((e) => e.startsWith('subgraphs.b:') && e.includes('routng_url'))).toBe(true);
    expect(error.errors.some((e) => e.startsWith('subgraphs.b.routing_url:'))).toBe(true);
    for (const message of error.errors) expect(error.message).toContain(message);
  });

  it('when a schema file is missing, then the error names its key and path', async () => {
    const path = await writeConfig('subgraphs:\n  ghost:\n    routing_url: http://ghost/graphql\n    schema:\n      file: ./ghost.graphql\n');

    const error = await loadError(path);

    expect(error.errors).toEqual([expect.stringMatching(/^subgraphs\.ghost\.schema\.file: cannot read .*ghost\.graphql: ENOENT/)]);
  });

  it('when the file is not YAML, then it says so', async () => {
    const path = await writeConfig('subgraphs: [unclosed');

    const error = await loadError(path);

    expect(error.errors[0]).toMatch(/^not valid YAML: /);
  });
});
