import { randomFillSync } from 'node:crypto';

/** One hop of a W3C trace: the trace id shared end to end, this hop's span id and the trace flags. */
export interface TraceContext {
  traceId: string;
  spanId: string;
  /** Two hex digits; `01` = sampled. */
  flags: string;
}

/** The parent a request came with (from its `traceparent`). */
export interface ParentTrace {
  traceId: string;
  parentSpanId: string;
  flags: string;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ALL_ZEROS = /^0+$/;

/**
 * Parses a W3C `traceparent` header; undefined when absent or malformed (a malformed one starts a new trace).
 *
 * @example
 * parseTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')?.traceId; // '0af7...319c'
 */
export function parseTraceparent(header: string | string[] | undefined): ParentTrace | undefined {
  if (typeof header !== 'string') return undefined;
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return undefined;
  const [, version, traceId, parentSpanId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (ALL_ZEROS.test(traceId) || ALL_ZEROS.test(parentSpanId)) return undefined;
  return { traceId, parentSpanId, flags };
}

/**
 * Random bytes for ids, drawn 4 KiB at a time: one `randomBytes` call per id cost the gateway about 2 % of its CPU
 * per request in the cached bench (S2c), drawing from a pool costs next to nothing (as `randomUUID` does).
 */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomHex(bytes: number): string {
  for (;;) {
    if (poolOffset + bytes > pool.length) {
      randomFillSync(pool);
      poolOffset = 0;
    }
    const hex = pool.toString('hex', poolOffset, (poolOffset += bytes));
    // All zeros is not a valid W3C trace or span id.
    if (!ALL_ZEROS.test(hex)) return hex;
  }
}

/** A new span id (8 random bytes, hex). */
export function newSpanId(): string {
  return randomHex(8);
}

/** A new trace id (16 random bytes, hex). */
export function newTraceId(): string {
  return randomHex(16);
}

/** The `traceparent` header naming `trace`'s span as the parent of the next hop. */
export function formatTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${trace.spanId}-${trace.flags}`;
}
