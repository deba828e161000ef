import { join } from 'node:path';
import { buildCurrentContracts } from './contracts/build-contracts.js';
import { checkContracts, mayRefresh } from './contracts/check-contracts.js';
import { describeChange } from './contracts/contract-change.js';
import { readContracts, writeContracts } from './contracts/contract-set.js';
import { readReleaseIntent } from './contracts/release-intent.js';

/**
 * `tsx scripts/contracts.ts check|refresh` (`npm run contracts:check`, `npm run contracts:refresh`): see
 * docs/contracts.md. Exit 1 when the check fails or a refresh is refused.
 */
const ROOT = join(import.meta.dirname, '..');
const DIR = join(ROOT, 'contracts');

async function main(command: string | undefined): Promise<number> {
  if (command !== 'check' && command !== 'refresh') {
    console.error('usage: tsx scripts/contracts.ts check|refresh');
    return 2;
  }
  const released = await readContracts(DIR);
  const intent = await readReleaseIntent(ROOT, String(released.asyncapi.info?.version));
  const current = await buildCurrentContracts(ROOT, intent.currentVersion);
  const result = await checkContracts(released, current, intent);
  for (const change of result.changes.filter((c) => c.severity === 'safe')) console.log(describeChange(change));
  for (const warning of result.warnings) console.warn(`warning: ${warning}`);
  if (command === 'refresh') {
    if (!mayRefresh(result, intent)) {
      for (const change of result.changes.filter((c) => c.severity === 'breaking')) console.error(describeChange(change));
      console.error('refusing to refresh contracts/ over breaking changes: release them as a major version (`npx changeset`, then `npm run release`)');
      return 1;
    }
    await writeContracts(DIR, current);
    console.log(`wrote contracts/ (${result.changes.length} change(s), version ${intent.currentVersion})`);
    return 0;
  }
  if (result.breakingAnnounced) {
    for (const change of result.changes.filter((c) => c.severity === 'breaking')) console.log(`announced as major: ${describeChange(change)}`);
  }
  for (const failure of result.failures) console.error(failure);
  console.log(result.failures.length ? 'contracts:check failed' : `contracts:check passed (${result.changes.length} change(s) against the released contracts)`);
  return result.failures.length ? 1 : 0;
}

process.exitCode = await main(process.argv[2]);
