import { PLANNING_ENTITIES } from '../src/modules/planning-entities.js';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type amqplib from 'amqplib';
import { Redis } from 'ioredis';
import pg from 'pg';
import { loadConfig } from '../src/config/config.js';
import { migrateToLatest, openOrm } from '../src/platform/db/orm.js';
import type { EventTopology } from '../src/platform/messaging/event-bus.js';
import { generatePrivateKeyPem, loadKeyRing } from '../src/platform/identity/signing-keys.js';
import { TokenIssuer } from '../src/platform/identity/token-issuer.js';

/**
 * Node flags of every role: the ones `npm start` runs the CLI with (read from its script in package.json; the image's
 * entrypoint repeats them, a test keeps the two equal), so the bench measures the memory and GC settings a user gets.
 */
export const NODE_FLAGS = startScriptNodeFlags();

function startScriptNodeFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  const match = /\bnode((?: --[\w-]+(?:=\S+)?)*) dist\/main\/cli\.js start\b/.exec(scripts.start ?? '');
  if (!match) throw new Error(`package.json's start script does not run "node [flags] dist/main/cli.js start": ${scripts.start}`);
  return match[1]!.trim().split(' ').filter(Boolean);
}

/**
 * More flags for every child, from `BENCH_NODE_FLAGS` (space-separated): e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`
 * writes a CPU profile per role when the run ends (NODE_OPTIONS does not accept --cpu-prof).
 */
const EXTRA_NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);

/**
 * The command line of a role of ours, for {@link RoleProcesses.start}: the built CLI, as `npm start` and the image run
 * it (no TypeScript loader in the process: tsx's loader thread and transpile caches held some 75 MB per role).
 * {@link RoleProcesses.start} builds `dist/` once per run before the first role of ours starts.
 */
export const CLI = ['dist/main/cli.js'];

let built = false;

/** `npm run build`, once per process: the bench measures the sources as they are now, not an old `dist/`. */
export function buildOnce(): void {
  if (built) return;
  const result = spawnSync('npm', ['run', 'build', '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error(`npm run build failed (exit ${result.status ?? result.signal})`);
  built = true;
}

/** Node's arguments for a script: built JavaScript runs as is, TypeScript (the bench's own servers) through tsx. */
function nodeArguments(script: string[]): string[] {
  if (script[0]?.startsWith('dist/')) buildOnce();
  const loader = script[0]?.endsWith('.ts') ? ['--import', 'tsx'] : [];
  return [...NODE_FLAGS, ...EXTRA_NODE_FLAGS, ...loader, ...script];
}

/**
 * The child processes of one bench or drill run: each started with `node` (TypeScript through `--import tsx`), ready once its `/health`
 * answers, and all killed by {@link stopAll} (the caller runs it in `finally` and on signals).
 */
export class RoleProcesses {
  readonly children: ChildProcess[] = [];
  private readonly stderrTails = new Map<ChildProcess, string>();

  /**
   * @param options.quiet keep the children's stderr (start-up banners, warnings) instead of printing it: a test
   * suite's output stays readable, and a child that fails to start still says why in the rejection.
   */
  constructor(private readonly options: { quiet?: boolean } = {}) {}

  /** The last few KB a quiet child wrote to stderr. */
  stderrOf(child: ChildProcess): string {
    return this.stderrTails.get(child) ?? '';
  }

  start(script: string[], env: Record<string, string>, port: number): Promise<ChildProcess> {
    const child = spawn(process.execPath, nodeArguments(script), {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', this.options.quiet ? 'pipe' : 'inherit'],
    });
    // The JSON log goes to stdout; drain it so a chatty child never blocks on a full pipe.
    child.stdout?.resume();
    child.stderr?.on('data', (chunk: Buffer) => this.stderrTails.set(child, (this.stderrOf(child) + chunk.toString()).slice(-4000)));
    this.children.push(child);
    const said = () => (this.options.quiet ? `:\n${this.stderrOf(child)}` : '');
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + 60_000;
      const poll = async () => {
        if (child.exitCode !== null) return reject(new Error(`${script.join(' ')} exited with ${child.exitCode}${said()}`));
        try {
          const response = await fetch(`http://127.0.0.1:${port}/health`);
          if (response.status < 500) return resolve(child);
        } catch {
          // not up yet
        }
        if (Date.now() > deadline) return reject(new Error(`${script.join(' ')} did not start${said()}`));
        setTimeout(poll, 200);
      };
      void poll();
    });
  }

  async stopAll(): Promise<void> {
    const running = this.children.filter((child) => child.exitCode === null && child.signalCode === null);
    for (const child of running) child.kill('SIGTERM');
    const exited = (child: ChildProcess) => new Promise((resolve) => child.once('exit', resolve));
    await Promise.race([Promise.all(running.map(exited)), new Promise((resolve) => setTimeout(resolve, 15_000))]);
    for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** Resident memory of a process in MB (0 once it is gone). */
export function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** A database of this run's own on the server of `adminUrl`, migrated; `drop()` removes it. */
export async function createRunDatabase(adminUrl: string, prefix: string) {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client(adminUrl);
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  return {
    name,
    url,
    async migrate() {
      const orm = await openOrm({ entities: PLANNING_ENTITIES, clientUrl: url, poolMax: 2 });
      await migrateToLatest(orm);
      await orm.close(true);
    },
    async drop() {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** Deletes a run's suffixed queues and exchanges; one never declared is simply absent. */
export async function deleteTopology(channel: amqplib.Channel, topology: EventTopology): Promise<void> {
  for (const queue of [topology.queue, topology.deadLetterQueue]) await channel.deleteQueue(queue).catch(() => {});
  for (const exchange of [topology.exchange, topology.deadLetterExchange]) await channel.deleteExchange(exchange).catch(() => {});
}

/** Deletes every key of a run's Redis key prefix. */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true });
  await redis.connect();
  for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 })) if ((keys as string[]).length) await redis.del(...(keys as string[]));
  redis.disconnect();
}

/** A fresh Ed25519 signing key for the gateway, in a private temporary file. */
export async function writeGatewayKey(): Promise<string> {
  const keyFile = join(await mkdtemp(join(tmpdir(), 'bench-keys-')), 'gateway.pem');
  writeFileSync(keyFile, generatePrivateKeyPem(), { mode: 0o600 });
  return keyFile;
}

/** A bearer token for `bench-user` of org `bench` (role member), minted by our CLI with the run's key. */
export function mintToken(env: Record<string, string>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    buildOnce();
    const mint = spawn(process.execPath, [...CLI, 'token', 'mint', '--sub', 'bench-user', '--org', 'bench', '--roles', 'member', '--ttl', '7200'], {
      env: { ...process.env, ...env },
    });
    let out = '';
    mint.stdout.on('data', (d) => (out += d));
    mint.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error('token mint failed'))));
  });
}

/**
 * The same token as {@link mintToken} (or one for `orgId`), signed in this process with the key and issuer settings of `env` over this
 * process's environment, as a child would see them (saves starting a child, the main cost where a test starts roles).
 */
export async function signToken(env: Record<string, string>, orgId = 'bench'): Promise<string> {
  const config = loadConfig({ ...process.env, ...env });
  const keys = await loadKeyRing({ privateKeyFile: env.AUTH_PRIVATE_KEY_FILE, privateKey: env.AUTH_PRIVATE_KEY });
  const issuer = new TokenIssuer(keys.current, config.auth.issuer, config.auth.audience);
  const { token } = await issuer.issue({ sub: 'bench-user', orgId, roles: ['member'], ttlSeconds: 7200 });
  return token;
}

/** The kernel's range for ports bound to 0 (Linux: /proc/sys/net/ipv4/ip_local_port_range), else the IANA range. */
function ephemeralPorts(): { low: number; high: number } {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high)) return { low: low!, high: high! };
  } catch {
    // not Linux
  }
  return { low: 49152, high: 65535 };
}

/** Ports this process handed out already: never handed out twice. */
const handedOut = new Set<number>();

/** Whether `port` can be bound on 127.0.0.1 right now. */
async function canBind(port: number): Promise<boolean> {
  const server = createServer();
  const bound = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (bound) await new Promise<void>((resolve) => server.close(() => resolve()));
  return bound;
}

/**
 * A port that was free a moment ago, for a role to bind (fixed ports collide with whatever else runs on the
 * machine). Drawn at random below the kernel's ephemeral range, so no socket bound to port 0 meanwhile (a worker on
 * `WORKER_PORT=0`, any client's connection) can take it before the role binds it; never the same one twice in a
 * process. Falls back to an ephemeral port when no such port is free.
 */
export async function freePort(): Promise<number> {
  const { low } = ephemeralPorts();
  const floor = 20_000;
  if (low - floor > 1_000) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = floor + Math.floor(Math.random() * (low - floor));
      if (handedOut.has(port) || !(await canBind(port))) continue;
      handedOut.add(port);
      return port;
    }
  }
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  handedOut.add(port);
  return port;
}
