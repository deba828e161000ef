import { describeChange, type ContractChange } from './contract-change.js';
import { serializeContracts, CONTRACT_FILES, type ContractSet, type KnownOperation } from './contract-set.js';
import { eventChanges } from './event-changes.js';
import { brokenOperations, graphqlChanges } from './graphql-changes.js';
import { openapiChanges } from './openapi-changes.js';

/** What the pending release says: its changesets, and the versions before and after. */
export interface ReleaseIntent {
  /** The bump type each pending changeset gives this package (`.changeset/*.md`). */
  pendingBumps: Array<'major' | 'minor' | 'patch' | 'none'>;
  /** The version contracts/ was released as (contracts/asyncapi.json `info.version`). */
  releasedVersion: string;
  /** package.json's version. */
  currentVersion: string;
  /** CHANGELOG.md's section of the current version lists major changes. */
  changelogHasMajorChanges: boolean;
}

export interface ContractCheckResult {
  changes: ContractChange[];
  /** contracts/ files whose text differs from what the working tree generates. */
  staleFiles: string[];
  /** A breaking change may pass: a pending major changeset, or a released major bump with its notes. */
  breakingAnnounced: boolean;
  /** Messages that fail the check; empty when it passes. */
  failures: string[];
  /** Dangerous changes, printed but not failing. */
  warnings: string[];
}

const major = (version: string) => Number(/^(\d+)\./.exec(version)?.[1] ?? Number.NaN);

/** The major part was bumped and CHANGELOG.md says why (what `npm run release` leaves after a major changeset). */
export const majorReleased = (intent: ReleaseIntent) => major(intent.currentVersion) > major(intent.releasedVersion) && intent.changelogHasMajorChanges;

/** Released and current operations, each distinct document once. */
function operationsToCheck(released: KnownOperation[], current: KnownOperation[]): KnownOperation[] {
  const seen = new Set<string>();
  return [...released, ...current].filter((o) => !seen.has(o.document) && seen.add(o.document));
}

/**
 * Compares the current contracts with the released ones: GraphQL (subgraph SDL and supergraph), REST (OpenAPI),
 * events (AsyncAPI payloads), and the known operations against the current supergraph. Breaking changes fail unless
 * announced as a major release; dangerous ones warn; a contracts/ that differs from the code with no pending
 * changeset fails as stale.
 *
 * @example
 * const result = await checkContracts(await readContracts('contracts'), await buildCurrentContracts('.', '0.1.0'), intent);
 * if (result.failures.length) process.exitCode = 1;
 */
export async function checkContracts(released: ContractSet, current: ContractSet, intent: ReleaseIntent): Promise<ContractCheckResult> {
  const [releasedTexts, currentTexts] = [serializeContracts(released), serializeContracts(current)];
  const changed = (Object.keys(CONTRACT_FILES) as Array<keyof ContractSet>).filter((key) => releasedTexts[key] !== currentTexts[key]);
  const differs = (...keys: Array<keyof ContractSet>) => keys.some((key) => changed.includes(key));
  // Identical documents have no changes: the diffs (seconds for the OpenAPI one) run only on what differs.
  const changes = [
    ...(differs('subgraphSdl', 'supergraphSdl') ? await graphqlChanges(released, current) : []),
    ...(differs('openapi') ? openapiChanges(released.openapi, current.openapi) : []),
    ...(differs('asyncapi') ? eventChanges(released.asyncapi, current.asyncapi) : []),
    ...(differs('supergraphSdl', 'operations') ? brokenOperations(operationsToCheck(released.operations, current.operations), current.supergraphSdl) : []),
  ];
  const staleFiles = changed.map((key) => `contracts/${CONTRACT_FILES[key]}`);
  const breakingAnnounced = intent.pendingBumps.includes('major') || majorReleased(intent);
  const breaking = changes.filter((c) => c.severity === 'breaking');
  const failures = breakingAnnounced ? [] : breaking.map(describeChange);
  if (failures.length > 0) {
    failures.push(`${breaking.length} breaking change(s): announce them with a major changeset (\`npx changeset\`, choose major) and release with \`npm run release\`, or keep the contract`);
  }
  const pending = intent.pendingBumps.some((b) => b !== 'none');
  if (breaking.length === 0 && staleFiles.length > 0 && !pending && !majorReleased(intent)) {
    failures.push(
      `contracts/ is stale (${staleFiles.join(', ')} differ from the code, with no breaking change): announce the change in a changeset ` +
        '(`npx changeset`) to release it with `npm run release`, or record a change that needs no release with `npm run contracts:refresh`',
    );
  }
  return { changes, staleFiles, breakingAnnounced, failures, warnings: changes.filter((c) => c.severity === 'dangerous').map(describeChange) };
}

/** `contracts:refresh` may overwrite contracts/: nothing breaks, or the break was released as a new major version. */
export const mayRefresh = (result: ContractCheckResult, intent: ReleaseIntent) =>
  !result.changes.some((c) => c.severity === 'breaking') || majorReleased(intent);
