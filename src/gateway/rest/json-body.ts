import type { IncomingMessage } from 'node:http';
import { HttpError, readBody } from '../../platform/http/graphql-http.js';
import { GATEWAY_MAX_BODY_BYTES } from '../gateway-options.js';
import { badRequest, type RestAnswer, validationFailed } from './rest-errors.js';

/**
 * The body of a REST-style request (the shim's routes, `/auth/login`) as a JSON object; undefined when empty and
 * allowed to be. Refusals come in the shim's order and shape: 413 too large, 422 not JSON or missing, 415 not
 * `application/json`, 422 not an object.
 */
export async function readJsonObject(req: IncomingMessage, optional: boolean, maxBytes = GATEWAY_MAX_BODY_BYTES): Promise<{ value: Record<string, unknown> | undefined } | { refusal: RestAnswer }> {
  const isJson = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(req.headers['content-type'] ?? '');
  let raw: unknown;
  try {
    raw = await readBody(req, maxBytes);
  } catch (error) {
    if (error instanceof HttpError && error.status === 413) return { refusal: badRequest(413, error.message) };
    return { refusal: validationFailed([{ loc: ['body'], msg: 'Request body is not valid JSON', type: 'json_invalid' }]) };
  }
  if (raw === undefined) {
    if (optional) return { value: undefined };
    return { refusal: validationFailed([{ loc: ['body'], msg: 'Field required', type: 'missing' }]) };
  }
  if (!isJson) return { refusal: badRequest(415, 'Content-Type must be application/json') };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { refusal: validationFailed([{ loc: ['body'], msg: 'must be a JSON object', type: 'model_attributes_type' }]) };
  }
  return { value: raw as Record<string, unknown> };
}
