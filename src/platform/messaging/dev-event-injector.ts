import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http/graphql-http.js';
import { CONSUMED_EVENT_TYPES } from './event-bus.js';
import type { InProcessEventBus } from './in-process-event-bus.js';

const MAX_BYTES = 256 * 1024;

/**
 * `POST /dev/events` (development, in-process bus only): injects an event as another module would publish it, so
 * the callback and workflow flows can be tried on a fresh machine. The body is the event envelope; its `type`
 * is the routing key and must be one the planning queue consumes. Refusals answer in the REST shim's `{detail}` shape.
 */
export function devEventInjector(bus: InProcessEventBus) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendJson(res, 405, { detail: 'Method Not Allowed' });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BYTES) return sendJson(res, 413, { detail: `Request body larger than ${MAX_BYTES} bytes` });
      const body = Buffer.concat(chunks);
      let type: unknown;
      try {
        type = (JSON.parse(body.toString('utf8')) as { type?: unknown } | null)?.type;
      } catch {
        return sendJson(res, 422, { detail: [{ loc: ['body'], msg: 'Request body is not valid JSON', type: 'json_invalid' }] });
      }
      if (typeof type !== 'string' || !(CONSUMED_EVENT_TYPES as readonly string[]).includes(type)) {
        const msg = `must be one of: ${CONSUMED_EVENT_TYPES.join(', ')}`;
        return sendJson(res, 422, { detail: [{ loc: ['body', 'type'], msg: type === undefined ? 'Field required' : msg, type: type === undefined ? 'missing' : 'value_error' }] });
      }
      bus.inject(type, body);
      sendJson(res, 202, { accepted: true, routingKey: type });
    });
  };
}
