import type { MikroORM } from '@mikro-orm/postgresql';
import { Gauge, type Registry } from 'prom-client';

interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

/** `db_pool_connections_used`, `db_pool_connections_free`, `db_pool_pending_acquires`: the knex pool, read on scrape. */
export function registerDbPoolMetrics(registry: Registry, orm: MikroORM): void {
  const pool = (): TarnPool | undefined => (orm.em.getKnex().client as { pool?: TarnPool }).pool;
  const gauge = (name: string, help: string, read: (pool: TarnPool) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const current = pool();
        this.set(current ? read(current) : 0);
      },
    });
  gauge('db_pool_connections_used', 'Database connections checked out of the pool', (p) => p.numUsed());
  gauge('db_pool_connections_free', 'Idle database connections in the pool', (p) => p.numFree());
  gauge('db_pool_pending_acquires', 'Requests waiting for a database connection', (p) => p.numPendingAcquires());
}
