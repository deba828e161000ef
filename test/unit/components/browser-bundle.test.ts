import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('the browser-safe entry src/components', () => {
  it('when esbuild bundles it for the browser, then it builds with no Node built-in and nothing of the server in it', async () => {
    const result = await build({
      entryPoints: ['src/components/index.ts'],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });

    const inputs = Object.keys(result.metafile.inputs);
    expect(result.errors).toEqual([]);
    expect(inputs.filter((input) => !input.startsWith('src/components/'))).toEqual([]);
    expect(result.outputFiles[0]!.text).not.toMatch(/\bfrom\s+["']node:|require\(["']node:/);
  });
});
