import { beforeEach, describe, expect, it } from 'vitest';
import { parseTraceparent } from '../../../src/platform/telemetry/trace-context.js';
import type { CapturedLogs } from '../../testkit/captured-logs.js';
import type { EventHarness } from '../../testkit/event-harness.js';
import { usePlatformWithWorker } from '../../testkit/event-suite.js';
import type { TestPlatform } from '../../testkit/platform-app.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

describe('W3C traceparent from gateway to subgraphs and events', () => {
  const suite = usePlatformWithWorker();
  let harness: EventHarness;
  let platform: TestPlatform;
  let logs: CapturedLogs;
  beforeEach(() => ({ harness, platform, logs } = suite()));

  const createTaskWithCallbacks = async (headers: Record<string, string>) => {
    const token = await platform.mintToken();
    const seenBefore = platform.comms.seenTraceparents.length;
    const created = await platform.gql(token, 'mutation { createTask(input: {title: "traced"}) { id callbacks { id } } }', undefined, headers);
    expect(created.status).toBe(200);
    const taskId: string = created.body.data.createTask.id;
    await harness.waitForObserved((messages) => messages.some((m) => m.body.data?.task_id === taskId));
    return {
      requestId: created.headers.get('x-request-id')!,
      commsTraceparents: platform.comms.seenTraceparents.slice(seenBefore),
      event: harness.observed.find((m) => m.body.data?.task_id === taskId)!,
    };
  };

  it('when a client sends a traceparent, then the subgraph fetch and the published event carry the same trace id, as children of the gateway', async () => {
    const { commsTraceparents, event } = await createTaskWithCallbacks({ traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-01` });

    expect(commsTraceparents).toHaveLength(1);
    const atComms = parseTraceparent(commsTraceparents[0]);
    expect(atComms).toMatchObject({ traceId: TRACE_ID, flags: '01' });
    // The gateway is a hop of its own: its span, not the client's, is the subgraph's parent.
    expect(atComms!.parentSpanId).not.toBe(CLIENT_SPAN);
    const inEvent = parseTraceparent(event.headers.traceparent as string);
    expect(inEvent?.traceId).toBe(TRACE_ID);
  });

  it('when a client sends no traceparent, then the gateway starts a trace whose id reaches the subgraph, the event and both request lines', async () => {
    const { requestId, commsTraceparents, event } = await createTaskWithCallbacks({});

    const started = parseTraceparent(commsTraceparents[0]);
    expect(started?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(parseTraceparent(event.headers.traceparent as string)?.traceId).toBe(started!.traceId);
    const gatewayLine = await logs.waitFor((r) => r.component === 'gateway' && r.requestId === requestId, 'the gateway line');
    expect(gatewayLine.traceId).toBe(started!.traceId);
    const subgraphLine = await logs.waitFor((r) => r.component === 'planning' && r.requestId === requestId, 'the subgraph line');
    expect(subgraphLine.traceId).toBe(started!.traceId);
  });

  it('when a client sends a malformed traceparent, then it is not forwarded and a new trace starts', async () => {
    const malformed = `00-${'0'.repeat(32)}-${CLIENT_SPAN}-01`;
    const { commsTraceparents, event } = await createTaskWithCallbacks({ traceparent: malformed });

    const forwarded = parseTraceparent(commsTraceparents[0]);
    expect(forwarded).toBeDefined();
    expect(forwarded!.traceId).not.toBe('0'.repeat(32));
    expect(event.headers.traceparent).not.toBe(malformed);
    expect(parseTraceparent(event.headers.traceparent as string)?.traceId).toBe(forwarded!.traceId);
  });
});
