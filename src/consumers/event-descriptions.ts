/** The prose of the AsyncAPI document (contracts/asyncapi.json) and so of docs/events.md. */
export const EVENTS_INTRO = [
  'Exchange `platform.events` (topic, durable); routing key = event type. Messages are persistent,',
  '`content_type` application/json, `message_id` = envelope `id`. Published from a transactional outbox after',
  'commit, with publisher confirms: at-least-once, so consumers deduplicate on `id`. Events of one task or project',
  'arrive in the order they were committed. AMQP headers: `x-request-id` of the request that caused the event (one',
  'id follows a change from the gateway to its events), and `traceparent` when the request carried a W3C one.',
].join('\n');

export const PUBLISHED_NOTE = [
  'Priorities and statuses are lowercase in events. `planning.task.updated` carries `changes`: the changed fields',
  'in snake_case with their new values. A change that completes a task also emits `planning.task.completed`; one',
  'that leaves COMPLETED also emits `planning.task.reopened`. Deleting a task emits `planning.task.deleted` for',
  'it and each subtask; deleting a project emits `planning.task.updated` `{project_id: null}` for each of its tasks.',
  '`duration_minutes` is the recorded `actualMinutes`, else the minutes from creation to completion.',
].join('\n');

export const CONSUMED_NOTE = [
  'A durable quorum queue bound to the types below; dead letters go to `planning.events.dead` through',
  '`platform.events.dlx`, with the reason in the `x-dead-letter-reason` header. Every event takes effect once:',
  'it is deduplicated on `type` + `id`, or on a hash of the canonical event when `id` is missing. Transient',
  'failures are retried with backoff (0.5 s doubling, at most 8 deliveries), then dead-lettered.',
].join('\n');

const PRIVATE = 'It carries nothing the user wrote or read: it names what changed (ids, kinds, counts), and a consumer that\n' +
  'shows it reads it through GraphQL as that user.';

/** Per event type, what the event means (the message description). */
export const EVENT_DESCRIPTIONS: Record<string, string> = {
  'planning.task.created': 'A task was created; `source` says how (`api`, `call_callback`, `ai_workflow`).',
  'planning.task.updated': 'A task changed: `changes` holds the changed fields in snake_case with their new values.',
  'planning.task.completed': 'A task became COMPLETED; `campaign_id` when its metadata names a campaign.',
  'planning.task.reopened': 'A task left COMPLETED.',
  'planning.task.deleted': 'A task (or a subtask of a deleted task) was deleted.',
  'planning.project.created': 'A project was created.',
  'planning.project.updated': 'A project changed.',
  'planning.project.archived': 'A project was archived.',
  'planning.project.deleted': 'A project was deleted (its tasks stay, without a project).',
  'planning.shadow.insight_generated':
    'A day of a user\'s 30-day journey was unlocked (day 1 when the journey starts, then at most one a day): its\n' +
    'phase, the archetype, and the finding of the task history it was paired with (`finding_kind`, the cited\n' +
    '`task_ids`, `confidence`), all null or empty when the history showed nothing. `user_id` is the user. ' + PRIVATE,
  'planning.flow_memory.context_updated':
    'A user\'s Flow Memory changed: `stored` (1 to 50 interactions, with the number kept after), `edited`,\n' +
    '`deleted`, `compressed` (a new context summary, with its version) or `cleared`. Written to the outbox in the\n' +
    'transaction that commits only once the memory store took the change. Events of one user\'s memory share an\n' +
    'aggregate (ordered). ' + PRIVATE,
  'comms.call.ended':
    'With `outcome` `callback_requested` (then `contact` and a valid ISO 8601 `callback_time` are required): a HIGH task\n' +
    '"Call back {contact.name}", description "Scheduled callback at {callback_time} (phone: {contact.phone})", due at\n' +
    '`callback_time`, owned by `user_id`, metadata `{source: "call", callId, campaignId?}`; then\n' +
    '`planning.task.created` with source `call_callback`. Other listed outcomes: acknowledged, no task.\n' +
    'An outcome outside the list is dead-lettered.',
  'agents.workflow.suggested':
    'One task per step, in step order (consecutive positions), `action` as title, priority any case of\n' +
    'low|medium|high|urgent (default medium), metadata `{source: "ai_workflow", workflowId, campaignId?}`; then one\n' +
    '`planning.task.created` per task with source `ai_workflow`. 1 to 100 steps.',
};
