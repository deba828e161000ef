import type { MikroORM } from '@mikro-orm/postgresql';
import type { ReadinessCheck } from '../http/readiness.js';

/** Readiness of PostgreSQL: one `select 1` through the process's own pool. */
export function postgresReadiness(orm: MikroORM): ReadinessCheck {
  return { name: 'postgres', check: async () => void (await orm.em.fork().execute('select 1')) };
}
