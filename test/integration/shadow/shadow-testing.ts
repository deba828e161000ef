import type { TestPlanningApp } from '../../testkit/planning-app.js';

/** A clock the test moves by hand (the 24-hour unlock rule and the memory's TTLs are tested on it, never slept). */
export class TestClock {
  constructor(private current = new Date()) {}
  now = () => new Date(this.current);
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
  set(at: Date): void {
    this.current = new Date(at);
  }
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export const PROFILE_FIELDS = `id user { id } archetype archetypeInfo { name traits shadow growthPath keywords } archetypeScores
  unlockDay totalDays progress phase unlockedInsights acknowledgedInsights completionPercentage nextUnlockAt canUnlock
  createdAt updatedAt version`;
export const INSIGHT_FIELDS = `id day phase content unlockedAt acknowledged acknowledgedAt createdAt
  finding { kind message taskIds confidence value }`;

/** The planning outbox's envelopes of `type` for an org, oldest first. */
export async function outboxEnvelopes(app: Pick<TestPlanningApp, 'orm'>, orgId: string, type: string): Promise<any[]> {
  const rows = await app.orm.em
    .fork()
    .getConnection()
    .execute<Array<{ envelope: unknown }>>(`select envelope from planning_outbox where envelope->>'org_id' = ? and event_type = ? order by seq`, [orgId, type]);
  return rows.map((row) => (typeof row.envelope === 'string' ? JSON.parse(row.envelope) : row.envelope));
}

/** Runs SQL on the app's database (arranging a history that the API cannot write, such as past completion times). */
export async function sql(app: Pick<TestPlanningApp, 'orm'>, statement: string, params: unknown[] = []): Promise<any[]> {
  return app.orm.em.fork().getConnection().execute(statement, params);
}
