import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CliChild, freePort, startRoleEnvironment } from './cli-child.js';

describe('start-up experience of the real CLI', () => {
  let child: CliChild | undefined;
  let dataDir: string | undefined;

  afterEach(async () => {
    await child?.kill();
    child = undefined;
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('when `start` runs on embedded defaults, then stderr shows every URL, the embedded/in-process modes and the demo login', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'startup-'));
    const { port, planningPort, commsPort, env } = await startRoleEnvironment(dataDir);
    const embeddedPort = await freePort();
    child = new CliChild(['start'], { ...env, EMBEDDED_DATABASE_PORT: String(embeddedPort) });
    await child.waitForStderr('demo login');
    const banner = child.stderr.slice(child.stderr.indexOf('focus-kraliki gateway + subgraph + worker + comms is ready'));

    expect(banner).toMatch(new RegExp(`gateway\\s+http://127\\.0\\.0\\.1:${port}/graphql`));
    expect(banner).toMatch(new RegExp(`planning\\s+http://127\\.0\\.0\\.1:${planningPort}/graphql`));
    expect(banner).toMatch(new RegExp(`comms\\s+http://127\\.0\\.0\\.1:${commsPort}/graphql`));
    expect(banner).toMatch(new RegExp(`docs\\s+http://127\\.0\\.0\\.1:${port}/docs`));
    expect(banner).toMatch(new RegExp(`PostgreSQL\\s+embedded \\(PGlite in .*pglite, served on 127\\.0\\.0\\.1:${embeddedPort}`));
    expect(banner).toMatch(/Redis\s+in-process/);
    expect(banner).toMatch(/RabbitMQ\s+in-process/);
    expect(banner).toMatch(/demo login\s+test@example\.com \/ password \(org demo\)/);
    // The JSON log line is still there, on stdout (written asynchronously, so it may trail the banner a little).
    const readyLine = '"msg":"focus-kraliki gateway + subgraph + worker + comms ready"';
    await child.waitForStdout(readyLine, 5000);
    // Migrations ran (a fresh data directory) and said so in the JSON log, without terminal colour codes.
    expect(child.stdout).toContain('[migrator] Applied');
    expect(child.stdout).not.toContain('\u001b[');
    expect(child.stderr).not.toContain('\u001b[');

    // The demo login the banner announces works.
    const login = await fetch(`http://127.0.0.1:${port}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'test@example.com', password: 'password' }),
    });
    expect(login.status).toBe(200);

    child.signal('SIGTERM');
    expect((await child.exited).code).toBe(0);
  }, 90_000);

  it('when the worker runs without the gateway and without REDIS_URL, then it warns that its changes reach no answer cache; with the gateway in the process it does not', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'startup-'));
    const { env } = await startRoleEnvironment(dataDir);
    child = new CliChild(['worker'], env);
    await child.waitForStderr('is ready');
    await child.waitForStdout('announced to no gateway', 5000);
    expect(child.stdout).toMatch(/"level":"?(warn|40)"?.*worker: REDIS_URL is not set, so the planning changes made from events are announced to no gateway/);
    child.signal('SIGTERM');
    expect((await child.exited).code).toBe(0);

    await rm(dataDir, { recursive: true, force: true });
    dataDir = await mkdtemp(join(tmpdir(), 'startup-'));
    child = new CliChild(['start'], (await startRoleEnvironment(dataDir)).env);
    await child.waitForStderr('is ready');
    expect(child.stdout).not.toContain('announced to no gateway');
    child.signal('SIGTERM');
    const exit = await child.exited;
    expect({ code: exit.code, signal: exit.signal }, `stderr: ${child.stderr.slice(-3000)}\nstdout: ${child.stdout.slice(-3000)}`).toEqual({ code: 0, signal: null });
  }, 90_000);

  it('when NODE_ENV=production and no signing key is configured, then the process exits non-zero naming AUTH_PRIVATE_KEY_FILE', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'startup-'));
    child = new CliChild(['start'], {
      NODE_ENV: 'production',
      PLANNING_CURSOR_SECRET: 'a-production-cursor-secret',
      PORT: String(await freePort()),
      PLANNING_PORT: '0',
      COMMS_PORT: '0',
      WORKER_PORT: '0',
      PLANNING_DATA_DIR: dataDir,
    });
    const exit = await child.exited;
    expect(exit.code).toBe(1);
    expect(child.stderr).toContain('Invalid configuration');
    expect(child.stderr).toContain('AUTH_PRIVATE_KEY_FILE');
    expect(child.stderr).not.toContain('is ready');
  }, 60_000);

  it('when several variables are bad, then the process names every one of them and exits non-zero', async () => {
    child = new CliChild(['start'], { PORT: 'not-a-port', SHUTDOWN_TIMEOUT_MS: '-5', RABBITMQ_URL: 'http://nope' });
    const exit = await child.exited;
    expect(exit.code).toBe(1);
    for (const name of ['PORT', 'SHUTDOWN_TIMEOUT_MS', 'RABBITMQ_URL']) expect(child.stderr).toContain(name);
  }, 60_000);
});
