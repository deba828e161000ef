import type { Logger } from '../logging/logger.js';

/** What {@link startTelemetry} needs from the configuration. */
export interface TelemetryConfig {
  /** `OTEL_EXPORTER_OTLP_ENDPOINT`, the OTLP/HTTP base URL (traces go to `<endpoint>/v1/traces`); unset: off. */
  endpoint: string | undefined;
  serviceName: string;
}

/** A running (or disabled) OpenTelemetry SDK. */
export interface TelemetryHandle {
  enabled: boolean;
  /** Flushes pending spans and stops exporting. */
  shutdown(): Promise<void>;
}

const DISABLED: TelemetryHandle = { enabled: false, shutdown: async () => {} };

/**
 * Starts the OpenTelemetry Node SDK exporting traces over OTLP/HTTP, only when an endpoint is configured; otherwise
 * returns a no-op handle and registers nothing (the SDK is not even loaded). Metrics stay with Prometheus and logs
 * with pino, so the SDK's own metric and log pipelines are left off.
 *
 * @example
 * const telemetry = await startTelemetry({ endpoint: config.otelExporterEndpoint, serviceName: 'focus-kraliki' }, logger);
 * // ... on shutdown
 * await telemetry.shutdown();
 */
export async function startTelemetry(config: TelemetryConfig, logger?: Logger): Promise<TelemetryHandle> {
  if (!config.endpoint) return DISABLED;
  const [{ NodeSDK }, { OTLPTraceExporter }] = await Promise.all([import('@opentelemetry/sdk-node'), import('@opentelemetry/exporter-trace-otlp-http')]);
  const url = `${config.endpoint.replace(/\/+$/, '')}/v1/traces`;
  const sdk = new NodeSDK({
    serviceName: config.serviceName,
    traceExporter: new OTLPTraceExporter({ url }),
    metricReaders: [],
    logRecordProcessors: [],
    // No instrumentation package is installed; request spans are made by the HTTP servers (request-trace.ts).
    instrumentations: [],
  });
  sdk.start();
  logger?.info({ exporter: url, serviceName: config.serviceName }, 'OpenTelemetry tracing on (OTLP/HTTP)');
  return { enabled: true, shutdown: () => sdk.shutdown() };
}
