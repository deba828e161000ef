/** A call that the comms module holds about a planning task (mirrors `CallRecord` in schema/comms.graphql). */
export interface CallRecord {
  id: string;
  taskId: string;
  phone: string;
  /** ISO 8601 date-time in UTC. */
  scheduledAt: string;
  outcome: string;
  notes: string | null;
}

/** What a caller supplies to add a record (for the tasks of one org); the store assigns the id. */
export type NewCallRecord = Omit<CallRecord, 'id'> & { orgId: string };

const SEED_EPOCH_MS = Date.UTC(2026, 0, 5, 9, 0, 0);
const HOUR_MS = 60 * 60 * 1000;

/** A small stable hash (FNV-1a, 32 bit) so seeded values depend only on the task id. */
function hashTaskId(taskId: string): number {
  let hash = 0x811c9dc5;
  for (const char of taskId) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * The record every task has before anything is added: derived from the task id alone, so tests can predict it.
 *
 * @example
 * seedCallRecordFor('task-1'); // { id: 'call-task-1-seed', taskId: 'task-1', outcome: 'callback_requested', ... }
 */
export function seedCallRecordFor(taskId: string): CallRecord {
  const hash = hashTaskId(taskId);
  return {
    id: `call-${taskId}-seed`,
    taskId,
    phone: `+420${String(600_000_000 + (hash % 100_000_000))}`,
    scheduledAt: new Date(SEED_EPOCH_MS + (hash % (24 * 7)) * HOUR_MS).toISOString(),
    outcome: 'callback_requested',
    notes: `Seeded callback for task ${taskId}`,
  };
}

/**
 * In-memory call records for the example comms subgraph, kept per org: an org sees only the records added for it
 * (and every task id's seeded record, which is derived from the id and holds nothing of anyone's). Added records
 * follow the seeded one in insertion order. Example only: state lives in one process.
 *
 * @example
 * const store = new CallRecordStore();
 * store.add({ orgId: 'org-1', taskId: 't1', phone: '+420777000111', scheduledAt: '2026-02-01T10:00:00.000Z', outcome: 'answered', notes: null });
 * store.listForTask('org-1', 't1'); // [seeded record, added record]
 * store.listForTask('org-2', 't1'); // [seeded record]
 */
export class CallRecordStore {
  private readonly addedByTask = new Map<string, CallRecord[]>();
  private addedCount = 0;

  /** The records of one task as `orgId` sees them: its seeded record first, then the ones added for that org. */
  listForTask(orgId: string, taskId: string): CallRecord[] {
    return [seedCallRecordFor(taskId), ...(this.addedByTask.get(`${orgId}|${taskId}`) ?? [])];
  }

  /** Stores a record for its org and returns it with its assigned id (`call-<n>`). */
  add({ orgId, ...record }: NewCallRecord): CallRecord {
    this.addedCount += 1;
    const stored: CallRecord = { ...record, id: `call-${this.addedCount}` };
    const key = `${orgId}|${record.taskId}`;
    this.addedByTask.set(key, [...(this.addedByTask.get(key) ?? []), stored]);
    return stored;
  }
}
