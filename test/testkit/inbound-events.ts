import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/events/${name}.json`, import.meta.url), 'utf8'));

/** A `comms.call.ended` event (callback requested) for `orgId`, from the contract fixture. */
export function aCallEndedEvent(orgId: string, overrides: { id?: string | null; data?: Record<string, unknown> } = {}) {
  const event = fixture('call-ended-callback');
  event.org_id = orgId;
  event.data = { ...event.data, call_id: `call-${randomUUID().slice(0, 8)}`, ...overrides.data };
  if (overrides.id === null) delete event.id;
  else event.id = overrides.id ?? randomUUID();
  return event;
}

/** An `agents.workflow.suggested` event with three steps for `orgId`, from the contract fixture. */
export function aWorkflowSuggestedEvent(orgId: string, overrides: { id?: string; data?: Record<string, unknown> } = {}) {
  const event = fixture('workflow-suggested');
  event.org_id = orgId;
  event.id = overrides.id ?? randomUUID();
  event.data = { ...event.data, workflow_id: `wf-${randomUUID().slice(0, 8)}`, ...overrides.data };
  return event;
}
