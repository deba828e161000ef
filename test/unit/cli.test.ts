import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const runCli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 20_000,
  });

describe('focus-kraliki CLI', () => {
  it('when the command is unknown, then it prints the usage and exits 2', () => {
    const result = runCli(['frobnicate']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Usage: focus-kraliki');
  });

  it('when no command is given, then it exits 2', () => {
    expect(runCli([]).status).toBe(2);
  });

  it('when the configuration is bad, then it names every bad variable and exits 1', () => {
    const result = runCli(['subgraph'], { PLANNING_PORT: 'nope', DATABASE_URL: 'http://x' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PLANNING_PORT');
    expect(result.stderr).toContain('DATABASE_URL');
  });
});
