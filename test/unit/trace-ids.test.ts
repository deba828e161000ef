import { describe, expect, it } from 'vitest';
import { formatTraceparent, newSpanId, newTraceId, parseTraceparent } from '../../src/platform/telemetry/trace-context.js';

describe('trace and span ids', () => {
  it('when 10,000 of each are drawn (many refills of the random pool), then each is well-formed hex and none repeats', () => {
    const traces = Array.from({ length: 10_000 }, newTraceId);
    const spans = Array.from({ length: 10_000 }, newSpanId);
    for (const id of traces) expect(id).toMatch(/^[0-9a-f]{32}$/);
    for (const id of spans) expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(traces).size).toBe(traces.length);
    expect(new Set(spans).size).toBe(spans.length);
    // Consecutive ids do not overlap: an id is not a slice of its neighbour's bytes.
    expect(traces[1]!.startsWith(traces[0]!.slice(16))).toBe(false);
  });

  it('when ids are made into a traceparent, then the header parses back to the same ids', () => {
    const context = { traceId: newTraceId(), spanId: newSpanId(), flags: '01' };
    expect(parseTraceparent(formatTraceparent(context))).toEqual({ traceId: context.traceId, parentSpanId: context.spanId, flags: '01' });
  });
});
