import type { SqlEntityManager } from '@mikro-orm/postgresql';

/** The inbox row an event claims: its key (unique), type and id. */
export interface InboxClaim {
  key: string;
  type: string;
  eventId: string | null;
  /** What the event created, when known at the claim. */
  created?: string[];
}

/**
 * `planning_inbox`: one row per inbound event that took effect, keyed by its dedup key, with what it created. A
 * claim inserts the row unless the key is there already, so a redelivered event (or one twice in a group) changes
 * nothing. Every statement runs in the caller's transaction.
 */
export class InboxRepository {
  constructor(private readonly em: SqlEntityManager) {}

  /** Inserts the rows of `claims` in one statement; returns the keys that were not there yet. */
  async claimAll(claims: InboxClaim[]): Promise<Set<string>> {
    if (claims.length === 0) return new Set();
    const inserted = await this.em.execute<Array<{ event_key: string }>>(
      `insert into planning_inbox (event_key, event_type, event_id, result) values ${claims.map(() => '(?, ?, ?, ?::jsonb)').join(', ')}
       on conflict (event_key) do nothing returning event_key`,
      claims.flatMap((claim) => [claim.key, claim.type, claim.eventId, JSON.stringify({ created: claim.created ?? [] })]),
    );
    return new Set(inserted.map((row) => row.event_key));
  }

  /** Inserts one row; true when it was not there yet. */
  async claim(claim: InboxClaim): Promise<boolean> {
    const claimed = await this.em.execute<Array<{ event_key: string }>>(
      `insert into planning_inbox (event_key, event_type, event_id) values (?, ?, ?)
       on conflict (event_key) do nothing returning event_key`,
      [claim.key, claim.type, claim.eventId],
    );
    return claimed.length > 0;
  }

  /** Writes what each event created into its row, in one statement. */
  async recordCreated(rows: Array<{ key: string; created: string[] }>): Promise<void> {
    if (rows.length === 0) return;
    await this.em.execute(
      `update planning_inbox as inbox set result = recorded.result::jsonb
       from (values ${rows.map(() => '(?, ?)').join(', ')}) as recorded (event_key, result)
       where inbox.event_key = recorded.event_key`,
      rows.flatMap((row) => [row.key, JSON.stringify({ created: row.created })]),
    );
  }
}
