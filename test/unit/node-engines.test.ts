import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as { packages: Record<string, { version?: string; engines?: { node?: string } | string[]; dev?: boolean }> };

/** `npm install` warns (EBADENGINE) about every installed package whose `engines.node` excludes the running Node. */
describe('every installed package runs on the Node versions this package supports', () => {
  const oldest = semver.minVersion(manifest.engines.node)!.version;

  it(`when the lock is read, then no package's engines exclude Node ${oldest} (the oldest supported) or the running Node`, () => {
    const excluding = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, entry]) => {
        const range = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
        if (!range) return [];
        const accepts = (version: string) => semver.satisfies(version, range, { includePrerelease: true });
        return accepts(oldest) && accepts(process.version) ? [] : [`${path.replace(/^.*node_modules\//, '')}@${entry.version}: node ${range}`];
      });
    expect(excluding, 'pick a version that accepts Node 20, or an override in package.json (docs/layout.md, Dependencies)').toEqual([]);
  });

  it('when the check is given a Node 22-only range, then it tells it apart (the check can fail)', () => {
    expect(semver.satisfies(oldest, '>=22.12.0')).toBe(false);
    expect(semver.satisfies(oldest, '>=18')).toBe(true);
  });
});
