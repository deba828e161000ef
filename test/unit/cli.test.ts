import { spawn, spawnSync } from 'node:child_process';
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

/** Like runCli, without blocking this process (the embedded test database is served from it). */
const runCliAsync = (args: string[], env: Record<string, string>) =>
  new Promise<{ status: number | null; stdout: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('close', (status) => resolve({ status, stdout }));
  });

describe('focus-kraliki migrate', () => {
  it('when run on an empty database, then it applies every migration; run again, it applies none', async () => {
    const { createTestDatabase } = await import('../testkit/test-database.js');
    const database = await createTestDatabase();
    try {
      const env = { DATABASE_URL: database.url, LOG_LEVEL: 'info' };
      const first = await runCliAsync(['migrate'], env);
      expect(first.status).toBe(0);
      expect(first.stdout).toContain('Migration20261125010000_planning_events');
      const second = await runCliAsync(['migrate'], env);
      expect(second.status).toBe(0);
      expect(second.stdout).not.toContain('migrations applied');
      expect(second.stdout).toContain('database is up to date');
      const lag = await runCliAsync(['outbox'], env);
      expect(lag.status).toBe(0);
      expect(JSON.parse(lag.stdout.trim().split('\n').at(-1)!)).toEqual({ unsent: 0, oldestUnsentAgeSeconds: 0 });
    } finally {
      await database.drop();
    }
  }, 60_000);
});
