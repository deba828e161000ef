import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../logging/logger.js';
import type { EventBus } from '../messaging/event-bus.js';
import { OUTBOX_CHANNEL } from './outbox-notifier.js';
import { type OutboxLag, outboxLag, OutboxRepository } from './outbox.repository.js';

export interface OutboxRelayOptions {
  orm: MikroORM;
  bus: EventBus;
  logger: Logger;
  /** Rows published per transaction. */
  batchSize?: number;
  /** Poll interval when idle; with `listenUrl` it is only a safety net. */
  pollIntervalMs?: number;
  /** PostgreSQL URL to LISTEN on for commit-time wake-ups (not on the embedded database). */
  listenUrl?: string;
  /** Published rows older than this are pruned. */
  retentionHours?: number;
}

export { type OutboxLag, outboxLag } from './outbox.repository.js';

/**
 * Publishes outbox rows to the bus, oldest first, marking them sent only after the broker confirmed them.
 *
 * Several relays may run (one per worker replica): each batch runs in a transaction holding a transaction-level
 * advisory lock, so exactly one batch is in flight at any time. That keeps the global (hence per-aggregate) order
 * and avoids double sends in normal operation; if a relay dies between the broker's confirm and the commit, the
 * rows stay unsent and go out again (at-least-once; consumers deduplicate on the envelope id).
 */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private listener: pg.Client | undefined;
  private lastPrune = 0;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
  }

  async start(): Promise<void> {
    this.running = true;
    if (this.options.listenUrl) await this.listen(this.options.listenUrl);
    this.loop = this.run();
  }

  /** Asks the relay to look for new rows now (e.g. after a commit in this process). */
  wake(): void {
    this.wakeUp?.();
  }

  private async listen(url: string): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    client.on('notification', () => this.wake());
    client.on('error', (err) => {
      this.options.logger.warn({ err: err.message }, 'outbox LISTEN connection lost; polling until it is back');
      this.listener = undefined;
      setTimeout(() => this.running && this.listen(url).catch(() => {}), 1000).unref();
    });
    try {
      await client.connect();
      await client.query(`listen ${OUTBOX_CHANNEL}`);
      this.listener = client;
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message }, 'outbox LISTEN failed; polling');
      await client.end().catch(() => {});
      setTimeout(() => this.running && this.listen(url).catch(() => {}), 1000).unref();
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let published = 0;
      try {
        published = await this.publishBatch();
        failures = 0;
        await this.pruneIfDue();
      } catch (error) {
        failures++;
        this.options.logger.warn({ err: (error as Error).message, failures }, 'outbox batch failed; will retry');
      }
      if (published === this.batchSize) continue;
      // stop() may have come while the batch ran (its wake-up then found no sleep to end): do not sleep a whole
      // poll interval before noticing. Checked in the same tick as the sleep starts, so no stop() falls in between.
      if (!this.running) break;
      const delay = failures ? Math.min(250 * 2 ** failures, 10_000) : this.pollIntervalMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  /** Whether the relay's loop waits for a wake-up or its next poll (nothing left to publish). */
  get sleeping(): boolean {
    return this.wakeUp !== undefined;
  }

  /** Publishes at most one batch; returns how many rows it sent (0 when another relay holds the lock). */
  async publishBatch(): Promise<number> {
    const em = this.options.orm.em.fork();
    return em.transactional(async (tx) => {
      const outbox = new OutboxRepository(tx);
      if (!(await outbox.tryLockRelay())) return 0;
      const rows = await outbox.oldestUnsent(this.batchSize);
      if (rows.length === 0) return 0;
      await this.options.bus.publish(
        rows.map((row) => ({
          messageId: row.event_id,
          routingKey: row.event_type,
          body: Buffer.from(typeof row.envelope === 'string' ? row.envelope : JSON.stringify(row.envelope)),
          headers: row.headers ?? {},
        })),
      );
      await outbox.markPublished(rows.map((r) => r.seq));
      // One line per event, naming the request that caused it: a request id leads from the gateway's log to here.
      for (const row of rows) {
        this.options.logger.info(
          { eventId: row.event_id, eventType: row.event_type, requestId: row.headers?.['x-request-id'], traceparent: row.headers?.traceparent },
          'outbox: event published',
        );
      }
      return rows.length;
    });
  }

  /** Unsent rows and the age of the oldest one. */
  lag(): Promise<OutboxLag> {
    return outboxLag(this.options.orm);
  }

  /** Deletes published rows older than the retention period, in bounded chunks. */
  async prune(): Promise<number> {
    return new OutboxRepository(this.options.orm.em.fork()).prunePublished(this.options.retentionHours ?? 72);
  }

  private async pruneIfDue(): Promise<void> {
    if (Date.now() - this.lastPrune < 60_000) return;
    this.lastPrune = Date.now();
    await this.prune();
  }

  /** Finishes the batch in flight, then stops. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    await this.listener?.end().catch(() => {});
  }
}
