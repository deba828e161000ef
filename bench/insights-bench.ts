import { PLANNING_ENTITIES } from '../src/modules/planning-entities.js';
/**
 * Shadow AI and Flow Memory bench, against real PostgreSQL and Redis (URLs from the environment):
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 npm run bench:insights
 *
 * On the bench data set (bench/seed.ts: org `bench`, 20,000 tasks of one user) with a history spread over two years
 * (creation 52 minutes apart, a quarter completed with estimates, energy levels and due-date moves; the noise orgs'
 * 2,000 tasks over the same two years), and an org with the bench org's density but a tenth of its history
 * (`bench-short`, 2,000 tasks, 72 days):
 *
 *   I1  productivityReport(LAST_30_DAYS), computed on every request (no report cache): p50/p99, req/s, statements
 *   I2  productivityReport with the report cache (the org's data unchanged: answered from the cache)
 *   I3  shadowInsights (30 unlocked days of the journey)
 *   M1  storeFlowMemoryInteraction on Redis (the user keeps their newest 100)
 *   M2  retrieveFlowMemory(query, limit 10) on Redis over 100 kept interactions (BM25)
 *   M3, M4  the same on the in-process store
 *
 * Each request goes to the planning subgraph over HTTP (headers trust mode), so the figures are the subgraph's own.
 * Statements are counted per request, for both orgs; `EXPLAIN` shows the indexes the report's statements use.
 * Writes the "Shadow AI and Flow Memory" section of docs/benchmarks.md (unless BENCH_ONLY is set).
 */
import autocannon from 'autocannon';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { writeDocSection } from './benchmarks-doc.js';
import { createRunDatabase } from './roles.js';
import { seedBenchData } from './seed.js';
import { openOrm, QueryCounter } from '../src/platform/db/orm.js';
import { createLogger } from '../src/platform/logging/logger.js';
import { HeaderCallerResolver } from '../src/subgraph/caller-from-request.js';
import { startPlanningSubgraph } from '../src/subgraph/planning-server.js';
import { InProcessPlanningDataCache } from '../src/platform/cache/planning-data-cache.js';
import { RedisFlowMemoryStore } from '../src/modules/flow-memory/redis-flow-memory.store.js';
import { InProcessFlowMemoryStore } from '../src/modules/flow-memory/in-process-flow-memory.store.js';
import type { FlowMemoryStore } from '../src/modules/flow-memory/flow-memory.store.js';
import { createRedisClient } from '../src/platform/redis/redis-client.js';
import { REPORT_STATEMENTS, TaskHistoryRepository } from '../src/modules/shadow/task-history.repository.js';
import { STALLED_AFTER_DAYS } from '../src/modules/shadow/productivity-analysis.js';
import type { MikroORM, SqlEntityManager } from '@mikro-orm/postgresql';

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const logger = createLogger('silent');

const REPORT = 'query Report { productivityReport(range: LAST_30_DAYS) { createdCount completedCount completionRate trend overdue { count taskIds } postponed { count } stalled { count } estimates { ratio } productiveHours { hour completed } streaks { current longest } insights { kind confidence taskIds } } }';
const INSIGHTS = 'query Insights { shadowInsights { id day phase content finding { kind taskIds confidence } } }';
const STORE = 'mutation Store { storeFlowMemoryInteraction(input: {userMessage: "Plan the quarterly review with the design team", aiResponse: "Here is a draft agenda", sessionId: "bench"}) { interactionsStored } }';
const RETRIEVE = 'query Retrieve { retrieveFlowMemory(query: "quarterly review design", limit: 10) { totalCount interactions { score } } }';

/** Spreads the seeded tasks over two years and gives them a history: completions, estimates, energy, due-date moves. */
async function addHistory(url: string) {
  const client = new pg.Client(url);
  await client.connect();
  try {
    // org bench-short: the bench org's first 2,000 tasks copied, the same density over a tenth of the time.
    await client.query(`insert into planning_tasks (id, org_id, title, title_key, status, priority, due_date, tags, position, owner_id, metadata, created_at, updated_at)
      select gen_random_uuid(), 'bench-short', title, title_key, status, priority, due_date, tags, position, owner_id, '{}', created_at, updated_at
      from planning_tasks where org_id = 'bench' and parent_id is null order by created_at desc limit 2000`);
    await client.query(`with numbered as (select id, row_number() over (partition by org_id order by created_at desc, id) as n from planning_tasks where org_id in ('bench', 'bench-short'))
      update planning_tasks t set created_at = now() - n.n * interval '52 minutes', updated_at = now() - n.n * interval '52 minutes' + interval '1 hour',
        completed_at = case when t.status = 'COMPLETED' then now() - n.n * interval '52 minutes' + ((n.n % 48) + 1) * interval '30 minutes' end,
        estimated_minutes = case when n.n % 3 = 0 then 30 + (n.n % 5) * 15 end,
        actual_minutes = case when n.n % 3 = 0 and t.status = 'COMPLETED' then 20 + (n.n % 7) * 15 end,
        energy_required = (array['LOW', 'MEDIUM', 'HIGH', null])[1 + n.n % 4],
        due_date = case when n.n % 5 = 0 then now() - n.n * interval '52 minutes' + interval '2 days' else t.due_date end
      from numbered n where n.id = t.id`);
    // Due dates moved later twice for one task in ten (the trigger records the moves).
    for (let i = 0; i < 2; i++) {
      await client.query(`update planning_tasks set due_date = due_date + interval '1 day', updated_at = updated_at + interval '1 minute'
        where org_id in ('bench', 'bench-short') and due_date is not null and ('x' || substr(md5(id::text), 1, 2))::bit(8)::int % 10 = 0`);
    }
    // The other orgs' histories span the same two years (as they would on a server running that long), so the
    // planner's estimate of a 30-day range is what it would be there, not that of a table filled yesterday.
    await client.query(`with numbered as (select id, row_number() over (partition by org_id order by created_at desc, id) as n from planning_tasks where org_id like 'noise-%')
      update planning_tasks t set created_at = now() - n.n * interval '525 minutes', updated_at = now() - n.n * interval '525 minutes' + interval '1 hour'
      from numbered n where n.id = t.id`);
    await client.query('vacuum analyze planning_tasks');
    await client.query('vacuum analyze planning_shadow_task_changes');
  } finally {
    await client.end();
  }
}

/** The indexes the report's heaviest statement uses (EXPLAIN of the completion groups). */
async function indexesUsed(url: string, orgId: string): Promise<string[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const plans: string[] = [];
    for (const sql of [
      `select count(*) from planning_tasks where org_id = $1 and coalesce(assignee_id, owner_id) = 'bench-user' and completed_at is not null and completed_at >= now() - interval '30 days' and completed_at < now()`,
      `select count(*) from planning_tasks where org_id = $1 and coalesce(assignee_id, owner_id) = 'bench-user' and created_at >= now() - interval '30 days' and created_at < now()`,
      `select count(*) from planning_tasks where org_id = $1 and coalesce(assignee_id, owner_id) = 'bench-user' and status in ('PENDING', 'IN_PROGRESS') and due_date is not null and due_date < now()`,
      `select count(*) from planning_shadow_task_changes where org_id = $1 and user_id = 'bench-user' and changed_at >= now() - interval '30 days' and changed_at < now()`,
    ]) {
      const { rows } = await client.query(`explain (format json) ${sql}`, [orgId]);
      plans.push(...[...JSON.stringify(rows[0]['QUERY PLAN']).matchAll(/"Index Name":"([^"]+)"/g)].map((m) => m[1]!));
    }
    return [...new Set(plans)];
  } finally {
    await client.end();
  }
}

/**
 * PostgreSQL's execution time (ms, EXPLAIN ANALYZE) of each statement of a 30-day report for `orgId`: the
 * repository's very statements, run through an EntityManager that explains them instead.
 */
async function statementTimes(orm: MikroORM, orgId: string): Promise<number[]> {
  const em = orm.em.fork();
  const times: number[] = [];
  const explaining = {
    async execute(sql: string, params: unknown[]) {
      const [row] = await em.execute<Array<Record<string, any>>>(`explain (analyze, format json) ${sql}`, params);
      const plan = typeof row!['QUERY PLAN'] === 'string' ? JSON.parse(row!['QUERY PLAN']) : row!['QUERY PLAN'];
      times.push(Math.round(plan[0]['Execution Time'] * 100) / 100);
      // BENCH_PLANS=1 prints each statement's plan (where its time goes).
      if (process.env.BENCH_PLANS) console.log(orgId, JSON.stringify(plan[0].Plan, (key, value) => (['Output', 'Parallel Aware', 'Async Capable', 'Inner Unique'].includes(key) ? undefined : value)));
      return [];
    },
  } as unknown as SqlEntityManager;
  const history = new TaskHistoryRepository(explaining);
  const now = new Date();
  const window = { orgId, userId: 'bench-user', from: new Date(now.getTime() - 30 * 86_400_000), to: now, timeZone: 'UTC' };
  await history.completionGroups(window);
  await history.creationGroups(window);
  await history.currentGroups(orgId, 'bench-user', now, STALLED_AFTER_DAYS);
  await history.changeCounts(window, 200);
  return times;
}

interface Figure {
  name: string;
  what: string;
  rps: number;
  p50: number;
  p99: number;
  statements: string;
  errors: number;
}

async function measure(url: string, org: string, query: string): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION,
    headers: { 'content-type': 'application/json', 'x-user-id': 'bench-user', 'x-org-id': org, 'x-roles': 'member' },
    body: JSON.stringify({ query }),
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

async function main() {
  const database = await createRunDatabase(adminUrl, 'insights_bench');
  const redis = createRedisClient(redisUrl, { keyPrefix: `bench:${randomBytes(4).toString('hex')}:`, logger });
  const servers: Array<{ stop(): Promise<void> }> = [];
  try {
    await database.migrate();
    await seedBenchData(database.url);
    await addHistory(database.url);
    const figures: Figure[] = [];

    const start = async (options: { reportCache: boolean; store: FlowMemoryStore }) => {
      const queries = new QueryCounter();
      const orm = await openOrm({ entities: PLANNING_ENTITIES, clientUrl: database.url, poolMax: 10, queryCounter: queries });
      const cache = new InProcessPlanningDataCache();
      const subgraph = await startPlanningSubgraph({
        orm,
        callers: new HeaderCallerResolver(),
        cursorSecret: 'bench-cursor-secret-0123456789',
        logger,
        isProduction: true,
        port: 0,
        host: '127.0.0.1',
        dataVersions: cache,
        features: { flowMemoryStore: options.store, reportCache: options.reportCache ? cache : undefined },
      });
      servers.push({ stop: async () => { await subgraph.stop(); await orm.close(true); } });
      const post = async (org: string, query: string) => {
        const answer = await fetch(subgraph.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-user-id': 'bench-user', 'x-org-id': org, 'x-roles': 'member' }, body: JSON.stringify({ query }) });
        const body = (await answer.json()) as { errors?: unknown };
        if (body.errors) throw new Error(`${query.slice(0, 40)}: ${JSON.stringify(body.errors)}`);
      };
      /** Statements of one request (after two, which may have filled a cache: the first starts the org's version). */
      const statementsOf = async (org: string, query: string) => {
        await post(org, query);
        await post(org, query);
        queries.reset();
        await post(org, query);
        return queries.count;
      };
      return { url: subgraph.url, post, statementsOf, orm };
    };

    const uncached = await start({ reportCache: false, store: new RedisFlowMemoryStore(redis) });
    const report20k = await uncached.statementsOf('bench', REPORT);
    const report2k = await uncached.statementsOf('bench-short', REPORT);
    const times20k = await statementTimes(uncached.orm, 'bench');
    const times2k = await statementTimes(uncached.orm, 'bench-short');
    for (const [name, org] of [['I1', 'bench'], ['I1s', 'bench-short']] as const) {
      const m = await measure(uncached.url, org, REPORT);
      figures.push({ name, what: `productivityReport(LAST_30_DAYS), computed each time, org ${org} (${org === 'bench' ? '20,000' : '2,000'} tasks)`, ...m, statements: String(org === 'bench' ? report20k : report2k) });
    }

    const cached = await start({ reportCache: true, store: new InProcessFlowMemoryStore() });
    const cachedStatements = await cached.statementsOf('bench', REPORT);
    figures.push({ name: 'I2', what: 'productivityReport with the report cache, data unchanged, org bench', ...(await measure(cached.url, 'bench', REPORT)), statements: String(cachedStatements) });

    // A finished journey: started, then every day unlocked (the 24-hour rule set aside by moving the last unlock back).
    for (const org of ['bench', 'bench-short']) {
      await uncached.post(org, 'mutation { createShadowProfile { id } }');
      const client = new pg.Client(database.url);
      await client.connect();
      for (let day = 2; day <= 30; day++) {
        await client.query(`update planning_shadow_profiles set last_unlocked_at = now() - interval '25 hours' where org_id = $1`, [org]);
        await uncached.post(org, 'mutation { unlockShadowInsight { unlocked } }');
      }
      await client.end();
    }
    const insights20k = await uncached.statementsOf('bench', INSIGHTS);
    const insights2k = await uncached.statementsOf('bench-short', INSIGHTS);
    figures.push({ name: 'I3', what: 'shadowInsights (30 unlocked days), org bench', ...(await measure(uncached.url, 'bench', INSIGHTS)), statements: `${insights20k} (2,000-task org: ${insights2k})` });

    for (const [name, server, kind] of [['M', uncached, 'Redis'], ['Mp', cached, 'in-process']] as const) {
      for (let i = 0; i < 100; i++) await server.post('bench', STORE);
      figures.push({ name: `${name}1`, what: `storeFlowMemoryInteraction, ${kind} store (newest 100 kept)`, ...(await measure(server.url, 'bench', STORE)), statements: String(await server.statementsOf('bench', STORE)) });
      figures.push({ name: `${name}2`, what: `retrieveFlowMemory(query, limit 10) over 100 kept, ${kind} store (BM25)`, ...(await measure(server.url, 'bench', RETRIEVE)), statements: String(await server.statementsOf('bench', RETRIEVE)) });
    }

    const indexes = await indexesUsed(database.url, 'bench');
    const failed = figures.filter((f) => f.errors > 0);
    const table = [
      '| scenario | what | req/s | p50 ms | p99 ms | SQL statements per request |',
      '|---|---|---|---|---|---|',
      ...figures.map((f) => `| ${f.name} | ${f.what} | ${Math.round(f.rps)} | ${f.p50} | ${f.p99} | ${f.statements} |`),
    ].join('\n');
    const section = [
      '## Shadow AI and Flow Memory',
      '',
      `\`npm run bench:insights\`, ${CONNECTIONS} connections for ${DURATION} s per scenario, straight to the planning subgraph (headers trust mode) on PostgreSQL and Redis. The bench org's 20,000 tasks of one user are spread over two years (a task every 52 minutes; a quarter completed, estimates, energy levels, one in ten with its due date moved twice); \`bench-short\` has the same density over a tenth of the time (2,000 tasks). A report reads the range's rows only, in ${REPORT_STATEMENTS} statements on both orgs (none when cached); only its count of the tasks open now (overdue, stalled) grows with how many there are. Figures from a 2-core machine shared with other work (load around 9): compare rows with each other rather than with other machines.`,
      '',
      table,
      '',
      `Indexes in the plans of the report's statements on the 20,000-task org: ${indexes.map((i) => `\`${i}\``).join(', ') || 'none'}.`,
      `PostgreSQL's execution time of the report's ${REPORT_STATEMENTS} statements (EXPLAIN ANALYZE, ms): ${times20k.join(', ')} on the 20,000-task org, ${times2k.join(', ')} on the 2,000-task org.`,
      '',
    ].join('\n');
    console.log(section);
    if (failed.length > 0) throw new Error(`scenarios with errors: ${failed.map((f) => f.name).join(', ')}`);
    if (!process.env.BENCH_ONLY) writeDocSection('insights', section);
  } finally {
    for (const server of servers.reverse()) await server.stop().catch(() => {});
    redis.disconnect();
    await database.drop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
