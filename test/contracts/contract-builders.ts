import { join } from 'node:path';
import { buildCurrentContracts } from '../../scripts/contracts/build-contracts.js';
import type { ReleaseIntent } from '../../scripts/contracts/check-contracts.js';
import type { ContractSet } from '../../scripts/contracts/contract-set.js';
import { composeSupergraph, loadSupergraphConfig } from '../../src/platform/federation/compose-supergraph.js';

export const ROOT = join(import.meta.dirname, '../..');

let built: Promise<ContractSet> | undefined;

/** The working tree's contracts, built once per file; every test changes a copy. */
export async function releasedContracts(): Promise<ContractSet> {
  built ??= buildCurrentContracts(ROOT, '0.1.0');
  return structuredClone(await built);
}

/** A copy of `contracts` whose planning SDL is `edit(sdl)`, the supergraph composed again from it. */
export async function withPlanningSdl(contracts: ContractSet, edit: (sdl: string) => string): Promise<ContractSet> {
  const subgraphSdl = edit(contracts.subgraphSdl);
  if (subgraphSdl === contracts.subgraphSdl) throw new Error('the edit changed nothing: the test no longer matches schema/planning.graphql');
  const { subgraphs } = await loadSupergraphConfig(join(ROOT, 'schema/supergraph.yaml'));
  const supergraphSdl = composeSupergraph(subgraphs.map((s) => (s.name === 'planning' ? { ...s, typeDefs: subgraphSdl } : s)));
  return { ...structuredClone(contracts), subgraphSdl, supergraphSdl };
}

/** A release intent: by default no pending changeset, nothing released since contracts/. */
export const intent = (overrides: Partial<ReleaseIntent> = {}): ReleaseIntent => ({
  pendingBumps: [],
  releasedVersion: '0.1.0',
  currentVersion: '0.1.0',
  changelogHasMajorChanges: false,
  ...overrides,
});

/** The `data` schema of one event message of an AsyncAPI document. */
export const eventData = (contracts: ContractSet, type: string) => contracts.asyncapi.components.messages[type].payload.properties.data;
