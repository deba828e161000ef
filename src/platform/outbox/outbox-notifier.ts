import type { MikroORM } from '@mikro-orm/postgresql';

/** The channel relays LISTEN on. */
export const OUTBOX_CHANNEL = 'planning_outbox';

/**
 * After a commit in this process, tells relays in other processes to look at the outbox (`pg_notify`), at most
 * once per tick.
 *
 * Deliberately not a trigger inside the writing transaction: PostgreSQL serialises the commits of every
 * transaction that sent a NOTIFY, which would cap write throughput at one commit flush at a time. A separate,
 * read-only `select pg_notify(...)` costs no flush and leaves data commits free to group.
 */
export function notifyRelaysAfterCommit(orm: MikroORM): void {
  let scheduled = false;
  orm.em.getEventManager().registerSubscriber({
    afterTransactionCommit: () => {
      if (scheduled) return;
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        orm.em
          .fork()
          .execute(`select pg_notify('${OUTBOX_CHANNEL}', '')`)
          .catch(() => {
            // Best effort: relays also poll.
          });
      });
    },
  });
}
