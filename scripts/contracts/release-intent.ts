import readChangesets from '@changesets/read';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReleaseIntent } from './check-contracts.js';

/** Does CHANGELOG.md's section of `version` (changesets writes `## 1.0.0` then `### Major Changes`) list major changes? */
export function changelogHasMajorChanges(changelog: string, version: string): boolean {
  const sections = changelog.split(/^## /m);
  const section = sections.find((s) => s.split('\n')[0].trim() === version);
  return section !== undefined && /^### Major Changes/m.test(section);
}

/** The release intent of the repository at `root`: pending changesets, package.json's version, CHANGELOG.md. */
export async function readReleaseIntent(root: string, releasedVersion: string): Promise<ReleaseIntent> {
  const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
  const changesets = await readChangesets(root);
  const pendingBumps = changesets.flatMap((c) => c.releases.filter((r) => r.name === manifest.name).map((r) => r.type));
  const changelog = await readFile(join(root, 'CHANGELOG.md'), 'utf8').catch(() => '');
  return { pendingBumps, releasedVersion, currentVersion: manifest.version, changelogHasMajorChanges: changelogHasMajorChanges(changelog, manifest.version) };
}
