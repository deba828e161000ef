import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/config/config.js';
import { sectionUnder, tableRows } from '../testkit/markdown.js';

/** The variables named in the first column of every table under the README's "Configuration" heading. */
async function variablesInReadmeTable(): Promise<Set<string>> {
  const section = sectionUnder(await readFile('README.md', 'utf8'), 'Configuration');
  if (section === undefined) throw new Error('README.md has no "Configuration" heading');
  const firstCells = tableRows(section).map((cells) => cells[0]);
  return new Set(firstCells.flatMap((cell) => [...cell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1])));
}

/** Variables read straight from `process.env` anywhere in src/ (the comms example's own, for one). */
async function variablesReadFromProcessEnv(): Promise<Set<string>> {
  const files = (await readdir('src', { recursive: true })).filter((file) => file.endsWith('.ts'));
  const sources = await Promise.all(files.map((file) => readFile(join('src', file), 'utf8')));
  return new Set(sources.flatMap((source) => [...source.matchAll(/process\.env(?:\.([A-Z][A-Z0-9_]*)|\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\])/g)].map((m) => m[1] ?? m[2])));
}

describe("the README's configuration table", () => {
  it('when the config schema and src/ are read, then every variable they parse has a row in the table', async () => {
    const [documented, readDirectly] = await Promise.all([variablesInReadmeTable(), variablesReadFromProcessEnv()]);
    const parsed = new Set([...CONFIG_VARIABLES, ...readDirectly]);

    expect(CONFIG_VARIABLES.length).toBeGreaterThan(40);
    expect([...parsed].filter((name) => !documented.has(name))).toEqual([]);
  });

  it('when the table is read, then each variable it names is one the code reads (no row outlives its variable)', async () => {
    const [documented, readDirectly] = await Promise.all([variablesInReadmeTable(), variablesReadFromProcessEnv()]);
    const parsed = new Set<string>([...CONFIG_VARIABLES, ...readDirectly]);

    expect([...documented].filter((name) => !parsed.has(name))).toEqual([]);
  });
});
