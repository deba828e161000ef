import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';
import { serviceSettings } from '../../testkit/services.js';
import { TcpProxy } from '../../testkit/tcp-proxy.js';
import { TestClock, DAY } from '../shadow/shadow-testing.js';
import { aMemoryStore } from '../flow-memory/flow-memory-testing.js';
import { aCaller, aTask, rest } from './rest-client.js';

const BASE = '/api/planning';

describe('REST shim: Shadow AI and Flow Memory for the original modules\' clients', () => {
  let platform: TestPlatform;
  const clock = new TestClock(new Date());
  beforeAll(async () => {
    platform = await startTestPlatform({ features: { now: clock.now } });
  });
  afterAll(async () => platform?.close());

  it("when a client walks the original shadow routes, then each answers the original's fields, day by day", async () => {
    const { token, sub } = await aCaller(platform);
    expect((await rest(platform, 'GET', `${BASE}/shadow/progress`, { token }))).toMatchObject({ status: 404, body: { detail: 'Shadow profile not found' } });
    expect((await rest(platform, 'GET', `${BASE}/shadow/insights`, { token })).body).toEqual({ insights: [], total: 0, currentDay: 0 });
    expect((await rest(platform, 'GET', `${BASE}/shadow/unlock-status`, { token })).body).toEqual({ currentDay: 0, totalDays: 30, unlockedInsights: 0, nextUnlockDay: 1, nextUnlockAt: null });

    const profile = await rest(platform, 'GET', `${BASE}/shadow/profile`, { token });
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ user_id: sub, archetype: 'explorer', unlock_day: 1, total_days: 30, insights_data: {}, progress: '1/30', phase: 'awareness' });
    expect((await rest(platform, 'POST', `${BASE}/shadow/profile`, { token })).body.id).toBe(profile.body.id);

    const today = await rest(platform, 'GET', `${BASE}/shadow/insight`, { token });
    expect(today.body).toMatchObject({ locked: false, day: 1, archetype: 'explorer', progress: '1/30', message: null, insight: { day: 1, insight_type: 'awareness', unlocked: true, profile_id: profile.body.id } });
    expect((await rest(platform, 'GET', `${BASE}/shadow/insight?day=3`, { token })).body).toMatchObject({ locked: true, day: 3, insight: null, message: 'This insight unlocks on day 3. You are currently on day 1.' });
    expect((await rest(platform, 'GET', `${BASE}/shadow/insight?day=31`, { token })).body).toMatchObject({ locked: true, message: 'Invalid day number' });

    const early = await rest(platform, 'POST', `${BASE}/shadow/unlock`, { token });
    expect(early.body).toMatchObject({ unlocked: false, new_day: null, insight: null, progress: '1/30' });
    clock.advance(DAY);
    const unlocked = await rest(platform, 'POST', `${BASE}/shadow/unlock`, { token });
    expect(unlocked.body).toMatchObject({ unlocked: true, new_day: 2, progress: '2/30', message: 'Day 2 unlocked! New insight available.', insight: { day: 2 } });

    const { body: list } = await rest(platform, 'GET', `${BASE}/shadow/insights`, { token });
    expect(list).toMatchObject({ total: 2, currentDay: 2 });
    const ack = await rest(platform, 'POST', `${BASE}/shadow/insights/${list.insights[0].id}/acknowledge`, { token });
    expect(ack.body).toEqual({ success: true, message: 'Insight acknowledged' });
    expect((await rest(platform, 'GET', `${BASE}/shadow/progress`, { token })).body).toMatchObject({ unlock_day: 2, total_days: 30, unlocked_insights: 2, acknowledged_insights: 1, archetype: 'explorer', completion_percentage: 6.67 });
    expect((await rest(platform, 'GET', `${BASE}/shadow/unlock-status`, { token })).body).toMatchObject({ currentDay: 2, totalDays: 30, unlockedInsights: 2, nextUnlockDay: 3 });
  });

  it('when the report is asked for with a range and a time zone, then it answers; a bad time zone is 422 at query.timeZone', async () => {
    const { token } = await aCaller(platform);
    const task = await aTask(platform, token, { dueDate: new Date(Date.now() - DAY).toISOString() });
    const report = await rest(platform, 'GET', `${BASE}/shadow/report?range=last_7_days&timeZone=Europe/Prague`, { token });
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ range: 'LAST_7_DAYS', timeZone: 'Europe/Prague', createdCount: 1, overdue: { count: 1, taskIds: [task.id] } });
    expect(report.body.insights[0]).toMatchObject({ kind: 'OVERDUE', taskIds: [task.id] });
    const bad = await rest(platform, 'GET', `${BASE}/shadow/report?timeZone=Mars/Olympus`, { token });
    expect(bad).toMatchObject({ status: 422, body: { detail: [{ loc: ['query', 'timeZone'], type: 'value_error' }] } });
  });

  it('when a client uses the original flow-memory routes, then store, bulk, retrieve, session, compress, stats and clear answer as the original', async () => {
    const { token } = await aCaller(platform);
    const one = await rest(platform, 'POST', `${BASE}/flow-memory/interactions`, { token, body: { user_message: 'Tell me about Python programming', ai_response: 'Python is a language', session_id: 'session-456' } });
    expect(one.body).toMatchObject({ success: true, message: 'Interaction stored successfully', interactions_stored: 1, skipped: 0 });
    const bulk = await rest(platform, 'POST', `${BASE}/flow-memory/interactions/bulk`, {
      token,
      body: { interactions: [{ user_message: "What's the weather today?" }, { user_message: 'How do I write Python code?', session_id: 'session-456' }] },
    });
    expect(bulk.body).toMatchObject({ success: true, message: 'Stored 2 interactions', interactions_stored: 2 });

    const retrieved = await rest(platform, 'POST', `${BASE}/flow-memory/retrieve`, { token, body: { query: 'Python programming', limit: 10 } });
    expect(retrieved.status).toBe(200);
    expect(retrieved.body.interactions.map((i: any) => i.user_message)).toEqual(['Tell me about Python programming', 'How do I write Python code?']);
    expect(retrieved.body).toMatchObject({ total_count: 2, memory_enabled: true, context_summary: null, patterns: { intent_patterns: { question: 2, command: 0, statement: 1 } } });
    expect(retrieved.body.patterns.topics.python).toBe(2);
    expect(retrieved.body.patterns.time_patterns.most_active_hour).toBe(clock.now().getUTCHours());

    const session = await rest(platform, 'GET', `${BASE}/flow-memory/sessions/session-456`, { token });
    expect(session.body).toMatchObject({ session_id: 'session-456', interaction_count: 2 });
    expect((await rest(platform, 'GET', `${BASE}/flow-memory/sessions/none`, { token }))).toMatchObject({ status: 404, body: { detail: 'Session not found' } });

    const compressed = await rest(platform, 'POST', `${BASE}/flow-memory/context/compress`, { token, body: { summary: 'User prefers Python programming and task management' } });
    expect(compressed.body).toMatchObject({ summary: 'User prefers Python programming and task management', version: 1 });
    const stats = await rest(platform, 'GET', `${BASE}/flow-memory/stats`, { token });
    expect(stats.body).toMatchObject({ total_interactions: 3, memory_exists: true, top_topics: expect.arrayContaining(['python']), memory_enabled: true, context_summary_version: 1 });

    const cleared = await rest(platform, 'DELETE', `${BASE}/flow-memory/clear`, { token });
    expect(cleared.body).toEqual({ success: true, message: 'All memory cleared successfully', cleared_items: { interactions: 3, sessions: 1, context: 1 } });
    expect((await rest(platform, 'GET', `${BASE}/flow-memory/stats`, { token })).body).toMatchObject({ total_interactions: 0, memory_exists: false });
  });

  it('when a single interaction is read, edited and deleted, then it changes and is gone; settings turn memory off', async () => {
    const { token } = await aCaller(platform);
    const { body } = await rest(platform, 'POST', `${BASE}/flow-memory/interactions`, { token, body: { user_message: 'Remind me on Fridays' } });
    const id = body.interactions[0].id;
    expect((await rest(platform, 'GET', `${BASE}/flow-memory/interactions/${id}`, { token })).body).toMatchObject({ id, user_message: 'Remind me on Fridays' });
    expect((await rest(platform, 'PATCH', `${BASE}/flow-memory/interactions/${id}`, { token, body: { user_message: 'Remind me on Mondays' } })).body).toMatchObject({ id, user_message: 'Remind me on Mondays' });
    expect((await rest(platform, 'GET', `${BASE}/flow-memory/interactions`, { token })).body).toMatchObject({ total: 1, interactions: [{ user_message: 'Remind me on Mondays' }] });
    expect((await rest(platform, 'DELETE', `${BASE}/flow-memory/interactions/${id}`, { token })).body).toEqual({ success: true, deletedId: id });
    expect((await rest(platform, 'GET', `${BASE}/flow-memory/interactions/${id}`, { token }))).toMatchObject({ status: 404, body: { detail: 'Interaction not found' } });

    expect((await rest(platform, 'PATCH', `${BASE}/flow-memory/settings`, { token, body: { enabled: false } })).body).toMatchObject({ enabled: false, store_transient: false });
    expect((await rest(platform, 'POST', `${BASE}/flow-memory/interactions`, { token, body: { user_message: 'not kept' } })).body).toMatchObject({ success: false, interactions_stored: 0, skipped: 1 });
    expect((await rest(platform, 'GET', `${BASE}/flow-memory/settings`, { token })).body).toMatchObject({ enabled: false });
  });

  describe('bad input is 422 naming the field as the client sent it, and nothing is kept', () => {
    const cases: Array<[string, string, unknown, Array<string | number>]> = [
      ['a user message of 5,001 characters', '/flow-memory/interactions', { user_message: 'x'.repeat(5001) }, ['body', 'user_message']],
      ['no user message', '/flow-memory/interactions', { ai_response: 'hi' }, ['body', 'user_message']],
      ['an answer of 10,001 characters', '/flow-memory/interactions', { user_message: 'hi', ai_response: 'x'.repeat(10_001) }, ['body', 'ai_response']],
      ['a session id of 101 characters', '/flow-memory/interactions', { user_message: 'hi', session_id: 's'.repeat(101) }, ['body', 'session_id']],
      ['a NUL character (refused by the subgraph)', '/flow-memory/interactions', { user_message: 'a\u0000b' }, ['body', 'user_message']],
      ['a lone surrogate in one of a bulk', '/flow-memory/interactions/bulk', { interactions: [{ user_message: 'ok' }, { user_message: 'a\uD800' }] }, ['body', 'interactions', 1, 'user_message']],
      ['51 interactions', '/flow-memory/interactions/bulk', { interactions: Array.from({ length: 51 }, () => ({ user_message: 'hi' })) }, ['body', 'interactions']],
      ['a limit of 101', '/flow-memory/retrieve', { limit: 101 }, ['body', 'limit']],
      ['a query of 1,001 characters', '/flow-memory/retrieve', { query: 'q'.repeat(1001) }, ['body', 'query']],
      ['a summary of 2,001 characters', '/flow-memory/context/compress', { summary: 's'.repeat(2001) }, ['body', 'summary']],
    ];
    for (const [what, path, body, loc] of cases) {
      it(`when a request has ${what}, then it is 422 at ${JSON.stringify(loc)}`, async () => {
        const { token } = await aCaller(platform);
        const answer = await rest(platform, 'POST', `${BASE}${path}`, { token, body });
        expect(answer.status).toBe(422);
        expect(answer.body.detail.map((p: any) => p.loc)).toContainEqual(loc);
        expect((await rest(platform, 'GET', `${BASE}/flow-memory/interactions`, { token })).body.total).toBe(0);
      });
    }
  });

  it("when another org's caller uses the same paths, then they see nothing of the owner's and get 404 for the owner's ids", async () => {
    const owner = await aCaller(platform);
    const { body } = await rest(platform, 'POST', `${BASE}/flow-memory/interactions`, { token: owner.token, body: { user_message: 'Private', session_id: 'mine' } });
    const id = body.interactions[0].id;
    await rest(platform, 'POST', `${BASE}/shadow/profile`, { token: owner.token });
    const insightId = (await rest(platform, 'GET', `${BASE}/shadow/insights`, { token: owner.token })).body.insights[0].id;
    for (const stranger of [await aCaller(platform), await aCaller(platform, ['member'], owner.orgId)]) {
      const { token } = stranger;
      expect((await rest(platform, 'GET', `${BASE}/flow-memory/interactions`, { token })).body).toEqual({ interactions: [], total: 0 });
      for (const [method, path] of [['GET', `/flow-memory/interactions/${id}`], ['PATCH', `/flow-memory/interactions/${id}`], ['DELETE', `/flow-memory/interactions/${id}`], ['GET', '/flow-memory/sessions/mine'], ['POST', `/shadow/insights/${insightId}/acknowledge`]] as const) {
        const answer = await rest(platform, method, `${BASE}${path}`, { token, body: method === 'PATCH' ? { user_message: 'taken' } : undefined });
        expect(answer.status, `${method} ${path}`).toBe(404);
      }
      expect((await rest(platform, 'GET', `${BASE}/shadow/insights`, { token })).body).toEqual({ insights: [], total: 0, currentDay: 0 });
    }
    expect((await rest(platform, 'GET', `${BASE}/flow-memory/interactions/${id}`, { token: owner.token })).body.user_message).toBe('Private');
  });

  it('when a viewer writes, then it is 403; reading works', async () => {
    const { token } = await aCaller(platform, ['viewer']);
    expect((await rest(platform, 'POST', `${BASE}/flow-memory/interactions`, { token, body: { user_message: 'hi' } })).status).toBe(403);
    expect((await rest(platform, 'POST', `${BASE}/shadow/profile`, { token })).status).toBe(403);
    expect((await rest(platform, 'GET', `${BASE}/flow-memory/stats`, { token })).status).toBe(200);
    expect((await rest(platform, 'GET', `${BASE}/shadow/report`, { token })).status).toBe(200);
  });
});

const { redisUrl } = serviceSettings();

describe.runIf(redisUrl)('REST shim: Flow Memory while its Redis is down', () => {
  let platform: TestPlatform;
  let proxy: TcpProxy;
  beforeAll(async () => {
    const target = new URL(redisUrl!);
    proxy = await new TcpProxy(target.hostname, Number(target.port || 6379)).start();
    const through = new URL(redisUrl!);
    through.hostname = '127.0.0.1';
    through.port = String(proxy.port);
    // Only the memory store reaches Redis through the proxy: the gateway's revocations and limits stay up.
    platform = await startTestPlatform({ answerCacheSeconds: 0, features: { flowMemoryStore: await aMemoryStore(through.toString()) } });
  });
  afterAll(async () => {
    await platform?.close();
    await proxy?.stop();
  });

  it('when the memory store cannot reach Redis, then memory routes answer 503 with Retry-After while tasks keep working; restored, memory answers again', async () => {
    const { token } = await aCaller(platform);
    expect((await rest(platform, 'POST', `${BASE}/flow-memory/interactions`, { token, body: { user_message: 'before' } })).status).toBe(200);
    proxy.cut();
    for (const [method, path, body] of [['POST', '/flow-memory/interactions', { user_message: 'during' }], ['POST', '/flow-memory/retrieve', {}], ['GET', '/flow-memory/stats', undefined]] as const) {
      const memory = await rest(platform, method, `${BASE}${path}`, { token, body });
      expect(memory.status, path).toBe(503);
      expect(memory.headers.get('retry-after'), path).toBeTruthy();
      expect(memory.body.detail).toMatch(/temporarily unavailable/);
    }
    const task = await aTask(platform, token, { title: 'Still planning' });
    expect(task.title).toBe('Still planning');
    expect((await rest(platform, 'GET', `${BASE}/shadow/report`, { token })).status).toBe(200);
    proxy.restore();
    await expect.poll(async () => (await rest(platform, 'GET', `${BASE}/flow-memory/interactions`, { token })).body.total, { timeout: 10_000 }).toBe(1);
  });
});
