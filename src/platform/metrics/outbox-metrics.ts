import type { MikroORM } from '@mikro-orm/postgresql';
import { Gauge, type Registry } from 'prom-client';
import { type OutboxLag, outboxLag } from '../outbox/outbox-relay.js';

/**
 * `planning_outbox_unsent_events` and `planning_outbox_oldest_unsent_age_seconds`, read from the table on each
 * scrape (one query for both). When the database cannot answer they read NaN rather than a reassuring 0.
 */
export function registerOutboxMetrics(registry: Registry, orm: MikroORM): void {
  let pending: Promise<OutboxLag | undefined> | undefined;
  const lag = () =>
    (pending ??= outboxLag(orm)
      .catch(() => undefined)
      .finally(() => (pending = undefined)));
  new Gauge({
    name: 'planning_outbox_unsent_events',
    help: 'Outbox events not yet published to the bus',
    registers: [registry],
    async collect() {
      this.set((await lag())?.unsent ?? Number.NaN);
    },
  });
  new Gauge({
    name: 'planning_outbox_oldest_unsent_age_seconds',
    help: 'Age of the oldest unpublished outbox event (0 when none)',
    registers: [registry],
    async collect() {
      this.set((await lag())?.oldestUnsentAgeSeconds ?? Number.NaN);
    },
  });
}
