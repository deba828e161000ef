import { Parser } from '@asyncapi/parser';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { EVENT_DEFINITIONS, buildEventContract } from '../../src/consumers/event-contract.js';
import { EVENT_EXAMPLES } from '../../src/consumers/event-examples.js';
import { inboundEnvelopeSchema } from '../../src/consumers/inbound-envelope.js';
import { outgoingEnvelopeSchema } from '../../src/platform/outbox/envelope.js';

const ERROR = 0;

describe('the AsyncAPI document of the events', () => {
  it('when it is parsed by @asyncapi/parser, then it is a valid AsyncAPI 3.0 document with a channel and a message per event', async () => {
    const diagnostics = await new Parser().validate(buildEventContract('0.1.0') as never);
    expect(diagnostics.filter((d) => d.severity === ERROR).map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`)).toEqual([]);
    const { document } = await new Parser().parse(buildEventContract('0.1.0') as never);
    expect(document?.version()).toBe('3.0.0');
    expect(document?.channels().all().map((c) => c.address()).sort()).toEqual(EVENT_DEFINITIONS.map((e) => e.type).sort());
    expect(document?.operations().filterByReceive().map((o) => o.channels().all()[0].address()).sort()).toEqual(['agents.workflow.suggested', 'comms.call.ended']);
  });

  it('when a document is invalid, then the parser reports it (the test above can fail)', async () => {
    const broken = buildEventContract('0.1.0');
    broken.operations['publish.planning.task.created'].action = 'shout';
    const diagnostics = await new Parser().validate(broken as never);
    expect(diagnostics.some((d) => d.severity === ERROR)).toBe(true);
  });

  it('when the examples of the seed flows are checked, then each is an event the code would write or accept', () => {
    const byType = new Map(EVENT_DEFINITIONS.map((e) => [e.type, e]));
    expect(Object.keys(EVENT_EXAMPLES)).toEqual(expect.arrayContaining(['comms.call.ended', 'agents.workflow.suggested', 'planning.task.created', 'planning.task.completed']));
    for (const [type, examples] of Object.entries(EVENT_EXAMPLES)) {
      const event = byType.get(type)!;
      const envelope = event.direction === 'published' ? outgoingEnvelopeSchema : inboundEnvelopeSchema;
      for (const { payload } of examples) {
        expect(payload.type).toBe(type);
        envelope.parse(payload);
        event.data.parse(payload.data);
      }
    }
  });

  it('when the examples are compared with the embedding guide fixtures, then flows 1 and 2 are the same events', async () => {
    const guide = JSON.parse(await readFile(new URL('../fixtures/events/guide-call-ended-callback.json', import.meta.url), 'utf8'));
    expect(EVENT_EXAMPLES['comms.call.ended'][0].payload).toEqual(guide);
    const workflow = JSON.parse(await readFile(new URL('../fixtures/events/guide-workflow-suggested.json', import.meta.url), 'utf8'));
    expect(EVENT_EXAMPLES['agents.workflow.suggested'][0].payload).toEqual(workflow);
  });
});
