import { readFile } from 'node:fs/promises';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config from '../../codegen.js';

describe('generated resolver types', () => {
  it('when codegen runs on schema/planning.graphql, then its output equals the committed file (run `npm run codegen`)', async () => {
    const outputs = (await generate({ ...config, silent: true }, false)) as Array<{ filename: string; content: string }>;
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      const committed = await readFile(output.filename, 'utf8');
      expect(committed, `${output.filename} is stale: run npm run codegen`).toBe(output.content);
    }
  });
});
