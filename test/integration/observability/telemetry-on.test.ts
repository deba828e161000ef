import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { requestTraceOf } from '../../../src/platform/telemetry/request-trace.js';
import { startTelemetry } from '../../../src/platform/telemetry/telemetry.js';

describe('OpenTelemetry with an exporter endpoint', () => {
  it('when an endpoint is configured, then request spans join the incoming trace and are exported to <endpoint>/v1/traces', async () => {
    const received: Array<{ path: string | undefined; body: string }> = [];
    const collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    try {
      const telemetry = await startTelemetry({ endpoint, serviceName: 'focus-kraliki-test' });
      expect(telemetry.enabled).toBe(true);
      expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(true);

      const request = { method: 'POST', url: '/graphql', headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } } as unknown as IncomingMessage;
      const requestTrace = requestTraceOf(request);
      expect(requestTrace.context.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      expect(requestTrace.context.spanId).not.toBe('00f067aa0ba902b7');
      requestTrace.end(200);
      await telemetry.shutdown();

      const exported = received.filter((r) => r.path === '/v1/traces');
      expect(exported.length).toBeGreaterThan(0);
      expect(exported.map((r) => r.body).join('')).toContain(requestTrace.context.spanId);
    } finally {
      await new Promise((resolve) => collector.close(resolve));
    }
  });
});
