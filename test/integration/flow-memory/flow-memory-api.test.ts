import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowMemoryEventSchemas } from '../../../src/modules/flow-memory/flow-memory.events.js';
import { aCaller, startTestPlanningApp, type TestPlanningApp, type TestCaller } from '../../testkit/planning-app.js';
import { DAY, HOUR, outboxEnvelopes, TestClock } from '../shadow/shadow-testing.js';
import { aMemoryStore, INTERACTION_FIELDS, RETRIEVE, STORE, STORE_MANY } from './flow-memory-testing.js';

/** `{a: {a: ... {}}}`, `depth` objects deep. */
const nested = (depth: number): Record<string, unknown> => (depth === 0 ? {} : { a: nested(depth - 1) });

describe('Flow Memory through GraphQL', () => {
  let app: TestPlanningApp;
  const clock = new TestClock(new Date('2026-12-01T08:00:00.000Z'));
  beforeAll(async () => {
    app = await startTestPlanningApp({ features: { now: clock.now, flowMemoryStore: await aMemoryStore() } });
  });
  afterAll(async () => app?.close());

  const store = (caller: TestCaller, input: Record<string, unknown>) => app.ok(caller, STORE, { input }).then((d) => d.storeFlowMemoryInteraction);
  const storeMany = (caller: TestCaller, inputs: Array<Record<string, unknown>>) => app.ok(caller, STORE_MANY, { inputs }).then((d) => d.storeFlowMemoryInteractions);
  const list = (caller: TestCaller) => app.ok(caller, `{ flowMemoryInteractions { ${INTERACTION_FIELDS} } }`).then((d) => d.flowMemoryInteractions);
  const events = (caller: TestCaller) => outboxEnvelopes(app, caller.orgId, 'planning.flow_memory.context_updated');

  it('when an interaction is stored, then it is kept with an id and a timestamp, and context_updated goes into the outbox without its text', async () => {
    const caller = aCaller();
    const result = await store(caller, { userMessage: 'Create a task for the launch', aiResponse: 'Done', context: { page: 'board' }, sessionId: 's-1', metadata: { client: 'web' } });
    expect(result).toMatchObject({ success: true, message: 'Interaction stored successfully', interactionsStored: 1, skipped: 0 });
    const [kept] = result.interactions;
    expect(kept).toMatchObject({ userMessage: 'Create a task for the launch', aiResponse: 'Done', context: { page: 'board' }, sessionId: 's-1', metadata: { client: 'web' }, timestamp: clock.now().toISOString(), updatedAt: null });
    expect(await list(caller)).toEqual([kept]);
    const [event] = await events(caller);
    expect(event).toMatchObject({ type: 'planning.flow_memory.context_updated', user_id: caller.userId, org_id: caller.orgId, data: { change: 'stored', interaction_ids: [kept.id], session_ids: ['s-1'], interaction_count: 1 } });
    expect(flowMemoryEventSchemas['planning.flow_memory.context_updated'].safeParse(event.data).success).toBe(true);
    expect(JSON.stringify(event)).not.toContain('launch');
  });

  it('when a query is given, then retrieval ranks by BM25 (the best match first, none without a shared word); without one, the most recent', async () => {
    const caller = aCaller();
    await storeMany(caller, [
      { userMessage: 'Tell me about Python programming', aiResponse: 'Python is a language' },
      { userMessage: "What's the weather today?", aiResponse: 'Sunny' },
      { userMessage: 'How do I write Python code?', aiResponse: 'Use functions' },
      { userMessage: 'Python programming, Python testing and Python packaging', aiResponse: 'Python Python' },
    ]);
    const ranked = (await app.ok(caller, RETRIEVE, { query: 'python programming', limit: 10 })).retrieveFlowMemory;
    const messages = ranked.interactions.map((i: any) => i.interaction.userMessage);
    expect(messages).toHaveLength(3);
    expect(messages).not.toContain("What's the weather today?");
    expect(messages[0]).toBe('Python programming, Python testing and Python packaging');
    const scores = ranked.interactions.map((i: any) => i.score);
    expect([...scores].sort((a: number, b: number) => b - a)).toEqual(scores);
    expect(scores.every((s: number) => s > 0)).toBe(true);

    const recent = (await app.ok(caller, RETRIEVE, { limit: 2 })).retrieveFlowMemory;
    expect(recent.interactions.map((i: any) => [i.interaction.userMessage, i.score])).toEqual([
      ['How do I write Python code?', null],
      ['Python programming, Python testing and Python packaging', null],
    ]);
    expect(recent.patterns.topics[0]).toEqual({ word: 'python', count: 5 });
    expect(recent.patterns.intents).toEqual({ question: 2, command: 0, statement: 2 });
    expect(recent.patterns.mostActiveHour).toBe(8);
    expect(recent.totalCount).toBe(2);
    expect(recent.memoryEnabled).toBe(true);
  });

  it('when patterns are read, then intents, the most active hour and task keywords are those of the original module', async () => {
    const caller = aCaller();
    clock.set(new Date('2026-12-01T10:00:00.000Z'));
    await store(caller, { userMessage: 'Create a new task' });
    await store(caller, { userMessage: 'Add this deadline to my list' });
    clock.set(new Date('2026-12-01T14:00:00.000Z'));
    await store(caller, { userMessage: 'Is the priority right?' });
    clock.set(new Date('2026-12-01T10:30:00.000Z'));
    await store(caller, { userMessage: 'I finished the report' });
    const { patterns, insights } = (await app.ok(caller, RETRIEVE, {})).retrieveFlowMemory;
    expect(patterns.intents).toEqual({ question: 1, command: 2, statement: 1 });
    expect(patterns.mostActiveHour).toBe(10);
    expect(patterns.hours).toEqual([{ hour: 10, count: 3 }, { hour: 14, count: 1 }]);
    expect(patterns.taskKeywords).toEqual(['task', 'finish', 'deadline', 'priority']);
    expect(insights).toContain('Most active around 10:00 UTC.');
  });

  it('when a summary is compressed, then retrieval carries it and its version goes up each time', async () => {
    const caller = aCaller();
    const first = await app.ok(caller, `mutation { compressFlowMemoryContext(summary: "User plans launches in the morning") { summary createdAt version } }`);
    expect(first.compressFlowMemoryContext).toMatchObject({ summary: 'User plans launches in the morning', version: 1 });
    const second = await app.ok(caller, `mutation { compressFlowMemoryContext(summary: "User plans launches and reviews") { version } }`);
    expect(second.compressFlowMemoryContext.version).toBe(2);
    expect((await app.ok(caller, RETRIEVE, {})).retrieveFlowMemory.contextSummary).toBe('User plans launches and reviews');
    expect((await events(caller)).map((e) => e.data)).toEqual([
      { change: 'compressed', interaction_ids: [], session_ids: [], summary_version: 1 },
      { change: 'compressed', interaction_ids: [], session_ids: [], summary_version: 2 },
    ]);
  });

  it('when a session is read, then it has its interactions, and is gone 24 hours after its last activity', async () => {
    const caller = aCaller();
    clock.set(new Date('2026-12-01T08:00:00.000Z'));
    await storeMany(caller, [{ userMessage: 'one', sessionId: 'chat-7' }, { userMessage: 'two', sessionId: 'chat-7' }, { userMessage: 'elsewhere', sessionId: 'chat-8' }]);
    const query = `query($id: String!) { flowMemorySession(id: $id) { id startedAt lastActivity interactionCount interactions { userMessage } } }`;
    const { flowMemorySession } = await app.ok(caller, query, { id: 'chat-7' });
    expect(flowMemorySession).toEqual({ id: 'chat-7', startedAt: '2026-12-01T08:00:00.000Z', lastActivity: '2026-12-01T08:00:00.000Z', interactionCount: 2, interactions: [{ userMessage: 'one' }, { userMessage: 'two' }] });
    clock.advance(DAY);
    expect((await app.ok(caller, query, { id: 'chat-7' })).flowMemorySession).toBeNull();
  });

  it('when 7 days pass, then a stored interaction is forgotten', async () => {
    const caller = aCaller();
    clock.set(new Date('2026-12-01T08:00:00.000Z'));
    const { interactions } = await store(caller, { userMessage: 'Remember this for a week' });
    clock.advance(7 * DAY - 1);
    expect(await list(caller)).toHaveLength(1);
    clock.advance(1);
    expect(await list(caller)).toEqual([]);
    expect((await app.ok(caller, `query($id: ID!) { flowMemoryInteraction(id: $id) { id } }`, { id: interactions[0].id })).flowMemoryInteraction).toBeNull();
  });

  it('when an interaction is edited and then deleted, then it reads changed and is then gone, each with its event', async () => {
    const caller = aCaller();
    clock.set(new Date('2026-12-01T08:00:00.000Z'));
    const { interactions } = await store(caller, { userMessage: 'Remind me Fridays', aiResponse: 'OK', sessionId: 'chat' });
    const id = interactions[0].id;
    clock.advance(HOUR);
    const edited = await app.ok(caller, `mutation($id: ID!) { updateFlowMemoryInteraction(id: $id, input: {userMessage: "Remind me Mondays", metadata: {fixed: true}}) { ${INTERACTION_FIELDS} } }`, { id });
    expect(edited.updateFlowMemoryInteraction).toMatchObject({ id, userMessage: 'Remind me Mondays', aiResponse: 'OK', metadata: { fixed: true }, timestamp: '2026-12-01T08:00:00.000Z', updatedAt: '2026-12-01T09:00:00.000Z' });
    const deleted = await app.ok(caller, `mutation($id: ID!) { deleteFlowMemoryInteraction(id: $id) { deletedId } }`, { id });
    expect(deleted.deleteFlowMemoryInteraction).toEqual({ deletedId: id });
    expect(await list(caller)).toEqual([]);
    const again = await app.gql(caller, `mutation($id: ID!) { deleteFlowMemoryInteraction(id: $id) { deletedId } }`, { id });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', entity: 'Interaction', field: 'id' });
    expect((await events(caller)).map((e) => e.data.change)).toEqual(['stored', 'edited', 'deleted']);
  });

  it('when interactions are transient, then they are not kept by default; kept once the user chooses to keep them', async () => {
    const caller = aCaller();
    const result = await storeMany(caller, [{ userMessage: 'my one-off code is 4711', transient: true }, { userMessage: 'Keep this' }]);
    expect(result).toMatchObject({ success: true, interactionsStored: 1, skipped: 1 });
    const onlyTransient = await store(caller, { userMessage: 'passing thought', transient: true });
    expect(onlyTransient).toMatchObject({ success: true, interactionsStored: 0, skipped: 1, interactions: [] });
    expect((await list(caller)).map((i: any) => i.userMessage)).toEqual(['Keep this']);
    await app.ok(caller, `mutation { updateFlowMemorySettings(input: {storeTransient: true}) { storeTransient } }`);
    expect((await store(caller, { userMessage: 'now kept', transient: true })).interactionsStored).toBe(1);
  });

  it('when memory is turned off, then nothing new is kept and retrieval answers nothing; clearMemory forgets what was kept', async () => {
    const caller = aCaller();
    await store(caller, { userMessage: 'Before turning it off' });
    const off = await app.ok(caller, `mutation { updateFlowMemorySettings(input: {enabled: false}) { enabled storeTransient updatedAt } }`);
    expect(off.updateFlowMemorySettings).toMatchObject({ enabled: false, storeTransient: false });
    expect(await store(caller, { userMessage: 'While off' })).toMatchObject({ success: false, interactionsStored: 0, skipped: 1 });
    expect((await app.ok(caller, RETRIEVE, {})).retrieveFlowMemory).toMatchObject({ interactions: [], memoryEnabled: false, totalCount: 0 });
    expect((await list(caller)).map((i: any) => i.userMessage)).toEqual(['Before turning it off']);
    const stats = (await app.ok(caller, `{ flowMemoryStats { totalInteractions memoryExists memoryEnabled } }`)).flowMemoryStats;
    expect(stats).toEqual({ totalInteractions: 1, memoryExists: true, memoryEnabled: false });
    await app.ok(caller, `mutation { updateFlowMemorySettings(input: {clearMemory: true}) { enabled } }`);
    expect(await list(caller)).toEqual([]);
    expect((await events(caller)).map((e) => e.data.change)).toEqual(['stored', 'cleared']);
  });

  it('when stats are read and memory is cleared, then they count what is kept and clearing says how much went', async () => {
    const caller = aCaller();
    clock.set(new Date('2026-12-01T08:00:00.000Z'));
    await storeMany(caller, [{ userMessage: 'Planning the roadmap', sessionId: 'a' }, { userMessage: 'Roadmap review', sessionId: 'b' }]);
    await app.ok(caller, `mutation { compressFlowMemoryContext(summary: "Works on the roadmap") { version } }`);
    const { flowMemoryStats } = await app.ok(caller, `{ flowMemoryStats { totalInteractions memoryExists patternsDetected lastUpdate topTopics memoryEnabled storeTransient contextSummaryVersion } }`);
    expect(flowMemoryStats).toEqual({
      totalInteractions: 2,
      memoryExists: true,
      patternsDetected: 3,
      lastUpdate: '2026-12-01T08:00:00.000Z',
      topTopics: ['roadmap', 'planning', 'review'],
      memoryEnabled: true,
      storeTransient: false,
      contextSummaryVersion: 1,
    });
    const { clearFlowMemory } = await app.ok(caller, `mutation { clearFlowMemory { interactions sessions context } }`);
    expect(clearFlowMemory).toEqual({ interactions: 2, sessions: 2, context: 1 });
    expect((await app.ok(caller, `{ flowMemoryStats { totalInteractions memoryExists } }`)).flowMemoryStats).toEqual({ totalInteractions: 0, memoryExists: false });
  });

  describe('bad input', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['an empty user message', { userMessage: '' }, 'input.userMessage'],
      ['a user message of 5,001 characters', { userMessage: 'x'.repeat(5001) }, 'input.userMessage'],
      ['an answer of 10,001 characters', { userMessage: 'hi', aiResponse: 'x'.repeat(10_001) }, 'input.aiResponse'],
      ['a session id of 101 characters', { userMessage: 'hi', sessionId: 's'.repeat(101) }, 'input.sessionId'],
      ['an empty session id', { userMessage: 'hi', sessionId: '' }, 'input.sessionId'],
      ['a context that is not an object', { userMessage: 'hi', context: [1, 2] }, 'input.context'],
      ['metadata over 16 KiB', { userMessage: 'hi', metadata: { big: 'x'.repeat(17_000) } }, 'input.metadata'],
      ['a NUL character', { userMessage: 'a\u0000b' }, 'input.userMessage'],
      ['a lone surrogate', { userMessage: 'hi', aiResponse: 'a\uD800b' }, 'input.aiResponse'],
      // Named at the level past 32 (the one refused), inside the context.
      ['a context nested 40 levels deep', { userMessage: 'hi', context: nested(40) }, `input.context${'.a'.repeat(31)}`],
    ];
    for (const [what, input, field] of cases) {
      it(`when an interaction has ${what}, then it is BAD_USER_INPUT naming ${field} and nothing is kept`, async () => {
        const caller = aCaller();
        const result = await app.gql(caller, STORE, { input });
        expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: expect.arrayContaining([field]) });
        expect(await list(caller)).toEqual([]);
        expect(await events(caller)).toEqual([]);
      });
    }

    it('when a user message of exactly 5,000 and an answer of exactly 10,000 characters are stored, then they are kept', async () => {
      const caller = aCaller();
      expect((await store(caller, { userMessage: 'x'.repeat(5000), aiResponse: 'y'.repeat(10_000), sessionId: 's'.repeat(100) })).interactionsStored).toBe(1);
    });

    it('when a bulk store holds 0 or 51 interactions, or one bad among good ones, then nothing is kept and the bad ones are named', async () => {
      const caller = aCaller();
      for (const count of [0, 51]) {
        const result = await app.gql(caller, STORE_MANY, { inputs: Array.from({ length: count }, () => ({ userMessage: 'hi' })) });
        expect(result.errors?.[0]?.extensions, String(count)).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['inputs'] });
      }
      const mixed = await app.gql(caller, STORE_MANY, { inputs: [{ userMessage: 'good' }, { userMessage: '' }, { userMessage: 'ok', sessionId: 'x'.repeat(101) }] });
      expect(mixed.errors?.[0]?.extensions?.fields).toEqual(['inputs.1.userMessage', 'inputs.2.sessionId']);
      expect(await list(caller)).toEqual([]);
      expect((await storeMany(caller, Array.from({ length: 50 }, (_, i) => ({ userMessage: `m${i}` })))).interactionsStored).toBe(50);
    });

    it('when retrieval asks for 0 or 101 items, or a query over 1,000 characters, then it is BAD_USER_INPUT naming the argument', async () => {
      const caller = aCaller();
      for (const [variables, field] of [[{ limit: 0 }, 'limit'], [{ limit: 101 }, 'limit'], [{ query: 'q'.repeat(1001) }, 'query']] as const) {
        const result = await app.gql(caller, RETRIEVE, variables);
        expect(result.errors?.[0]?.extensions, JSON.stringify(variables).slice(0, 40)).toMatchObject({ code: 'BAD_USER_INPUT', fields: [field] });
      }
    });

    it('when a summary is shorter than 10 or longer than 2,000 characters, or a change changes nothing, then it is refused naming the field', async () => {
      const caller = aCaller();
      for (const summary of ['too short', 's'.repeat(2001)]) {
        const result = await app.gql(caller, `mutation($s: String!) { compressFlowMemoryContext(summary: $s) { version } }`, { s: summary });
        expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['summary'] });
      }
      const { interactions } = await store(caller, { userMessage: 'hello' });
      const nothing = await app.gql(caller, `mutation($id: ID!) { updateFlowMemoryInteraction(id: $id, input: {}) { id } }`, { id: interactions[0].id });
      expect(nothing.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['input'] });
      const tooLong = await app.gql(caller, `mutation($id: ID!, $m: String) { updateFlowMemoryInteraction(id: $id, input: {userMessage: $m}) { id } }`, { id: interactions[0].id, m: 'x'.repeat(5001) });
      expect(tooLong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['input.userMessage'] });
      const session = await app.gql(caller, `query($id: String!) { flowMemorySession(id: $id) { id } }`, { id: 's'.repeat(101) });
      expect(session.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['id'] });
    });
  });

  describe('tenancy and roles', () => {
    it("when another user of the org or another org's user with the same id asks, then they see, change and delete nothing of it", async () => {
      const owner = aCaller();
      const { interactions } = await store(owner, { userMessage: 'Private plans', sessionId: 'mine' });
      const id = interactions[0].id;
      await app.ok(owner, `mutation { compressFlowMemoryContext(summary: "Private summary of mine") { version } }`);
      for (const stranger of [aCaller({ orgId: owner.orgId }), aCaller({ userId: owner.userId })]) {
        expect(await list(stranger)).toEqual([]);
        const reads = await app.ok(stranger, `query($id: ID!) { flowMemoryInteraction(id: $id) { id } flowMemorySession(id: "mine") { id } flowMemoryStats { totalInteractions } }`, { id });
        expect(reads).toEqual({ flowMemoryInteraction: null, flowMemorySession: null, flowMemoryStats: { totalInteractions: 0 } });
        expect((await app.ok(stranger, RETRIEVE, { query: 'private plans' })).retrieveFlowMemory).toMatchObject({ interactions: [], contextSummary: null });
        for (const mutation of [`updateFlowMemoryInteraction(id: $id, input: {userMessage: "taken"}) { id }`, `deleteFlowMemoryInteraction(id: $id) { deletedId }`]) {
          const result = await app.gql(stranger, `mutation($id: ID!) { ${mutation} }`, { id });
          expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
        }
        await app.ok(stranger, `mutation { clearFlowMemory { interactions } }`);
      }
      expect((await list(owner)).map((i: any) => i.userMessage)).toEqual(['Private plans']);
    });

    it('when a viewer uses memory, then reading works and keeping, editing and clearing are FORBIDDEN', async () => {
      const viewer = aCaller({ roles: ['viewer'] });
      expect((await app.ok(viewer, RETRIEVE, {})).retrieveFlowMemory.totalCount).toBe(0);
      for (const mutation of [`storeFlowMemoryInteraction(input: {userMessage: "hi"}) { success }`, 'clearFlowMemory { interactions }', 'updateFlowMemorySettings(input: {enabled: false}) { enabled }', 'compressFlowMemoryContext(summary: "a long enough summary") { version }']) {
        const result = await app.gql(viewer, `mutation { ${mutation} }`);
        expect(result.errors?.[0]?.extensions?.code, mutation).toBe('FORBIDDEN');
      }
    });
  });
});
