import { z } from 'zod';
import { entityId, isoDateTime } from '../../modules/common/validators.js';
import type { CallRecord, CallRecordStore } from './call-record.store.js';

/** The event comms publishes when a call ends; the example learns its calls from it and from nothing else. */
export const CALL_ENDED_EVENT = 'comms.call.ended';

const utc = isoDateTime.transform((date) => date.toISOString());
const optionalText = (max: number) => z.string().trim().min(1).max(max).optional();

/**
 * The `comms.call.ended` envelope as the example reads it: the contract's event (CONTRACTS.md), plus `data.task_id`,
 * the planning task the call was about. Planning's consumer ignores `task_id`; the example keeps only the events
 * that have one, since a call it cannot place on a task is one no query can ask for.
 */
export const callEndedEventSchema = z.object({
  type: z.literal(CALL_ENDED_EVENT),
  org_id: z.string().min(1).max(128),
  timestamp: utc.optional(),
  data: z.object({
    call_id: z.string().min(1).max(200),
    outcome: z.string().min(1).max(100),
    task_id: entityId.optional(),
    contact: z.object({ name: optionalText(200), phone: optionalText(50) }).optional(),
    callback_time: utc.optional(),
    campaign_id: optionalText(200),
  }),
});

/** What became of one delivered event. */
export type CallEventOutcome = { kind: 'recorded'; orgId: string; call: CallRecord } | { kind: 'ignored'; reason: string };

/**
 * Records the call a `comms.call.ended` event reports, for the event's org, when the event names a task; any other
 * body (not JSON, another type, a field out of shape, no `task_id`) is ignored, and the store is left as it was.
 *
 * @example
 * recordCallEnded(store, Buffer.from(JSON.stringify({ type: 'comms.call.ended', org_id: 'org-1', data: { call_id: 'c-1', outcome: 'completed', task_id } })));
 * // { kind: 'recorded', orgId: 'org-1', call: { id: 'c-1', taskId: task_id, outcome: 'completed', phone: null, ... } }
 */
export function recordCallEnded(store: CallRecordStore, body: Buffer): CallEventOutcome {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return { kind: 'ignored', reason: 'body is not JSON' };
  }
  const parsed = callEndedEventSchema.safeParse(json);
  if (!parsed.success) {
    return { kind: 'ignored', reason: parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; ') };
  }
  const { org_id: orgId, timestamp, data } = parsed.data;
  if (!data.task_id) return { kind: 'ignored', reason: 'data.task_id: names no task' };
  const call: CallRecord = {
    id: data.call_id,
    taskId: data.task_id,
    outcome: data.outcome,
    endedAt: timestamp ?? null,
    contactName: data.contact?.name ?? null,
    phone: data.contact?.phone ?? null,
    scheduledAt: data.callback_time ?? null,
    campaignId: data.campaign_id ?? null,
  };
  store.record(orgId, call);
  return { kind: 'recorded', orgId, call };
}
