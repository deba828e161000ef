import { sortedKeysJson } from '../platform/json/canonical-json.js';
import type { Caller } from '../modules/common/caller.js';

/** What a shared read settles with: the answer (data and errors, as the subgraph sent them). */
interface SharedAnswer {
  data?: unknown;
  errors?: readonly unknown[];
}

/** One fetch on its way, and whether reads joined it (the first's answer is then copied for them, once). */
interface Flight {
  /** Settles with the first's answer as JSON once it arrived (when reads joined), or fails as it did. */
  copy: Promise<string | undefined>;
  joined: boolean;
}

/**
 * Identical subgraph reads of one caller that are in flight at the same time share one subgraph request (what Hive
 * Gateway calls deduplicating in-flight requests), with the answer cache off. Two reads are identical when they go
 * to the same subgraph for the same caller (org, user, roles) with the same fetch document, operation name and
 * variables: exactly what the subgraph decides its answer from, as the signed context carries nothing else that
 * the subgraph reads (the request id only names the request in logs and events).
 *
 * A read joins a fetch only while no write of its org has started or ended through this gateway since that fetch
 * began, so a client never reads past its own writes: a mutation (never shared) takes the org's fetches out of reach
 * when it starts and again when it ends. A read that joins gets its own copy of the first's answer, errors
 * included, or fails as the first did.
 */
export class SharedReads {
  /** By org, then by the read's key: the fetches that reads of that org may still join. */
  private readonly flights = new Map<string, Map<string, Flight>>();

  constructor(
    /** Called for each read, `shared` when it joined a fetch, `fetched` when it made one. */
    private readonly onRead?: (subgraph: string, outcome: 'shared' | 'fetched') => void,
  ) {}

  /** The key of a read: everything the subgraph's answer depends on. */
  keyOf(subgraph: string, caller: Caller, request: { query?: string; operationName?: string | null; variables?: Record<string, unknown> | null }): string {
    return sortedKeysJson({ s: subgraph, u: caller.userId, r: [...caller.roles].sort(), q: request.query ?? '', o: request.operationName ?? null, v: request.variables ?? {} });
  }

  /** Answers a read, joining an identical one in flight or making `fetch` the one others may join. */
  async read<T extends SharedAnswer>(subgraph: string, orgId: string, key: string, fetch: () => Promise<T>): Promise<T> {
    const ofOrg = this.flights.get(orgId);
    const leader = ofOrg?.get(key);
    if (leader) {
      this.onRead?.(subgraph, 'shared');
      leader.joined = true;
      const { data, errors } = JSON.parse((await leader.copy)!) as SharedAnswer;
      return (errors ? { data, errors } : { data }) as T;
    }
    this.onRead?.(subgraph, 'fetched');
    const flights = ofOrg ?? new Map<string, Flight>();
    if (!ofOrg) this.flights.set(orgId, flights);
    let answered!: (answer: T) => void;
    let failed!: (error: unknown) => void;
    const answer = new Promise<T>((resolve, reject) => {
      answered = resolve;
      failed = reject;
    });
    const flight: Flight = {
      joined: false,
      // Copied as it arrives, before the first's own request can change it, and out of reach from then on: a read
      // arriving later makes its own fetch.
      copy: answer.then(
        (first) => {
          this.leave(orgId, key, flight);
          return flight.joined ? JSON.stringify({ data: first.data, errors: first.errors }) : undefined;
        },
        (error: unknown) => {
          this.leave(orgId, key, flight);
          throw error;
        },
      ),
    };
    // Its failure is for the reads waiting on it, when there are any.
    flight.copy.catch(() => {});
    flights.set(key, flight);
    fetch().then(answered, failed);
    return answer;
  }

  /** Takes a fetch out of reach, unless a write did already (a later read may have made a new one under its key). */
  private leave(orgId: string, key: string, flight: Flight): void {
    const flights = this.flights.get(orgId);
    if (flights?.get(key) !== flight) return;
    flights.delete(key);
    if (flights.size === 0) this.flights.delete(orgId);
  }

  /** A write of `orgId` starts or ends: no read started from now on joins a fetch made before. */
  writing(orgId: string): void {
    this.flights.delete(orgId);
  }

  /** Fetches that reads may still join (for tests). */
  get size(): number {
    let size = 0;
    for (const flights of this.flights.values()) size += flights.size;
    return size;
  }
}
