import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCallEndedEvent } from '../../testkit/inbound-events.js';
import { waitUntil } from '../../testkit/event-harness.js';
import { scrape } from '../../testkit/metrics-scrape.js';
import { serviceSettings } from '../../testkit/services.js';
import { BusRecorder, type RecordedMessage } from './bus-recorder.js';
import { graphql, LOAD_TASK_EVENTS, MixedLoad, rest } from './mixed-load.js';
import { type Replica, type ReplicaSet, startReplicaSet } from './replica-set.js';

const { databaseUrl, redisUrl, rabbitmqUrl } = serviceSettings();

const USER_BUDGET = 40;
const LOGIN_ATTEMPTS = 4;

/** What the run measured, printed at the end so that it can be quoted. */
const figures = {
  checkRequests: 0,
  budget: { cost: 0, admitted: 0, refused: 0, admittedPerGateway: [0, 0], logins: { refused401: 0, refused429: 0 } },
  revocationMs: [] as number[],
  idempotency: { graphqlKeys: 0, restKeys: 0, tasksPerKey: [] as number[] },
  paging: { pages: 0, tasks: 0, seen: 0 },
  cache: { rounds: 0, hitsOnB: 0, staleOnB: 0 },
  load: { requests: 0, perGateway: {} as Record<string, unknown>, tasks: 0, staleReads: 0 },
  outbox: { rows: 0, received: 0, distinct: 0, duplicates: 0, publishedBy: [0, 0] },
  inbound: { published: 0, distinct: 0, tasks: 0, consumedBy: [0, 0] },
  kill: { burst: 0, handledByVictim: 0, tasksAtKill: 0, tasksAfter: 0, republished: 0, handledByRestarted: 0, leftAtStop: 0, applied: 0, duplicatesIgnored: 0, received: 0, distinct: 0, duplicates: 0 },
};

/** `planning_events_consumed_total` of a worker (acknowledged deliveries, duplicates included). */
const consumedBy = async (worker: Replica) => (await scrape(`${worker.origin}/metrics`)).value('planning_events_consumed_total');

/** Lines of a JSON log (from `from` on) with `msg` and, when given, containing `also`. */
const linesOf = (log: string, msg: string, from = 0, also = '') => log.slice(from).split('\n').filter((line) => line.includes(`"msg":"${msg}"`) && line.includes(also)).length;
const loggedLines = (worker: Replica, msg: string, from = 0) => linesOf(worker.child.stdout, msg, from);

/**
 * Every outbox row was received exactly once, or at least once when `duplicatesAllowed` (a relay killed between the
 * broker's confirm and its commit sends its batch again, as the same messages), and each task's events arrived in
 * the order of their rows. Returns what was counted.
 */
async function expectOutboxRelayed(set: ReplicaSet, received: RecordedMessage[], rowsFrom: number, duplicatesAllowed: boolean) {
  const rows = await set.orm.em
    .fork()
    .execute<Array<{ event_id: string; aggregate_id: string }>>('select event_id, aggregate_id from planning_outbox where seq > ? order by seq', [rowsFrom]);
  const rowIds = new Set(rows.map((row) => row.event_id));
  const firstCopies = new Map<string, RecordedMessage>();
  for (const message of received) {
    const first = firstCopies.get(message.messageId);
    if (first) expect(message.content, `a second message with id ${message.messageId} differs from the first`).toBe(first.content);
    else firstCopies.set(message.messageId, message);
  }
  expect([...firstCopies.keys()].filter((id) => !rowIds.has(id)), 'messages with no outbox row').toEqual([]);
  expect(rows.filter((row) => !firstCopies.has(row.event_id)).length, 'outbox rows never received').toBe(0);
  const duplicates = received.length - firstCopies.size;
  if (!duplicatesAllowed) expect(duplicates, 'messages received twice').toBe(0);

  // Per task: the first copies in arrival order are the rows in their order.
  const arrived = new Map<string, string[]>();
  for (const message of firstCopies.values()) {
    const aggregate: string = message.body.data.task_id ?? message.body.data.project_id;
    arrived.set(aggregate, [...(arrived.get(aggregate) ?? []), message.messageId]);
  }
  const written = new Map<string, string[]>();
  for (const row of rows) written.set(row.aggregate_id, [...(written.get(row.aggregate_id) ?? []), row.event_id]);
  const outOfOrder = [...written].filter(([aggregate, ids]) => arrived.get(aggregate)?.join() !== ids.join());
  expect(outOfOrder.length, 'aggregates whose events arrived out of order').toBe(0);
  return { rows: rows.length, received: received.length, distinct: firstCopies.size, duplicates, byTask: arrived };
}

describe.runIf(databaseUrl && redisUrl && rabbitmqUrl)('two replicas of every role on shared PostgreSQL, Redis and RabbitMQ', () => {
  let set: ReplicaSet;
  let recorder: BusRecorder;
  let load: MixedLoad;
  let origins: [string, string];

  beforeAll(async () => {
    set = await startReplicaSet({ userBudgetPerMinute: USER_BUDGET, loginAttemptsPerAccount: LOGIN_ATTEMPTS, cacheSeconds: 60 }, async (topology) => {
      recorder = await BusRecorder.start(rabbitmqUrl!, topology);
    });
    origins = [set.gateways[0].origin, set.gateways[1].origin];
    // Each gateway reaches the planning subgraph it was given, not the other one.
    expect(set.gateways[0].child.stderr).toContain(set.subgraphs[0].url);
    expect(set.gateways[0].child.stderr).not.toContain(set.subgraphs[1].url);
    expect(set.gateways[1].child.stderr).toContain(set.subgraphs[1].url);
    load = new MixedLoad(origins, (userId, orgId) => set.tokenFor(userId, orgId), 3);
  }, 180_000);

  afterAll(async () => {
    await load?.stop();
    if (load) figures.load = { requests: load.total, perGateway: Object.fromEntries(load.requests), tasks: load.taskIds.length, staleReads: load.staleReads };
    await set?.stop();
    if (set) await recorder?.close(set.topology);
    const revocation = [...figures.revocationMs].sort((a, b) => a - b);
    console.log(
      [
        'replica figures (2 gateways, 2 planning subgraphs, 2 workers):',
        `  requests: ${figures.load.requests} of mixed load (${JSON.stringify(figures.load.perGateway)}) + ${figures.checkRequests} by the checks; load stale reads: ${figures.load.staleReads}`,
        `  rate budget: ${USER_BUDGET} units, ${figures.budget.cost} per request; admitted ${figures.budget.admitted} (A ${figures.budget.admittedPerGateway[0]}, B ${figures.budget.admittedPerGateway[1]}), refused ${figures.budget.refused}`,
        `  login attempts: budget ${LOGIN_ATTEMPTS}; ${figures.budget.logins.refused401} answered 401, ${figures.budget.logins.refused429} answered 429`,
        `  revocation through one gateway refused at the other on the next request: ${revocation.length} rounds, median ${revocation[Math.floor(revocation.length / 2)]?.toFixed(1)} ms, max ${revocation.at(-1)?.toFixed(1)} ms`,
        `  idempotency keys raced on both subgraphs: ${figures.idempotency.graphqlKeys} GraphQL + ${figures.idempotency.restKeys} REST, tasks per key ${[...new Set(figures.idempotency.tasksPerKey)].join(',')}`,
        `  cursors: ${figures.paging.pages} pages alternating gateways (and subgraphs), ${figures.paging.seen} of ${figures.paging.tasks} tasks, each once`,
        `  answer cache on B: ${figures.cache.rounds} write-then-read rounds, ${figures.cache.hitsOnB} cache hits, ${figures.cache.staleOnB} stale answers`,
        `  outbox: ${figures.outbox.rows} rows, ${figures.outbox.received} messages received, ${figures.outbox.distinct} distinct, duplicates ${figures.outbox.duplicates}; published by worker 1 / 2: ${figures.outbox.publishedBy.join(' / ')}`,
        `  inbound: ${figures.inbound.published} deliveries of ${figures.inbound.distinct} events, ${figures.inbound.tasks} tasks; consumed by worker 1 / 2: ${figures.inbound.consumedBy.join(' / ')}`,
        `  kill -9: burst of ${figures.kill.burst} events, then ${figures.kill.republished} copies of them after the restart; at the kill the victim had logged ${figures.kill.handledByVictim} and ${figures.kill.tasksAtKill} tasks existed; restarted, it handled ${figures.kill.handledByRestarted}; ${figures.kill.leftAtStop} were still queued at the graceful stop and handled by the next start`,
        `  kill -9 effects: ${figures.kill.tasksAfter} tasks for ${figures.kill.burst} events; handled as applied ${figures.kill.applied}, as duplicates ${figures.kill.duplicatesIgnored} (as logged)`,
        `  kill -9 outbox: ${figures.kill.received} messages received, ${figures.kill.distinct} distinct, duplicates ${figures.kill.duplicates}`,
      ].join('\n'),
    );
  }, 120_000);

  it('when one user spreads requests and wrong passwords over both gateways, then both draw on one rate budget and one login-attempt budget', async () => {
    const token = await set.tokenFor(`budget-user-${randomUUID().slice(0, 8)}`, 'budget-org');
    const query = '{ tasks(first: 1) { totalCount } }';
    const probe = await fetch(`${origins[0]}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
    expect(probe.status).toBe(200);
    const remaining = Number(/r=(\d+)/.exec(probe.headers.get('ratelimit') ?? '')?.[1]);
    const cost = USER_BUDGET - remaining;
    expect(cost).toBeGreaterThan(0);

    // Twice the budget at once, alternating gateways: one budget admits what one gateway alone would.
    const statuses = await Promise.all(
      Array.from({ length: 2 * Math.ceil(USER_BUDGET / cost) }, async (_, i) => ({ gateway: i % 2, status: (await graphql(origins[i % 2]!, token, query)).status })),
    );
    const admitted = statuses.filter((s) => s.status === 200);
    expect(statuses.every((s) => s.status === 200 || s.status === 429)).toBe(true);
    expect(1 + admitted.length).toBe(Math.floor(USER_BUDGET / cost));
    for (const origin of origins) expect((await graphql(origin, token, query)).status).toBe(429);
    figures.budget = {
      ...figures.budget,
      cost,
      admitted: 1 + admitted.length,
      refused: statuses.length - admitted.length + 2,
      admittedPerGateway: [1 + admitted.filter((s) => s.gateway === 0).length, admitted.filter((s) => s.gateway === 1).length],
    };

    const email = `guessed-${randomUUID().slice(0, 8)}@example.com`;
    await set.addUser(email, 'the-right-password', 'login-org');
    const login = (origin: string, password: string) =>
      fetch(`${origin}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) }).then((r) => r.status);
    const guesses = await Promise.all(Array.from({ length: 2 * LOGIN_ATTEMPTS + 2 }, (_, i) => login(origins[i % 2]!, `wrong-${i}`)));
    expect(guesses.filter((s) => s === 401)).toHaveLength(LOGIN_ATTEMPTS);
    expect(guesses.filter((s) => s === 429)).toHaveLength(LOGIN_ATTEMPTS + 2);
    // Spent through both: even the right password waits, at either gateway.
    for (const origin of origins) expect(await login(origin, 'the-right-password')).toBe(429);
    figures.budget.logins = { refused401: guesses.filter((s) => s === 401).length, refused429: guesses.filter((s) => s === 429).length + 2 };
    figures.checkRequests += 1 + statuses.length + 2 + guesses.length + 2;
  }, 60_000);

  it('when a token is revoked through one gateway, then the other refuses it on the very next request', async () => {
    const rounds = 20;
    for (let round = 0; round < rounds; round++) {
      const [revoking, other] = round % 2 === 0 ? origins : [origins[1], origins[0]];
      // Two rounds log in (a token one gateway issued is good at the other); the others mint theirs.
      let token: string;
      if (round < 2) {
        const email = `revoked-${round}-${randomUUID().slice(0, 8)}@example.com`;
        await set.addUser(email, 'a-password', 'revocation-org');
        const login = await fetch(`${revoking}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'a-password' }) });
        expect(login.status).toBe(200);
        token = (await login.json()).access_token;
        figures.checkRequests++;
      } else {
        token = await set.tokenFor(`revoked-${round}-${randomUUID().slice(0, 8)}`, 'revocation-org');
      }
      // The other gateway has verified the token already (its verification is cached; revocation never is).
      expect((await graphql(other, token, '{ tasks(first: 1) { totalCount } }')).status).toBe(200);

      const logout = await fetch(`${revoking}/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      expect(logout.status).toBe(200);
      const revokedAt = performance.now();
      const refused = await fetch(`${other}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: '{ tasks(first: 1) { totalCount } }' }) });
      figures.revocationMs.push(performance.now() - revokedAt);
      expect(refused.status).toBe(401);
      figures.checkRequests += 3;
    }
  }, 60_000);

  it('when the same idempotency key reaches both subgraph replicas at the same moment, then one task is created and both answers name it', async () => {
    const rounds = 10;
    for (let round = 0; round < rounds; round++) {
      const userId = `idempotent-user-${round}-${randomUUID().slice(0, 8)}`;
      const token = await set.tokenFor(userId, 'idempotency-org');
      const key = randomUUID();
      const ids =
        round % 2 === 0
          ? await Promise.all(
              origins.map(async (origin) => {
                const { status, body } = await graphql(origin, token, 'mutation($key: String) { createTask(input: { title: "raced" }, idempotencyKey: $key) { id } }', { key });
                expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
                return body.data.createTask.id as string;
              }),
            )
          : await Promise.all(
              origins.map(async (origin) => {
                const { status, body } = await rest(origin, token, 'POST', '/tasks', { title: 'raced' }, { 'idempotency-key': key });
                expect(status).toBe(200);
                return body.id as string;
              }),
            );
      expect(ids[1]).toBe(ids[0]);
      const [row] = await set.orm.em.fork().execute<Array<{ n: number }>>(`select count(*)::int as n from planning_tasks where owner_id = ?`, [userId]);
      expect(row!.n).toBe(1);
      figures.idempotency.tasksPerKey.push(row!.n);
      if (round % 2 === 0) figures.idempotency.graphqlKeys++;
      else figures.idempotency.restKeys++;
      figures.checkRequests += 2;
    }
  }, 60_000);

  it('when a list is paged through both gateways in turn, then each subgraph replica reads the cursors the other made', async () => {
    const token = await set.tokenFor(`pager-${randomUUID().slice(0, 8)}`, `paging-org-${randomUUID().slice(0, 8)}`);
    const created = await graphql(origins[0], token, 'mutation { createTasks(inputs: [{title: "p1"}, {title: "p2"}, {title: "p3"}, {title: "p4"}, {title: "p5"}]) { id } }');
    const ids: string[] = created.body.data.createTasks.map((task: { id: string }) => task.id);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 3; page++) {
      // GraphQL through one gateway, REST through the other, each given the cursor the other one's subgraph made.
      const origin = origins[page % 2]!;
      if (page % 2 === 0) {
        const { body } = await graphql(origin, token, 'query($after: String) { tasks(first: 2, after: $after) { edges { node { id } } pageInfo { endCursor } } }', { after });
        expect(body.errors).toBeUndefined();
        seen.push(...body.data.tasks.edges.map((edge: { node: { id: string } }) => edge.node.id));
        after = body.data.tasks.pageInfo.endCursor;
      } else {
        const { status, body } = await rest(origin, token, 'GET', `/tasks?limit=2&cursor=${encodeURIComponent(after!)}`);
        expect(status).toBe(200);
        seen.push(...body.tasks.map((task: { id: string }) => task.id));
        after = body.next_cursor;
      }
      figures.checkRequests++;
    }
    expect([...seen].sort()).toEqual([...ids].sort());
    figures.paging = { pages: 3, tasks: ids.length, seen: seen.length };
  }, 60_000);

  it("when a write goes through gateway A, then gateway B's answer cache never answers with what it changed", async () => {
    const writer = await set.tokenFor(`cache-writer-${randomUUID().slice(0, 8)}`, 'cache-org');
    const created = await graphql(origins[0], writer, 'mutation { createTask(input: { title: "v0" }) { id } }');
    const id: string = created.body.data.createTask.id;
    const hits = async () => (await scrape(`${origins[1]}/metrics`)).value('gateway_subgraph_cache_lookups_total', { outcome: 'hit' });
    const readAtB = async (token: string, viaRest: boolean) =>
      viaRest
        ? (await rest(origins[1], token, 'GET', `/tasks/${id}`)).body.title
        : (await graphql(origins[1], token, 'query($id: ID!) { task(id: $id) { title } }', { id })).body.data.task.title;
    const hitsBefore = await hits();
    const rounds = 12;
    for (let round = 1; round <= rounds; round++) {
      const viaRest = round % 2 === 0;
      // A reader of the org per round (each round costs a user budget's worth of reads otherwise).
      const reader = await set.tokenFor(`cache-reader-${round}-${randomUUID().slice(0, 8)}`, 'cache-org');
      // Three reads before the write: from the second on the document is a single fetch, which the cache answers.
      for (let read = 0; read < 3; read++) expect(await readAtB(reader, viaRest)).toBe(`v${round - 1}`);
      const write = viaRest
        ? await rest(origins[0], writer, 'PATCH', `/tasks/${id}`, { title: `v${round}` })
        : await graphql(origins[0], writer, 'mutation($id: ID!, $title: String!) { updateTask(id: $id, input: { title: $title }) { id } }', { id, title: `v${round}` });
      expect(write.status).toBe(200);
      const after = await readAtB(reader, viaRest);
      if (after !== `v${round}`) figures.cache.staleOnB++;
      expect(after).toBe(`v${round}`);
      figures.checkRequests += 5;
    }
    figures.cache.rounds = rounds;
    figures.cache.hitsOnB = (await hits()) - hitsBefore;
    // The cache did answer reads: the rounds do not pass because nothing was cached.
    expect(figures.cache.hitsOnB).toBeGreaterThanOrEqual(rounds);
  }, 60_000);

  it('when both workers relay and consume at once, then every outbox row is published exactly once in per-task order, and each inbound event takes effect once', async () => {
    await load.stop();
    expect(load.failures).toEqual([]);
    expect(load.staleReads).toBe(0);
    expect(load.taskIds.length).toBeGreaterThan(0);

    // Each event twice in a row: round-robin hands the two copies to the two consumers at about the same time.
    const events = Array.from({ length: 100 }, () => aCallEndedEvent('inbound-org'));
    const withoutId = Array.from({ length: 10 }, () => aCallEndedEvent('inbound-org', { id: null }));
    const consumedBefore = await Promise.all(set.workers.map(consumedBy));
    await recorder.publish('comms.call.ended', [...events, ...withoutId].flatMap((event) => [event, event]));
    const deliveries = 2 * (events.length + withoutId.length);
    await waitUntil(async () => (await Promise.all(set.workers.map(consumedBy))).reduce((a, b) => a + b, 0) - consumedBefore[0]! - consumedBefore[1]! >= deliveries, 60_000, 'every delivery to be acknowledged');
    const consumed = (await Promise.all(set.workers.map(consumedBy))).map((n, i) => n - consumedBefore[i]!);
    expect(consumed.reduce((a, b) => a + b, 0)).toBe(deliveries);
    // Both consumers took part.
    expect(consumed.every((n) => n > 0)).toBe(true);
    const [tasks] = await set.orm.em.fork().execute<Array<{ n: number }>>(`select count(*)::int as n from planning_tasks where org_id = 'inbound-org'`);
    expect(tasks!.n).toBe(events.length + withoutId.length);

    await waitUntil(async () => (await set.orm.em.fork().execute(`select 1 from planning_outbox where published_at is null limit 1`)).length === 0, 60_000, 'the outbox to drain');
    const received = recorder.messages.slice(0, await recorder.fence());
    const relayed = await expectOutboxRelayed(set, received, 0, false);
    for (const id of load.taskIds) {
      expect(relayed.byTask.get(id)?.map((messageId) => received.find((m) => m.messageId === messageId)!.routingKey), `events of load task ${id}`).toEqual(LOAD_TASK_EVENTS);
    }
    figures.outbox = { rows: relayed.rows, received: relayed.received, distinct: relayed.distinct, duplicates: relayed.duplicates, publishedBy: set.workers.map((w) => loggedLines(w, 'outbox: event published')) };
    figures.inbound = { published: deliveries, distinct: events.length + withoutId.length, tasks: tasks!.n, consumedBy: consumed };
  }, 120_000);

  it('when a worker is killed with SIGKILL mid-batch and started again, then no event is lost and no effect happens twice', async () => {
    const [victim, survivor] = set.workers;
    const firstLives = { victim: victim.child, survivor: survivor.child, survivorLogFrom: survivor.child.stdout.length };
    const [outboxBefore] = await set.orm.em.fork().execute<Array<{ seq: string | null }>>('select max(seq) as seq from planning_outbox');
    const receivedBefore = await recorder.fence();
    const burst = Array.from({ length: 1000 }, () => aCallEndedEvent('burst-org'));
    const burstTasks = async () => (await set.orm.em.fork().execute<Array<{ n: number }>>(`select count(*)::int as n from planning_tasks where org_id = 'burst-org'`))[0]!.n;
    const logFrom = victim.child.stdout.length;

    const publishing = recorder.publish('comms.call.ended', burst);
    // Mid-batch: the victim is applying the burst, a tenth of it has taken effect, and the rest is still to come.
    await waitUntil(
      async () => loggedLines(victim, 'inbound event handled', logFrom) > 0 && (await burstTasks()) >= burst.length / 10,
      60_000,
      'the victim to apply events of the burst',
    );
    await victim.killHard();
    const handledByVictim = loggedLines(victim, 'inbound event handled', logFrom);
    const atKill = await burstTasks();
    expect(atKill).toBeLessThan(burst.length);
    await publishing;

    await victim.restart();
    // Every event again after the restart, as a broker redelivering the lot would: none may take effect twice.
    await recorder.publish('comms.call.ended', burst);
    await waitUntil(async () => (await burstTasks()) >= burst.length, 120_000, 'every event of the burst to take effect');
    await waitUntil(async () => (await consumedBy(victim)) > 0, 60_000, 'the restarted worker to take its share');
    const secondLife = victim.child;

    // Until every copy is settled: both stop gracefully (what either was handed and did not settle goes back to the
    // queue), then one starts again and settles exactly what is left, as nothing else holds a message by then.
    for (const worker of [victim, survivor]) worker.child.signal('SIGTERM');
    for (const worker of [victim, survivor]) expect((await worker.child.exited).code).toBe(0);
    const left = await recorder.queueState(set.topology.queue);
    expect(left.consumerCount).toBe(0);
    await survivor.restart();
    await waitUntil(async () => (await consumedBy(survivor)) >= left.messageCount, 60_000, 'the copies left to be settled');
    expect(await consumedBy(survivor)).toBe(left.messageCount);
    expect((await recorder.queueState(set.topology.queue)).messageCount).toBe(0);

    expect(await burstTasks()).toBe(burst.length);
    const [inbox] = await set.orm.em.fork().execute<Array<{ n: number }>>(`select count(*)::int as n from planning_inbox where event_id in (?)`, [burst.map((e) => e.id)]);
    expect(inbox!.n).toBe(burst.length);
    expect(await recorder.deadLetters(set.topology.deadLetterQueue)).toBe(0);
    await waitUntil(async () => (await set.orm.em.fork().execute(`select 1 from planning_outbox where published_at is null limit 1`)).length === 0, 60_000, 'the outbox to drain');
    const received = recorder.messages.slice(receivedBefore, await recorder.fence());
    const relayed = await expectOutboxRelayed(set, received, Number(outboxBefore?.seq ?? 0), true);
    expect(relayed.rows).toBe(burst.length);
    // What each life of each worker logged for the burst and its copies (the killed one's last lines may be lost).
    const logs = [firstLives.victim.stdout.slice(logFrom), firstLives.survivor.stdout.slice(firstLives.survivorLogFrom), secondLife.stdout, survivor.child.stdout];
    const outcomes = (outcome: string) => logs.reduce((sum, log) => sum + linesOf(log, 'inbound event handled', 0, `"outcome":"${outcome}"`), 0);
    figures.kill = {
      burst: burst.length,
      handledByVictim,
      tasksAtKill: atKill,
      tasksAfter: await burstTasks(),
      republished: burst.length,
      handledByRestarted: linesOf(secondLife.stdout, 'inbound event handled'),
      leftAtStop: left.messageCount,
      applied: outcomes('applied'),
      duplicatesIgnored: outcomes('duplicate'),
      received: relayed.received,
      distinct: relayed.distinct,
      duplicates: relayed.duplicates,
    };
  }, 240_000);
});
