import { access, readdir, readFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchorsOf, linkTargetsOf } from '../testkit/markdown.js';

async function documentationFiles(): Promise<string[]> {
  const docs = (await readdir('docs')).filter((file) => file.endsWith('.md')).map((file) => join('docs', file));
  return ['README.md', ...docs];
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Every relative link of `file` that names no file of the repository, or no heading of the file it names. */
async function brokenLinksOf(file: string): Promise<string[]> {
  const broken: string[] = [];
  for (const target of linkTargetsOf(await readFile(file, 'utf8'))) {
    if (/^[a-z]+:/i.test(target)) continue; // http(s), mailto: not ours to check offline
    const [path, anchor] = target.split('#');
    const linked = path === '' ? file : normalize(join(dirname(file), path));
    if (!(await exists(linked))) {
      broken.push(`${file}: ${target} (no file ${linked})`);
    } else if (anchor !== undefined && linked.endsWith('.md') && !anchorsOf(await readFile(linked, 'utf8')).has(anchor)) {
      broken.push(`${file}: ${target} (no heading #${anchor} in ${linked})`);
    }
  }
  return broken;
}

describe('the documentation links', () => {
  it('when README.md and docs/*.md are read, then every relative link names a file there is, and a heading it has', async () => {
    const files = await documentationFiles();
    const broken = (await Promise.all(files.map(brokenLinksOf))).flat();

    expect(files).toContain('docs/README.md');
    expect(broken).toEqual([]);
  });
});
