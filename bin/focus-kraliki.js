#!/usr/bin/env node
// Runs the TypeScript CLI through tsx (a production dependency), so the same sources run everywhere.
import { register } from 'tsx/esm/api';

register();
await import('../src/main/cli.ts');
