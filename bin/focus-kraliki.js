#!/usr/bin/env node
// In the repository the TypeScript CLI runs through tsx (a production dependency), so the same sources run
// everywhere; the published package holds the built CLI only (dist/, `npm run build`).
import { existsSync } from 'node:fs';

const source = new URL('../src/main/cli.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import('../dist/main/cli.js');
}
