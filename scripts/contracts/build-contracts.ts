import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildEventContract } from '../../src/consumers/event-contract.js';
import { knownOperations as gatewayKnownOperations } from '../../src/gateway/trusted-documents/known-operations.js';
import { restOpenApiDocument } from '../../src/gateway/rest/rest-shim.js';
import { composeSupergraph, loadSupergraphConfig } from '../../src/platform/federation/compose-supergraph.js';
import type { ContractSet, KnownOperation } from './contract-set.js';

const FRONTEND_OPERATIONS_DIR = 'src/components/operations';
const REST_OPERATIONS_FILE = 'src/gateway/rest/rest-operations.ts';

/**
 * The known operations are the trusted-documents manifest of the gateway (`GATEWAY_TRUSTED_DOCUMENTS_ONLY`): the same
 * documents, by the same hashes, so `contracts/operations.json` is also the list a frontend can send by hash.
 */
function knownOperations(): KnownOperation[] {
  return gatewayKnownOperations()
    .map((op) => ({ name: op.name, file: op.source === 'rest' ? REST_OPERATIONS_FILE : FRONTEND_OPERATIONS_DIR, document: op.document, sha256: op.sha256 }))
    .sort((a, b) => a.name.localeCompare(b.name));
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
    operations: knownOperations(),
  };
}
