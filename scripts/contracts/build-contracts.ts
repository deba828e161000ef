import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Kind, parse, print, visit, type DefinitionNode, type FragmentDefinitionNode } from 'graphql';
import { buildEventContract } from '../../src/consumers/event-contract.js';
import { REST_OPERATIONS } from '../../src/gateway/rest/rest-operations.js';
import { restOpenApiDocument } from '../../src/gateway/rest/rest-shim.js';
import { composeSupergraph, loadSupergraphConfig } from '../../src/platform/federation/compose-supergraph.js';
import type { ContractSet, KnownOperation } from './contract-set.js';

const FRONTEND_OPERATIONS_DIR = 'src/components/operations';

/** Splits a document into one self-contained document per operation: the operation and the fragments it uses. */
export function splitOperations(source: string, file: string): KnownOperation[] {
  const definitions = parse(source).definitions;
  const fragments = new Map(definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const spreadsOf = (node: DefinitionNode) => {
    const names: string[] = [];
    visit(node, { FragmentSpread: (spread) => void names.push(spread.name.value) });
    return names;
  };
  return definitions.flatMap((definition) => {
    if (definition.kind !== Kind.OPERATION_DEFINITION || !definition.name) return [];
    const used = new Set<string>();
    const pending = spreadsOf(definition);
    while (pending.length > 0) {
      const name = pending.pop()!;
      const fragment = fragments.get(name);
      if (used.has(name) || !fragment) continue;
      used.add(name);
      pending.push(...spreadsOf(fragment));
    }
    const parts = [definition, ...[...used].sort().map((name) => fragments.get(name)!)];
    return [{ name: definition.name.value, file, document: parts.map((p) => print(p)).join('\n\n') }];
  });
}

async function knownOperations(root: string): Promise<KnownOperation[]> {
  const frontend: KnownOperation[] = [];
  for (const name of (await readdir(join(root, FRONTEND_OPERATIONS_DIR))).filter((n) => n.endsWith('.graphql')).sort()) {
    const file = `${FRONTEND_OPERATIONS_DIR}/${name}`;
    frontend.push(...splitOperations(await readFile(join(root, file), 'utf8'), file));
  }
  const rest = Object.values(REST_OPERATIONS).flatMap((document) => splitOperations(document, 'src/gateway/rest (REST_OPERATIONS)'));
  return [...frontend, ...rest].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The contracts as the working tree defines them: the planning SDL, the supergraph composed afresh from
 * schema/supergraph.yaml, the REST shim's OpenAPI document, the AsyncAPI document of the events, the known operations.
 */
export async function buildCurrentContracts(root: string, version: string): Promise<ContractSet> {
  const { subgraphs } = await loadSupergraphConfig(join(root, 'schema/supergraph.yaml'));
  return {
    subgraphSdl: await readFile(join(root, 'schema/planning.graphql'), 'utf8'),
    supergraphSdl: composeSupergraph(subgraphs),
    openapi: restOpenApiDocument(),
    asyncapi: buildEventContract(version),
    operations: await knownOperations(root),
  };
}
