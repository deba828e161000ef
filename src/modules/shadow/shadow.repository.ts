import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { timestampFromRow } from '../../platform/db/row-values.js';
import type { Phase } from './journey.js';
import type { Finding, FindingKind } from './productivity-analysis.js';
import type { ShadowInsight } from './shadow-insight.entity.js';
import type { ShadowProfile } from './shadow-profile.entity.js';

/** A profile with its insight counts, as it is shown. */
export interface ShadowProfileView extends ShadowProfile {
  unlockedInsights: number;
  acknowledgedInsights: number;
}

const PROFILE_COLUMNS = `p.id, p.org_id, p.user_id, p.archetype, p.archetype_scores, p.unlock_day, p.total_days, p.last_unlocked_at,
  p.created_at, p.updated_at, p.version`;
const INSIGHT_COLUMNS = `i.id, i.org_id, i.profile_id, i.user_id, i.day, i.phase, i.content, i.finding_kind, i.finding,
  i.task_ids::text[] as task_ids, i.confidence, i.unlocked_at, i.acknowledged_at, i.created_at`;

function profileFromRow(r: Record<string, any>): ShadowProfile {
  return {
    id: r.id,
    orgId: r.org_id,
    userId: r.user_id,
    archetype: r.archetype,
    archetypeScores: r.archetype_scores,
    unlockDay: r.unlock_day,
    totalDays: r.total_days,
    lastUnlockedAt: timestampFromRow(r.last_unlocked_at)!,
    createdAt: timestampFromRow(r.created_at)!,
    updatedAt: timestampFromRow(r.updated_at)!,
    version: r.version,
  };
}

function insightFromRow(r: Record<string, any>): ShadowInsight {
  return {
    id: r.id,
    orgId: r.org_id,
    profileId: r.profile_id,
    userId: r.user_id,
    day: r.day,
    phase: r.phase,
    content: r.content,
    findingKind: r.finding_kind,
    finding: r.finding,
    taskIds: r.task_ids ?? [],
    confidence: r.confidence === null ? null : Number(r.confidence),
    unlockedAt: timestampFromRow(r.unlocked_at),
    acknowledgedAt: timestampFromRow(r.acknowledged_at),
    createdAt: timestampFromRow(r.created_at)!,
  };
}

/** A new journey: the profile and its 30 days, day 1 unlocked with its finding. */
export interface NewJourney {
  profile: Omit<ShadowProfile, 'version'>;
  days: Array<{ id: string; day: number; phase: Phase; content: string }>;
}

/** All SQL of Shadow AI's journeys; every statement is scoped to the org and the user. */
export class ShadowRepository {
  constructor(private readonly em: SqlEntityManager) {}

  async findProfile(orgId: string, userId: string, options: { forUpdate?: boolean } = {}): Promise<ShadowProfileView | null> {
    const [row] = await this.em.execute<Array<Record<string, any>>>(
      options.forUpdate
        ? `select ${PROFILE_COLUMNS}, 0 as unlocked, 0 as acknowledged from planning_shadow_profiles p where p.org_id = ? and p.user_id = ? for update`
        : `select ${PROFILE_COLUMNS},
                  (select count(*) from planning_shadow_insights i where i.profile_id = p.id and i.unlocked_at is not null) as unlocked,
                  (select count(*) from planning_shadow_insights i where i.profile_id = p.id and i.acknowledged_at is not null) as acknowledged
           from planning_shadow_profiles p where p.org_id = ? and p.user_id = ?`,
      [orgId, userId],
    );
    return row ? { ...profileFromRow(row), unlockedInsights: Number(row.unlocked), acknowledgedInsights: Number(row.acknowledged) } : null;
  }

  /** Writes the journey unless the user already has one (a concurrent start): false then, and nothing is written. */
  async insertJourney(journey: NewJourney, firstFinding: Finding | null): Promise<boolean> {
    const { profile } = journey;
    const inserted = await this.em.execute<Array<{ id: string }>>(
      `insert into planning_shadow_profiles (id, org_id, user_id, archetype, archetype_scores, unlock_day, total_days, last_unlocked_at, created_at, updated_at)
       values (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?) on conflict (org_id, user_id) do nothing returning id`,
      [profile.id, profile.orgId, profile.userId, profile.archetype, JSON.stringify(profile.archetypeScores), profile.unlockDay, profile.totalDays, profile.lastUnlockedAt, profile.createdAt, profile.updatedAt],
    );
    if (inserted.length === 0) return false;
    const values = journey.days.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?::uuid[], ?, ?, ?)').join(', ');
    const params = journey.days.flatMap((d) => {
      const first = d.day === 1;
      return [
        d.id, profile.orgId, profile.id, profile.userId, d.day, d.phase, d.content,
        first ? firstFinding?.kind ?? null : null,
        first ? firstFinding?.message ?? null : null,
        `{${first ? (firstFinding?.taskIds ?? []).join(',') : ''}}`,
        first ? firstFinding?.confidence ?? null : null,
        first ? profile.createdAt : null,
        profile.createdAt,
      ];
    });
    await this.em.execute(
      `insert into planning_shadow_insights (id, org_id, profile_id, user_id, day, phase, content, finding_kind, finding, task_ids, confidence, unlocked_at, created_at)
       values ${values}`,
      params,
    );
    return true;
  }

  /** The kinds of finding the journey's unlocked days were paired with. */
  async usedFindingKinds(profileId: string): Promise<FindingKind[]> {
    const rows = await this.em.execute<Array<{ finding_kind: FindingKind }>>(
      'select finding_kind from planning_shadow_insights where profile_id = ? and unlocked_at is not null and finding_kind is not null',
      [profileId],
    );
    return rows.map((r) => r.finding_kind);
  }

  /** Unlocks `day` with its text and finding, and moves the profile to it (the caller holds the profile's row lock). */
  async unlockDay(profile: ShadowProfile, day: number, content: string, finding: Finding | null, now: Date): Promise<ShadowInsight> {
    const [row] = await this.em.execute<Array<Record<string, any>>>(
      `update planning_shadow_insights i set content = ?, finding_kind = ?, finding = ?, task_ids = ?::uuid[], confidence = ?, unlocked_at = ?
       where i.profile_id = ? and i.day = ? and i.unlocked_at is null
       returning ${INSIGHT_COLUMNS}`,
      [content, finding?.kind ?? null, finding?.message ?? null, `{${(finding?.taskIds ?? []).join(',')}}`, finding?.confidence ?? null, now, profile.id, day],
    );
    await this.em.execute(
      'update planning_shadow_profiles set unlock_day = ?, last_unlocked_at = ?, updated_at = ?, version = version + 1 where id = ?',
      [day, now, now, profile.id],
    );
    return insightFromRow(row!);
  }

  /** The user's unlocked insights, by day. */
  async listUnlocked(orgId: string, userId: string): Promise<ShadowInsight[]> {
    const rows = await this.em.execute<Array<Record<string, any>>>(
      `select ${INSIGHT_COLUMNS} from planning_shadow_insights i
       where i.org_id = ? and i.user_id = ? and i.unlocked_at is not null order by i.day`,
      [orgId, userId],
    );
    return rows.map(insightFromRow);
  }

  /** Unlocked insights of the user among `ids` (others, locked ones and other users' are left out). */
  async findUnlockedByIds(orgId: string, userId: string, ids: readonly string[]): Promise<ShadowInsight[]> {
    if (ids.length === 0) return [];
    const rows = await this.em.execute<Array<Record<string, any>>>(
      `select ${INSIGHT_COLUMNS} from planning_shadow_insights i
       where i.org_id = ? and i.user_id = ? and i.unlocked_at is not null and i.id = any(?::uuid[])`,
      [orgId, userId, `{${ids.join(',')}}`],
    );
    return rows.map(insightFromRow);
  }

  /** Marks an unlocked insight of the user acknowledged (the first time counts); null when there is none such. */
  async acknowledge(orgId: string, userId: string, id: string, now: Date): Promise<ShadowInsight | null> {
    const [row] = await this.em.execute<Array<Record<string, any>>>(
      `update planning_shadow_insights i set acknowledged_at = coalesce(i.acknowledged_at, ?)
       where i.org_id = ? and i.user_id = ? and i.id = ? and i.unlocked_at is not null
       returning ${INSIGHT_COLUMNS}`,
      [now, orgId, userId, id],
    );
    return row ? insightFromRow(row) : null;
  }
}

