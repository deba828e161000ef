import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '../../../bench/roles.js';

export { freePort };

/** Environment variables of the parent that would point a child at the shared services. */
const SERVICE_VARIABLES = ['DATABASE_URL', 'REDIS_URL', 'RABBITMQ_URL', 'NODE_ENV', 'AUTH_PRIVATE_KEY', 'AUTH_PRIVATE_KEY_FILE'];

/**
 * Free ports for `focus-kraliki start` (gateway, planning, comms; the worker on an ephemeral port); the gateway
 * routes to the planning and comms subgraphs of its process by itself.
 */
export async function startRoleEnvironment(
  dataDir: string,
): Promise<{ port: number; planningPort: number; commsPort: number; env: Record<string, string> }> {
  const [port, planningPort, commsPort] = [await freePort(), await freePort(), await freePort()];
  return {
    port,
    planningPort,
    commsPort,
    env: {
      PORT: String(port),
      PLANNING_PORT: String(planningPort),
      COMMS_PORT: String(commsPort),
      WORKER_PORT: '0',
      PLANNING_DATA_DIR: dataDir,
    },
  };
}

/** The real CLI (`node --import tsx src/main/cli.ts <args>`) as a child process with exactly `env` on top of a clean base. */
export class CliChild {
  readonly process: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;

  constructor(args: string[], env: Record<string, string | undefined>) {
    const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !SERVICE_VARIABLES.includes(name)));
    this.process = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', ...args], {
      env: { ...base, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.process.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.process.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  }

  /** Resolves once stderr contains `text`; rejects when the process exits first or `timeoutMs` passes. */
  async waitForStderr(text: string, timeoutMs = 60_000): Promise<void> {
    return this.waitFor('stderr', text, timeoutMs);
  }

  /** Resolves once stdout (the JSON log) contains `text`; rejects when the process exits first or `timeoutMs` passes. */
  async waitForStdout(text: string, timeoutMs = 60_000): Promise<void> {
    return this.waitFor('stdout', text, timeoutMs);
  }

  private async waitFor(stream: 'stdout' | 'stderr', text: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (!this[stream].includes(text)) {
      if (exited) throw new Error(`the CLI exited before printing ${JSON.stringify(text)}:\n${this.stderr}\n${this.stdout.slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(text)}:\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  signal(signal: NodeJS.Signals): void {
    this.process.kill(signal);
  }

  /** Kills it when a test failed half-way. */
  async kill(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      this.process.kill('SIGKILL');
      await this.exited;
    }
  }
}
