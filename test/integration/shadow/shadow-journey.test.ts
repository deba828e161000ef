import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shadowEventSchemas } from '../../../src/modules/shadow/shadow.events.js';
import { aCaller, createTask, createTasks, startTestPlanningApp, type TestPlanningApp } from '../../testkit/planning-app.js';
import { DAY, HOUR, INSIGHT_FIELDS, outboxEnvelopes, PROFILE_FIELDS, TestClock } from './shadow-testing.js';

describe('Shadow AI: the 30-day journey', () => {
  let app: TestPlanningApp;
  const clock = new TestClock(new Date('2026-12-01T08:00:00.000Z'));
  beforeAll(async () => {
    app = await startTestPlanningApp({ features: { now: clock.now } });
  });
  afterAll(async () => app?.close());

  const start = (caller: ReturnType<typeof aCaller>) => app.ok(caller, `mutation { createShadowProfile { ${PROFILE_FIELDS} insights { ${INSIGHT_FIELDS} } } }`);
  const unlock = (caller: ReturnType<typeof aCaller>) =>
    app.ok(caller, `mutation { unlockShadowInsight { unlocked newDay message progress nextUnlockAt insight { ${INSIGHT_FIELDS} } } }`);

  it('when a user without tasks starts the journey, then the archetype is explorer, day 1 is unlocked and progress is 1/30', async () => {
    const caller = aCaller();
    const before = await app.ok(caller, `{ shadowProfile { id } shadowInsights { id } }`);
    expect(before).toEqual({ shadowProfile: null, shadowInsights: [] });

    const { createShadowProfile: profile } = await start(caller);
    expect(profile).toMatchObject({
      user: { id: caller.userId },
      archetype: 'EXPLORER',
      unlockDay: 1,
      totalDays: 30,
      progress: '1/30',
      phase: 'AWARENESS',
      unlockedInsights: 1,
      completionPercentage: 3.33,
      canUnlock: false,
      nextUnlockAt: new Date(clock.now().getTime() + DAY).toISOString(),
    });
    expect(profile.archetypeInfo).toMatchObject({ name: 'EXPLORER', growthPath: expect.stringContaining('stillness') });
    expect(profile.insights).toHaveLength(1);
    expect(profile.insights[0]).toMatchObject({ day: 1, phase: 'AWARENESS', acknowledged: false, finding: null });
    expect(profile.insights[0].content.length).toBeGreaterThan(20);

    const again = await start(caller);
    expect(again.createShadowProfile.id).toBe(profile.id);
    expect((await outboxEnvelopes(app, caller.orgId, 'planning.shadow.insight_generated')).length).toBe(1);
  });

  it('when the last 100 tasks speak of research and reading, then the archetype is sage, scored as the original module scored it', async () => {
    const caller = aCaller();
    await createTasks(app, caller, 3, (i) => ({ title: ['Research the market', 'Read the paper', 'Study the results'][i] }));
    const { createShadowProfile: profile } = await start(caller);
    expect(profile.archetype).toBe('SAGE');
    expect(profile.archetypeScores).toMatchObject({ sage: 3, warrior: 0, explorer: 0 });
  });

  it('when tasks are mostly completed, then the warrior gets the 10 points of a high completion rate', async () => {
    const caller = aCaller();
    await createTasks(app, caller, 5, () => ({ title: 'Plain work', status: 'COMPLETED' }));
    const { createShadowProfile: profile } = await start(caller);
    expect(profile.archetype).toBe('WARRIOR');
    expect(profile.archetypeScores.warrior).toBe(10);
  });

  it('when the next day is asked for before 24 hours have passed, then nothing is unlocked; at 24 hours it is', async () => {
    const caller = aCaller();
    clock.set(new Date('2026-12-01T08:00:00.000Z'));
    await start(caller);

    clock.advance(23 * HOUR + 59 * 60_000);
    const early = await unlock(caller);
    expect(early.unlockShadowInsight).toMatchObject({ unlocked: false, newDay: null, insight: null, progress: '1/30', nextUnlockAt: '2026-12-02T08:00:00.000Z' });
    expect(early.unlockShadowInsight.message).toMatch(/2026-12-02T08:00:00.000Z/);

    clock.advance(60_000);
    const onTime = await unlock(caller);
    expect(onTime.unlockShadowInsight).toMatchObject({ unlocked: true, newDay: 2, progress: '2/30', nextUnlockAt: '2026-12-03T08:00:00.000Z' });
    expect(onTime.unlockShadowInsight.insight).toMatchObject({ day: 2, phase: 'AWARENESS', unlockedAt: '2026-12-02T08:00:00.000Z' });

    const sameDay = await unlock(caller);
    expect(sameDay.unlockShadowInsight.unlocked).toBe(false);
    const { shadowInsights } = await app.ok(caller, `{ shadowInsights { day } }`);
    expect(shadowInsights.map((i: { day: number }) => i.day)).toEqual([1, 2]);

    const events = await outboxEnvelopes(app, caller.orgId, 'planning.shadow.insight_generated');
    expect(events.map((e) => e.data.day)).toEqual([1, 2]);
    for (const event of events) expect(shadowEventSchemas['planning.shadow.insight_generated'].safeParse(event.data).success).toBe(true);
    expect(events[1]).toMatchObject({ source: 'planning', user_id: caller.userId, org_id: caller.orgId, data: { phase: 'awareness', archetype: 'explorer' } });
  });

  it('when every day is unlocked one a day, then the phases follow days 1-10, 11-20, 21-30 and a 31st unlock is refused', async () => {
    const caller = aCaller();
    clock.set(new Date('2026-12-01T08:00:00.000Z'));
    await start(caller);
    for (let day = 2; day <= 30; day++) {
      clock.advance(DAY);
      const { unlockShadowInsight } = await unlock(caller);
      expect(unlockShadowInsight.newDay).toBe(day);
    }
    const { shadowInsights, shadowProfile } = await app.ok(caller, `{ shadowInsights { day phase } shadowProfile { progress phase nextUnlockAt canUnlock completionPercentage } }`);
    expect(shadowInsights).toHaveLength(30);
    expect(shadowInsights[9].phase).toBe('AWARENESS');
    expect(shadowInsights[10].phase).toBe('UNDERSTANDING');
    expect(shadowInsights[19].phase).toBe('UNDERSTANDING');
    expect(shadowInsights[20].phase).toBe('INTEGRATION');
    expect(shadowProfile).toEqual({ progress: '30/30', phase: 'INTEGRATION', nextUnlockAt: null, canUnlock: false, completionPercentage: 100 });

    clock.advance(DAY);
    const { unlockShadowInsight } = await unlock(caller);
    expect(unlockShadowInsight).toMatchObject({ unlocked: false, message: 'All insights are already unlocked!', progress: '30/30', nextUnlockAt: null });
  });

  it('when two unlocks arrive at once, then one day is unlocked', async () => {
    const caller = aCaller();
    clock.set(new Date('2026-12-01T08:00:00.000Z'));
    await start(caller);
    clock.advance(DAY);
    const results = await Promise.all([unlock(caller), unlock(caller), unlock(caller)]);
    expect(results.filter((r) => r.unlockShadowInsight.unlocked)).toHaveLength(1);
    const { shadowProfile } = await app.ok(caller, `{ shadowProfile { unlockDay unlockedInsights } }`);
    expect(shadowProfile).toEqual({ unlockDay: 2, unlockedInsights: 2 });
  });

  it('when a user with overdue tasks unlocks a day, then its insight cites those tasks with a confidence', async () => {
    const caller = aCaller();
    clock.set(new Date());
    const overdue = await createTask(app, caller, { title: 'Send the report', dueDate: new Date(Date.now() - 2 * DAY).toISOString() });
    const { createShadowProfile } = await start(caller);
    const [first] = createShadowProfile.insights;
    expect(first.finding).toMatchObject({ kind: 'OVERDUE', taskIds: [overdue.id] });
    expect(first.finding.confidence).toBeGreaterThan(0);
    expect(first.finding.confidence).toBeLessThanOrEqual(1);
    const [event] = await outboxEnvelopes(app, caller.orgId, 'planning.shadow.insight_generated');
    expect(event.data).toMatchObject({ day: 1, finding_kind: 'OVERDUE', task_ids: [overdue.id] });
  });

  it('when the unlock is refused because no journey started, then it says so and writes nothing', async () => {
    const caller = aCaller();
    const { unlockShadowInsight } = await unlock(caller);
    expect(unlockShadowInsight).toMatchObject({ unlocked: false, message: 'No shadow profile found. Please create a profile first.', progress: null });
    expect(await outboxEnvelopes(app, caller.orgId, 'planning.shadow.insight_generated')).toEqual([]);
  });

  describe('acknowledging', () => {
    it('when an unlocked insight is acknowledged, then it says so from then on, and again keeps the first time', async () => {
      const caller = aCaller();
      clock.set(new Date('2026-12-01T08:00:00.000Z'));
      const { createShadowProfile } = await start(caller);
      const id = createShadowProfile.insights[0].id;
      clock.advance(HOUR);
      const first = await app.ok(caller, `mutation($id: ID!) { acknowledgeShadowInsight(id: $id) { id acknowledged acknowledgedAt } }`, { id });
      expect(first.acknowledgeShadowInsight).toEqual({ id, acknowledged: true, acknowledgedAt: '2026-12-01T09:00:00.000Z' });
      clock.advance(HOUR);
      const again = await app.ok(caller, `mutation($id: ID!) { acknowledgeShadowInsight(id: $id) { acknowledgedAt } }`, { id });
      expect(again.acknowledgeShadowInsight.acknowledgedAt).toBe('2026-12-01T09:00:00.000Z');
      const { shadowProfile } = await app.ok(caller, `{ shadowProfile { acknowledgedInsights } }`);
      expect(shadowProfile.acknowledgedInsights).toBe(1);
    });

    it("when another user, another org, or a malformed id is acknowledged, then it is NOT_FOUND or BAD_USER_INPUT naming id, and nothing changes", async () => {
      const owner = aCaller();
      const { createShadowProfile } = await start(owner);
      const id = createShadowProfile.insights[0].id;
      const sameOrg = aCaller({ orgId: owner.orgId });
      const otherOrg = aCaller({ userId: owner.userId });
      for (const stranger of [sameOrg, otherOrg]) {
        const result = await app.gql(stranger, `mutation($id: ID!) { acknowledgeShadowInsight(id: $id) { id } }`, { id });
        expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
      }
      const bad = await app.gql(owner, `mutation { acknowledgeShadowInsight(id: "not-a-uuid") { id } }`);
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['id'] });
      const { shadowProfile } = await app.ok(owner, `{ shadowProfile { acknowledgedInsights } }`);
      expect(shadowProfile.acknowledgedInsights).toBe(0);
    });

    it('when a locked day is acknowledged by its own user, then it is NOT_FOUND (locked days are not shown)', async () => {
      const caller = aCaller();
      await start(caller);
      const [row] = await app.orm.em.fork().getConnection().execute<Array<{ id: string }>>(
        `select i.id from planning_shadow_insights i join planning_shadow_profiles p on p.id = i.profile_id where p.org_id = ? and p.user_id = ? and i.day = 2`,
        [caller.orgId, caller.userId],
      );
      const result = await app.gql(caller, `mutation($id: ID!) { acknowledgeShadowInsight(id: $id) { id } }`, { id: row!.id });
      expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });
  });

  describe('tenancy and roles', () => {
    it("when another user of the org or another org's user with the same id reads, then they see no journey and no insight", async () => {
      const owner = aCaller();
      const { createShadowProfile } = await start(owner);
      for (const stranger of [aCaller({ orgId: owner.orgId }), aCaller({ userId: owner.userId })]) {
        expect(await app.ok(stranger, `{ shadowProfile { id } shadowInsights { id } }`)).toEqual({ shadowProfile: null, shadowInsights: [] });
        const entities = await app.ok(stranger, `query($r: [_Any!]!) { _entities(representations: $r) { ... on ShadowInsight { id content } } }`, {
          r: [{ __typename: 'ShadowInsight', id: createShadowProfile.insights[0].id }],
        });
        expect(entities._entities).toEqual([null]);
      }
      const own = await app.ok(owner, `query($r: [_Any!]!) { _entities(representations: $r) { ... on ShadowInsight { id day } } }`, {
        r: [{ __typename: 'ShadowInsight', id: createShadowProfile.insights[0].id }, { __typename: 'ShadowInsight', id: 'nope' }],
      });
      expect(own._entities).toEqual([{ id: createShadowProfile.insights[0].id, day: 1 }, null]);
    });

    it('when a viewer reads, then it works; when a viewer starts or unlocks a journey, then it is FORBIDDEN and nothing is written', async () => {
      const viewer = aCaller({ roles: ['viewer'] });
      expect(await app.ok(viewer, `{ shadowProfile { id } shadowInsights { id } productivityReport { createdCount } }`)).toMatchObject({ shadowProfile: null });
      for (const mutation of ['createShadowProfile { id }', 'unlockShadowInsight { unlocked }']) {
        const result = await app.gql(viewer, `mutation { ${mutation} }`);
        expect(result.errors?.[0]?.extensions?.code, mutation).toBe('FORBIDDEN');
      }
      expect(await outboxEnvelopes(app, viewer.orgId, 'planning.shadow.insight_generated')).toEqual([]);
      const noRole = await app.gql(aCaller({ roles: [] }), `{ shadowProfile { id } }`);
      expect(noRole.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('when a viewer whose journey exists asks for it through createShadowProfile (as GET /shadow/profile does), then they get it', async () => {
      const member = aCaller();
      const { createShadowProfile } = await start(member);
      const asViewer = { ...member, roles: ['viewer'] };
      const { createShadowProfile: again } = await app.ok(asViewer, `mutation { createShadowProfile { id } }`);
      expect(again.id).toBe(createShadowProfile.id);
    });
  });
});
