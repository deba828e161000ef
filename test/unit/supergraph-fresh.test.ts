import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SUPERGRAPH_FILE } from '../../src/main/supergraph-file.js';
import { composeSupergraph, loadSupergraphConfig } from '../../src/platform/federation/compose-supergraph.js';

describe('committed supergraph', () => {
  it('when schema/supergraph.yaml is composed, then it equals schema/supergraph.graphql (run `npm run cli -- compose`)', async () => {
    const { subgraphs } = await loadSupergraphConfig(new URL('../../schema/supergraph.yaml', import.meta.url).pathname);
    const committed = await readFile(SUPERGRAPH_FILE, 'utf8');
    expect(committed).toBe(composeSupergraph(subgraphs));
    expect(committed).toContain('join__Graph');
  });
});
