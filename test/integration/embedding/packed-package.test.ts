import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const REPO = new URL('../../../', import.meta.url).pathname;
const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname;

/**
 * `npm pack`, then a new host project installs the tarball offline (`npm ci --offline`: the tarball itself, and its
 * dependencies from the npm cache, by a lockfile made of this repository's production entries), and everything
 * below runs from that project with plain Node, as an integrator's platform would: the host of
 * test/fixtures/host-platform/host.mjs (its own login, the module at /api/planning on the embedded database, the
 * guide's three events), the frontend file type-checked and bundled for the browser.
 */
describe('the packed package, installed into a host project', () => {
  let workDir: string;
  let hostDir: string;
  let tarball: string;
  let report: any;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'focus-kraliki-package-'));
    hostDir = join(workDir, 'host');
    await mkdir(hostDir);
    // prepack builds dist/ first.
    const { stdout } = await run('npm', ['pack', '--pack-destination', workDir, '--silent'], { cwd: REPO, maxBuffer: 16 * 1024 * 1024 });
    tarball = stdout.trim().split('\n').pop()!;
    await writeHostProject(hostDir, tarball);
    await run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: hostDir, maxBuffer: 16 * 1024 * 1024 }).catch((error: Error & { stderr?: string }) => {
      throw new Error(`npm ci --offline of the packed package failed (are its dependencies in the npm cache? run npm ci in the repository once): ${error.stderr ?? error.message}`);
    });
    await cp(join(FIXTURES, 'host-platform'), hostDir, { recursive: true });

    const reportFile = join(workDir, 'report.json');
    await run(process.execPath, ['host.mjs', join(workDir, 'data'), join(FIXTURES, 'events'), reportFile], { cwd: hostDir, env: hostEnvironment(), maxBuffer: 16 * 1024 * 1024 });
    report = JSON.parse(await readFile(reportFile, 'utf8'));
  }, 360_000);

  afterAll(async () => {
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('when the tarball is listed, then it holds the built ESM with declarations, the schema and the CLI, and no sources or tests', async () => {
    const { stdout } = await run('tar', ['-tzf', join(workDir, tarball)]);
    const files = stdout.trim().split('\n');

    expect(files).toEqual(expect.arrayContaining(['package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/components/index.js', 'package/dist/components/index.d.ts', 'package/schema/planning.graphql', 'package/bin/focus-kraliki.js', 'package/package.json', 'package/README.md']));
    expect(files.filter((file) => /^package\/(src|test|scripts|bench)\//.test(file) || file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
    const manifest = JSON.parse(await readFile(join(hostDir, 'node_modules/@ocelot-apps/focus-kraliki/package.json'), 'utf8'));
    expect(manifest.private).toBeUndefined();
  });

  it('when the installed CLI is run, then it is the built one and prints its usage', async () => {
    const { stdout } = await run(join(hostDir, 'node_modules/.bin/focus-kraliki'), ['--help'], { cwd: hostDir, env: hostEnvironment() });

    expect(stdout).toMatch(/^Usage: focus-kraliki <command>/);
  });

  it('(a) when a plain Node host logs its user in and mounts the module at /api/planning, then the guide\'s list and create work for that user', () => {
    expect(report.login.status).toBe(200);
    expect(report.empty).toEqual({ status: 200, body: { tasks: [], total: 0, next_cursor: null } });
    expect(report.created).toMatchObject({ status: 200, body: { title: 'Prepare the quarterly review', priority: 3, status: 'PENDING', userId: 'user-1' } });
    expect(report.listed.body).toMatchObject({ total: 1, tasks: [{ id: report.created.body.id }] });
    expect(report.anonymous.status).toBe(401);
    expect(report.health).toMatchObject({ status: 'ok', checks: { postgres: 'ok' } });
    expect(report.metrics).toContain('planning_tasks_created_total{source="api",module="focus-kraliki"} 1');
  });

  it('(c) when the guide\'s three events are handled (the first delivered twice), then a call-back task, the workflow\'s tasks in order and nothing for the completed call exist', () => {
    expect(report.outcomes).toEqual({ callback: { status: 'processed' }, callbackRedelivered: { status: 'processed' }, workflow: { status: 'processed' }, campaignCallCompleted: { status: 'processed' } });
    const tasks = report.afterEvents.body.tasks as Array<{ title: string; position: number; priority: number; dueDate: string | null; metadata: Record<string, unknown> }>;
    const callbacks = tasks.filter((task) => task.metadata.source === 'call');
    expect(callbacks).toEqual([
      expect.objectContaining({
        title: 'Call back Jana Novak',
        priority: 3,
        dueDate: '2026-11-26T08:30:00.000Z',
        metadata: { source: 'call', callId: 'call-123', campaignId: 'campaign-42' },
      }),
    ]);
    const workflow = tasks.filter((task) => task.metadata.source === 'ai_workflow').sort((a, b) => a.position - b.position);
    expect(workflow.map((task) => [task.title, task.priority])).toEqual([
      ['Collect the signed contract', 3],
      ['Create the customer account', 2],
      ['Send the welcome pack', 1],
    ]);
    expect(tasks).toHaveLength(5);
    expect(report.creations.map((event: any) => event.data.source).sort()).toEqual(['ai_workflow', 'ai_workflow', 'ai_workflow', 'api', 'call_callback']);
  });

  it('(c) when the campaign\'s call-back task is completed, then the host\'s bus receives planning.task.completed with the campaign', () => {
    expect(report.completed).toMatchObject({ status: 200, body: { status: 'COMPLETED' } });
    expect(report.completion).toMatchObject({
      type: 'planning.task.completed',
      source: 'planning',
      user_id: 'user-1',
      org_id: 'acme',
      data: { task_id: report.completed.body.id, duration_minutes: 12, campaign_id: 'campaign-42' },
    });
  });

  it('(b) when a frontend file uses MODULE_CONFIG, Task and Project from the installed package, then it type-checks without Node\'s types, and the components\' declarations need none', async () => {
    const tsc = join(REPO, 'node_modules/.bin/tsc');

    await expect(run(tsc, ['-p', 'tsconfig.json'], { cwd: hostDir }).then(() => 'ok', (error: { stdout: string }) => error.stdout)).resolves.toBe('ok');
    await expect(run(tsc, ['-p', 'tsconfig.components.json'], { cwd: hostDir }).then(() => 'ok', (error: { stdout: string }) => error.stdout)).resolves.toBe('ok');
    expect(report.moduleConfig).toMatchObject({ name: 'focus-kraliki', displayName: 'Planning', apiBase: '/api/planning', version: JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')).version });
  });

  it('(b) when the frontend file is bundled for the browser, then the package\'s root resolves to its browser-safe entry', async () => {
    const result = await build({ entryPoints: [join(hostDir, 'frontend.ts')], bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true, logLevel: 'silent', absWorkingDir: hostDir });

    const packageInputs = Object.keys(result.metafile.inputs).filter((input) => input.includes('@ocelot-apps/focus-kraliki/'));
    expect(packageInputs.length).toBeGreaterThan(0);
    expect(packageInputs.filter((input) => !input.includes('/dist/components/'))).toEqual([]);
  });
});

/** A project depending on the tarball only, its lockfile made of this repository's locked production packages. */
async function writeHostProject(hostDir: string, tarball: string): Promise<void> {
  const manifest = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8'));
  const lock = JSON.parse(await readFile(join(REPO, 'package-lock.json'), 'utf8'));
  const dependency = { [manifest.name]: `file:../${tarball}` };
  const packages: Record<string, unknown> = {
    '': { name: 'host-platform', dependencies: dependency },
    [`node_modules/${manifest.name}`]: { version: manifest.version, resolved: `file:../${tarball}`, dependencies: manifest.dependencies, bin: manifest.bin, engines: manifest.engines },
  };
  for (const [path, entry] of Object.entries<Record<string, unknown>>(lock.packages)) if (path !== '' && !entry.dev) packages[path] = entry;
  // The overrides of production packages, as docs/embedding.md tells a host on Node 20 (no EBADENGINE warning).
  const installed = new Set(Object.keys(packages).map((path) => path.replace(/^.*node_modules\//, '')));
  // A key may carry a range (`ajv@~8.13.0`): it names the package before the range.
  const overrides = Object.fromEntries(Object.entries<string>(manifest.overrides ?? {}).filter(([key]) => installed.has(key.replace(/(?<=.)@.*$/, ''))));
  await writeFile(join(hostDir, 'package.json'), JSON.stringify({ name: 'host-platform', private: true, type: 'module', dependencies: dependency, overrides }, null, 2));
  await writeFile(join(hostDir, 'package-lock.json'), JSON.stringify({ name: 'host-platform', lockfileVersion: 3, requires: true, packages }, null, 2));
}

/** The host's environment without this repository's service URLs: the guide's newcomer runs on the embedded database. */
function hostEnvironment(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _d, REDIS_URL: _r, RABBITMQ_URL: _q, NODE_OPTIONS: _n, ...rest } = process.env;
  return { ...rest, NODE_ENV: 'development' };
}
