import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { timestampFromRow } from '../../platform/db/row-values.js';
import type { MemoryOwner } from './flow-memory.store.js';

/** A user's memory preferences: on by default; transient interactions are not kept unless they say so. */
export interface MemorySettings {
  enabled: boolean;
  storeTransient: boolean;
  updatedAt: Date | null;
}

export const DEFAULT_SETTINGS: MemorySettings = { enabled: true, storeTransient: false, updatedAt: null };

/** All SQL of Flow Memory: the preferences, kept in PostgreSQL so that a flushed Redis never forgets "do not remember". */
export class FlowMemorySettingsRepository {
  constructor(private readonly em: SqlEntityManager) {}

  async find(owner: MemoryOwner): Promise<MemorySettings> {
    const [row] = await this.em.execute<Array<{ enabled: boolean; store_transient: boolean; updated_at: unknown }>>(
      'select enabled, store_transient, updated_at from planning_flow_memory_settings where org_id = ? and user_id = ?',
      [owner.orgId, owner.userId],
    );
    return row ? { enabled: row.enabled, storeTransient: row.store_transient, updatedAt: timestampFromRow(row.updated_at) } : { ...DEFAULT_SETTINGS };
  }

  async save(owner: MemoryOwner, settings: { enabled: boolean; storeTransient: boolean }, now: Date): Promise<MemorySettings> {
    await this.em.execute(
      `insert into planning_flow_memory_settings (org_id, user_id, enabled, store_transient, updated_at) values (?, ?, ?, ?, ?)
       on conflict (org_id, user_id) do update set enabled = excluded.enabled, store_transient = excluded.store_transient, updated_at = excluded.updated_at`,
      [owner.orgId, owner.userId, settings.enabled, settings.storeTransient, now],
    );
    return { ...settings, updatedAt: now };
  }
}
