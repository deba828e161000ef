import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { BadUserInputError } from '../../platform/errors/planning-error.js';
import { canonicalJson } from '../../platform/json/canonical-json.js';

/** What a keyset cursor holds: the sort key value of the row, its id, and the fingerprint of the list it came from. */
export interface CursorPayload {
  /** Sort key value (ISO date, number or string); an array of them when the order has several columns. */
  k: string | number | Array<string | number>;
  id: string;
  /** Fingerprint of org + filter + order: a cursor only works for the list that produced it. */
  f: string;
}

/** Fingerprint of a list definition (org, filter, order), so a cursor cannot be replayed against another list. */
export function listFingerprint(parts: unknown): string {
  return createHash('sha256').update(canonicalJson(parts)).digest('base64url').slice(0, 16);
}

export { canonicalJson, sortedKeysJson } from '../../platform/json/canonical-json.js';

/**
 * Opaque, tamper-evident keyset cursors: base64url(JSON) + '.' + HMAC. Any change to a cursor is detected and
 * answered with BAD_USER_INPUT naming the argument.
 */
export class CursorCodec {
  constructor(private readonly secret: string) {}

  encode(payload: CursorPayload): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  decode(cursor: string, expectedFingerprint: string, argument: string): CursorPayload {
    const invalid = () => BadUserInputError.of(argument, 'is not a valid cursor for this list');
    const [body, signature, extra] = cursor.split('.');
    if (!body || !signature || extra !== undefined || cursor.length > 1024) throw invalid();
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
    let payload: CursorPayload;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as CursorPayload;
    } catch {
      throw invalid();
    }
    if (payload.f !== expectedFingerprint) {
      throw BadUserInputError.of(argument, 'cursor belongs to another filter, order or org');
    }
    return payload;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url').slice(0, 22);
  }
}
