import type { IncomingMessage } from 'node:http';
import { isSpanContextValid, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { newSpanId, newTraceId, parseTraceparent, type TraceContext } from './trace-context.js';

/** The trace of one HTTP request served here: its context (for logs and outgoing `traceparent`) and its span. */
export interface RequestTrace {
  context: TraceContext;
  /** Ends the request's span (a no-op while telemetry is off). */
  end(status: number): void;
}

const traces = new WeakMap<IncomingMessage, RequestTrace>();

/**
 * The request's trace, started once per request: a child of a well-formed incoming `traceparent`, else a new trace.
 * While the OpenTelemetry SDK runs (see `startTelemetry`) this is a recorded server span; otherwise the ids are
 * still made and propagated, so traces stay joined across hops even with telemetry off.
 */
export function requestTraceOf(req: IncomingMessage, spanName = `${req.method ?? 'GET'} ${new URL(req.url ?? '/', 'http://localhost').pathname}`): RequestTrace {
  const known = traces.get(req);
  if (known) return known;
  const parent = parseTraceparent(req.headers.traceparent);
  const parentContext = parent
    ? trace.setSpanContext(ROOT_CONTEXT, {
        traceId: parent.traceId,
        spanId: parent.parentSpanId,
        traceFlags: Number.parseInt(parent.flags, 16) & TraceFlags.SAMPLED,
        isRemote: true,
      })
    : ROOT_CONTEXT;
  const span = trace.getTracer('focus-kraliki').startSpan(spanName, { kind: SpanKind.SERVER }, parentContext);
  const recorded = span.spanContext();
  const context: TraceContext =
    span.isRecording() && isSpanContextValid(recorded)
      ? { traceId: recorded.traceId, spanId: recorded.spanId, flags: recorded.traceFlags & TraceFlags.SAMPLED ? '01' : '00' }
      : { traceId: parent?.traceId ?? newTraceId(), spanId: newSpanId(), flags: parent?.flags ?? '01' };
  const requestTrace: RequestTrace = {
    context,
    end(status) {
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
  traces.set(req, requestTrace);
  return requestTrace;
}
