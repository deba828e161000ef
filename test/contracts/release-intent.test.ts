import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { changelogHasMajorChanges, readReleaseIntent } from '../../scripts/contracts/release-intent.js';

const dirs: string[] = [];
afterEach(async () => Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true }))));

async function repository(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'release-intent-'));
  dirs.push(dir);
  await mkdir(join(dir, '.changeset'));
  await writeFile(join(dir, '.changeset/config.json'), '{}');
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

const changeset = (bump: string, summary: string) => `---\n"@ocelot-apps/focus-kraliki": ${bump}\n---\n\n${summary}\n`;

describe('release intent', () => {
  it('when changesets are pending, then their bumps for this package are read, other packages\' ignored', async () => {
    const dir = await repository({
      'package.json': JSON.stringify({ name: '@ocelot-apps/focus-kraliki', version: '0.1.0' }),
      '.changeset/brave-owls.md': changeset('major', 'Task.title is gone.'),
      '.changeset/calm-cats.md': changeset('minor', 'Task.subtitle.'),
      '.changeset/other.md': '---\n"some-other-package": major\n---\n\nNot ours.\n',
    });
    const intent = await readReleaseIntent(dir, '0.1.0');
    expect(intent.pendingBumps.sort()).toEqual(['major', 'minor']);
    expect(intent).toMatchObject({ releasedVersion: '0.1.0', currentVersion: '0.1.0', changelogHasMajorChanges: false });
  });

  it('when the version was bumped and CHANGELOG.md lists major changes for it, then the intent says so', async () => {
    const dir = await repository({
      'package.json': JSON.stringify({ name: '@ocelot-apps/focus-kraliki', version: '1.0.0' }),
      'CHANGELOG.md': '# x\n\n## 1.0.0\n\n### Major Changes\n\n- Task.title is gone.\n\n## 0.1.0\n\n### Minor Changes\n\n- First.\n',
    });
    expect(await readReleaseIntent(dir, '0.1.0')).toMatchObject({ pendingBumps: [], currentVersion: '1.0.0', changelogHasMajorChanges: true });
  });

  it('when the major changes belong to an older version, then the current version does not count as announced', () => {
    const changelog = '# x\n\n## 1.1.0\n\n### Minor Changes\n\n- More.\n\n## 1.0.0\n\n### Major Changes\n\n- Gone.\n';
    expect(changelogHasMajorChanges(changelog, '1.1.0')).toBe(false);
    expect(changelogHasMajorChanges(changelog, '1.0.0')).toBe(true);
  });
});
