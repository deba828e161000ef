import { createHash } from 'node:crypto';
import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { ConflictError } from '../../platform/errors/planning-error.js';
import { canonicalJson } from './cursor.js';

/** Idempotency keys stay valid this long. */
export const IDEMPOTENCY_WINDOW_HOURS = 24;

export interface IdempotencyScope {
  orgId: string;
  userId: string;
  operation: string;
  key: string;
}

export type IdempotencyClaim = { kind: 'new' } | { kind: 'replay'; resultIds: string[] };

/** Hash of a request body in canonical form (sorted keys), to tell a true retry from a reused key. */
export function requestHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/**
 * Idempotency keys in `planning_idempotency_keys`, claimed inside the caller's transaction: a concurrent second
 * request with the same key waits on the row lock until the first commits, then replays its result.
 */
export class IdempotencyRepository {
  constructor(private readonly em: SqlEntityManager) {}

  async claim(scope: IdempotencyScope, hash: string): Promise<IdempotencyClaim> {
    const inserted = await this.em.execute<Array<{ key: string }>>(
      `insert into planning_idempotency_keys (org_id, user_id, operation, key, request_hash, result_ids, created_at)
       values (?, ?, ?, ?, ?, '{}', now())
       on conflict (org_id, user_id, operation, key) do update
         set request_hash = excluded.request_hash, result_ids = '{}', created_at = now()
         where planning_idempotency_keys.created_at < now() - interval '${IDEMPOTENCY_WINDOW_HOURS} hours'
       returning key`,
      [scope.orgId, scope.userId, scope.operation, scope.key, hash],
    );
    if (inserted.length > 0) return { kind: 'new' };

    const [existing] = await this.em.execute<Array<{ request_hash: string; result_ids: string[] }>>(
      `select request_hash, result_ids from planning_idempotency_keys
       where org_id = ? and user_id = ? and operation = ? and key = ?`,
      [scope.orgId, scope.userId, scope.operation, scope.key],
    );
    if (!existing) return { kind: 'new' };
    if (existing.request_hash.trim() !== hash) {
      throw new ConflictError('idempotencyKey was already used with a different input', { field: 'idempotencyKey' });
    }
    return { kind: 'replay', resultIds: existing.result_ids };
  }

  async recordResult(scope: IdempotencyScope, resultIds: string[]): Promise<void> {
    // em.execute inlines an array parameter as a comma list, hence `array[?]` rather than `?::uuid[]`.
    await this.em.execute(
      `update planning_idempotency_keys set result_ids = array[?]::uuid[]
       where org_id = ? and user_id = ? and operation = ? and key = ?`,
      [resultIds, scope.orgId, scope.userId, scope.operation, scope.key],
    );
  }
}
