/**
 * A call that ended, as comms reported it in its `comms.call.ended` event, about one planning task (mirrors
 * `CallRecord` in schema/comms.graphql). Every field is one the event carried; what it did not carry is null.
 */
export interface CallRecord {
  /** The call's id in comms (`data.call_id`). */
  id: string;
  /** The planning task the call was about (`data.task_id`). */
  taskId: string;
  outcome: string;
  /** The event's `timestamp`, ISO 8601 in UTC. */
  endedAt: string | null;
  contactName: string | null;
  phone: string | null;
  /** `data.callback_time`, ISO 8601 in UTC. */
  scheduledAt: string | null;
  campaignId: string | null;
}

/**
 * The calls the example comms subgraph has heard of, kept per org: an org sees only the calls its own events
 * reported, and a task no event named has none. One record per call id and org, so an event delivered twice is
 * recorded once (a later event about the same call replaces the record, keeping its place). Example only: the
 * records live in the memory of one process and are gone after a restart.
 *
 * @example
 * const store = new CallRecordStore();
 * store.record('org-1', { id: 'call-1', taskId: 't1', outcome: 'completed', endedAt: null, contactName: null, phone: null, scheduledAt: null, campaignId: null });
 * store.listForTask('org-1', 't1'); // [the record]
 * store.listForTask('org-2', 't1'); // []
 */
export class CallRecordStore {
  private readonly byOrg = new Map<string, Map<string, CallRecord>>();

  /** The calls about one task as `orgId` sees them, in the order they were first heard of; empty when none. */
  listForTask(orgId: string, taskId: string): CallRecord[] {
    return [...(this.byOrg.get(orgId)?.values() ?? [])].filter((call) => call.taskId === taskId);
  }

  /** Keeps `call` for `orgId`, in place of any record of the same call id. */
  record(orgId: string, call: CallRecord): void {
    const calls = this.byOrg.get(orgId) ?? new Map<string, CallRecord>();
    calls.set(call.id, call);
    this.byOrg.set(orgId, calls);
  }

  /** How many calls are kept, over all orgs. */
  get size(): number {
    let count = 0;
    for (const calls of this.byOrg.values()) count += calls.size;
    return count;
  }
}
