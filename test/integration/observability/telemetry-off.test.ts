import { propagation, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.js';
import { startTelemetry } from '../../../src/platform/telemetry/telemetry.js';

describe('OpenTelemetry is off unless an exporter endpoint is configured', () => {
  it('when OTEL_EXPORTER_OTLP_ENDPOINT is not set, then startTelemetry returns a no-op handle and registers no tracer or propagator', async () => {
    const config = loadConfig({});
    expect(config.otelExporterEndpoint).toBeUndefined();

    const telemetry = await startTelemetry({ endpoint: config.otelExporterEndpoint, serviceName: 'test' });

    expect(telemetry.enabled).toBe(false);
    const span = trace.getTracer('probe').startSpan('probe');
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext().traceId).toBe('0'.repeat(32));
    span.end();
    expect(propagation.fields()).toEqual([]);
    await expect(telemetry.shutdown()).resolves.toBeUndefined();
  });

  it('when OTEL_EXPORTER_OTLP_ENDPOINT is not a URL, then the configuration names it', () => {
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });
});
