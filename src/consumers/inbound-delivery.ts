import { JSON_PROBLEM_MESSAGES, jsonProblems, tooDeepPath } from '../platform/json/json-problems.js';
import { PROJECT_MESSAGES } from '../platform/validation/validation-messages.js';
import type { IncomingMessage } from '../platform/messaging/event-bus.js';
import type { InboundHandler } from './inbound-handler.js';
import { describeIssues, eventKey, inboundEnvelopeSchema } from './inbound-envelope.js';

/** A delivery that passed validation: what to run, for whom, and the key it is deduplicated on. */
export interface AcceptedEvent {
  handler: InboundHandler<unknown>;
  data: unknown;
  key: string;
  eventId: string | null;
  userId: string;
  orgId: string;
}

/**
 * Validates one delivery without touching the database: JSON, envelope, a handler for its type, type equal to the
 * routing key, and the handler's data schema. A refusal carries the reason for the dead-letter queue, naming the
 * offending field.
 */
export function acceptDelivery(message: IncomingMessage, handlers: ReadonlyMap<string, InboundHandler<any>>): AcceptedEvent | { refused: string } {
  // Validation is deterministic: whatever fails in it would fail on every delivery, so it is never retried.
  try {
    return validateDelivery(message, handlers);
  } catch (error) {
    return { refused: `unprocessable event: ${(error as Error).message}` };
  }
}

function validateDelivery(message: IncomingMessage, handlers: ReadonlyMap<string, InboundHandler<any>>): AcceptedEvent | { refused: string } {
  let json: unknown;
  try {
    json = JSON.parse(message.body.toString('utf8'));
  } catch (error) {
    return { refused: `malformed JSON: ${(error as Error).message}` };
  }
  const tooDeep = tooDeepPath(json);
  if (tooDeep) return { refused: `invalid event: ${tooDeep.join('.')}: ${JSON_PROBLEM_MESSAGES.depth}` };
  const envelope = inboundEnvelopeSchema.safeParse(json, PROJECT_MESSAGES);
  if (!envelope.success) return { refused: `invalid envelope: ${describeIssues(envelope.error)}` };
  const handler = handlers.get(envelope.data.type);
  if (!handler) return { refused: `unsupported event type ${JSON.stringify(envelope.data.type)}` };
  if (envelope.data.type !== message.routingKey) {
    return { refused: `type ${JSON.stringify(envelope.data.type)} does not match routing key ${JSON.stringify(message.routingKey)}` };
  }
  const data = handler.dataSchema.safeParse(envelope.data.data, PROJECT_MESSAGES);
  if (!data.success) return { refused: `invalid ${handler.type}: ${describeIssues(data.error, 'data')}` };
  const { id, user_id: userId, org_id: orgId } = envelope.data;
  // PostgreSQL cannot store U+0000 or a lone surrogate in text or jsonb: what the event stores (its envelope ids and
  // its data as the handler reads it, unknown fields dropped) is refused here with the place, not failing (and being
  // retried) in the database.
  const unstorable = jsonProblems({ id, type: envelope.data.type, user_id: userId, org_id: orgId, data: data.data });
  if (unstorable.length > 0) return { refused: `invalid event: ${unstorable.map(({ path, kind }) => `${path.join('.')}: ${JSON_PROBLEM_MESSAGES[kind]}`).join('; ')}` };
  return { handler, data: data.data, key: eventKey(envelope.data), eventId: id ?? null, userId, orgId };
}
