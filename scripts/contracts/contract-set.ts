import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

type JsonObject = Record<string, any>;

/** One known operation: a frontend operation (src/components/operations) or one of the REST shim's. */
export interface KnownOperation {
  name: string;
  file: string;
  document: string;
  /** The hex SHA-256 of `document`: its id as a trusted document (`extensions.persistedQuery.sha256Hash`). */
  sha256?: string;
}

/** The four contracts and the known operations, as released in contracts/ or as the working tree builds them. */
export interface ContractSet {
  subgraphSdl: string;
  supergraphSdl: string;
  openapi: JsonObject;
  asyncapi: JsonObject;
  operations: KnownOperation[];
}

/** The files of contracts/, by what they hold. */
export const CONTRACT_FILES = {
  subgraphSdl: 'planning.graphql',
  supergraphSdl: 'supergraph.graphql',
  openapi: 'openapi.json',
  asyncapi: 'asyncapi.json',
  operations: 'operations.json',
} as const satisfies Record<keyof ContractSet, string>;

/** Each file's text, exactly as `contracts:refresh` writes it (the stale check compares these). */
export function serializeContracts(set: ContractSet): Record<keyof ContractSet, string> {
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  return {
    subgraphSdl: set.subgraphSdl,
    supergraphSdl: set.supergraphSdl,
    openapi: json(set.openapi),
    asyncapi: json(set.asyncapi),
    operations: json(set.operations),
  };
}

export async function readContracts(dir: string): Promise<ContractSet> {
  const read = (key: keyof ContractSet) => readFile(join(dir, CONTRACT_FILES[key]), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new Error(`${join(dir, CONTRACT_FILES[key])} is missing: run \`npm run contracts:refresh\` to write the contracts`);
    throw error;
  });
  const parse = async (key: keyof ContractSet) => {
    const text = await read(key);
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new Error(`${join(dir, CONTRACT_FILES[key])} is not JSON: ${(error as Error).message}`);
    }
  };
  return {
    subgraphSdl: await read('subgraphSdl'),
    supergraphSdl: await read('supergraphSdl'),
    openapi: await parse('openapi'),
    asyncapi: await parse('asyncapi'),
    operations: await parse('operations'),
  };
}

export async function writeContracts(dir: string, set: ContractSet): Promise<void> {
  await mkdir(dir, { recursive: true });
  const texts = serializeContracts(set);
  for (const key of Object.keys(CONTRACT_FILES) as Array<keyof ContractSet>) await writeFile(join(dir, CONTRACT_FILES[key]), texts[key]);
}
