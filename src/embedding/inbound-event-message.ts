import type { IncomingMessage as BusMessage } from '../platform/messaging/event-bus.js';
import type { InboundPlanningEvent, PlanningEventOutcome } from './planning-module.types.js';

/**
 * An inbound event as the consumer's delivery (routing key = its type), or the outcome it gets without one: a type
 * this module does not consume is ignored, a body that is not JSON is rejected.
 */
export function busMessageOf(event: InboundPlanningEvent | string | Uint8Array, consumed: readonly string[]): BusMessage | { outcome: PlanningEventOutcome } {
  let parsed: unknown = event;
  let body: Buffer;
  try {
    if (typeof event === 'string' || event instanceof Uint8Array) {
      body = Buffer.from(event);
      parsed = JSON.parse(body.toString('utf8'));
    } else {
      body = Buffer.from(JSON.stringify(event));
    }
  } catch (error) {
    return { outcome: { status: 'rejected', reason: `malformed JSON: ${(error as Error).message}` } };
  }
  const { type, id } = (parsed ?? {}) as { type?: unknown; id?: unknown };
  if (typeof type === 'string' && !consumed.includes(type)) return { outcome: { status: 'ignored', reason: `planning does not consume ${type} events` } };
  return { routingKey: typeof type === 'string' ? type : '', body, messageId: typeof id === 'string' ? id : undefined, headers: {}, redeliveries: 0 };
}
