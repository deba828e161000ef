import { z } from 'zod';
import { flowMemoryEventSchemas } from '../modules/flow-memory/flow-memory.events.js';
import { projectEventSchemas } from '../modules/projects/project.events.js';
import { shadowEventSchemas } from '../modules/shadow/shadow.events.js';
import { taskEventSchemas } from '../modules/tasks/task.events.js';
import { outgoingEnvelopeSchema } from '../platform/outbox/envelope.js';
import { callEndedDataSchema } from './call-ended.handler.js';
import { EVENT_DESCRIPTIONS, EVENTS_INTRO, CONSUMED_NOTE, PUBLISHED_NOTE } from './event-descriptions.js';
import { EVENT_EXAMPLES } from './event-examples.js';
import { inboundEnvelopeSchema } from './inbound-envelope.js';
import { workflowSuggestedDataSchema } from './workflow-suggested.handler.js';

type JsonObject = Record<string, any>;

/** One event of the contract: its type (= routing key), its `data` schema and the file that defines it. */
interface EventDefinition {
  type: string;
  direction: 'published' | 'consumed';
  data: z.ZodType;
  sourceFile: string;
}

const published = (schemas: Record<string, z.ZodType>, sourceFile: string): EventDefinition[] =>
  Object.entries(schemas).map(([type, data]) => ({ type, direction: 'published', data, sourceFile }));

/** Every event planning publishes and consumes, with the zod schema the code validates it with. */
export const EVENT_DEFINITIONS: EventDefinition[] = [
  ...published(taskEventSchemas, 'src/modules/tasks/task.events.ts'),
  ...published(projectEventSchemas, 'src/modules/projects/project.events.ts'),
  ...published(shadowEventSchemas, 'src/modules/shadow/shadow.events.ts'),
  ...published(flowMemoryEventSchemas, 'src/modules/flow-memory/flow-memory.events.ts'),
  { type: 'comms.call.ended', direction: 'consumed', data: callEndedDataSchema, sourceFile: 'src/consumers/call-ended.handler.ts' },
  { type: 'agents.workflow.suggested', direction: 'consumed', data: workflowSuggestedDataSchema, sourceFile: 'src/consumers/workflow-suggested.handler.ts' },
];

/**
 * A zod schema as JSON Schema draft-07 (AsyncAPI's default schema format): published events as the code writes
 * them (`output`), consumed ones as the code accepts them (`input`).
 */
function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-7' }) as JsonObject;
  return json;
}

function payloadOf(event: EventDefinition): JsonObject {
  const io = event.direction === 'published' ? 'output' : 'input';
  const envelope = jsonSchemaOf(event.direction === 'published' ? outgoingEnvelopeSchema : inboundEnvelopeSchema, io);
  const type = { type: 'string', const: event.type };
  return { ...envelope, properties: { ...envelope.properties, type, data: jsonSchemaOf(event.data, io) } };
}

const EXCHANGE = { name: 'platform.events', type: 'topic', durable: true, autoDelete: false, vhost: '/' };
const operationName = (event: EventDefinition) =>
  `${event.direction === 'published' ? 'publish' : 'consume'}.${event.type}`;

/**
 * The AsyncAPI 3.0 document of every event planning publishes and consumes (contracts/asyncapi.json): one channel
 * per routing key on the `platform.events` exchange, one message per event with its payload (the envelope with the
 * event's `data`) converted from the zod schemas the code validates with, and examples from the seed's flows.
 *
 * @example
 * const doc = buildEventContract('0.1.0');
 * doc.channels['planning.task.created'].address; // 'planning.task.created'
 */
export function buildEventContract(version: string): JsonObject {
  const channels: JsonObject = {};
  const operations: JsonObject = {};
  const messages: JsonObject = {};
  for (const event of EVENT_DEFINITIONS) {
    messages[event.type] = {
      name: event.type,
      title: event.type,
      summary: `${event.direction === 'published' ? 'Published' : 'Consumed'} by planning.`,
      description: EVENT_DESCRIPTIONS[event.type],
      contentType: 'application/json',
      payload: payloadOf(event),
      ...(EVENT_EXAMPLES[event.type] ? { examples: EVENT_EXAMPLES[event.type] } : {}),
      bindings: { amqp: { messageType: event.type, bindingVersion: '0.3.0' } },
      'x-direction': event.direction,
      'x-source-file': event.sourceFile,
    };
    channels[event.type] = {
      address: event.type,
      messages: { [event.type]: { $ref: `#/components/messages/${event.type}` } },
      bindings: { amqp: { is: 'routingKey', exchange: EXCHANGE, bindingVersion: '0.3.0' } },
    };
    operations[operationName(event)] = {
      action: event.direction === 'published' ? 'send' : 'receive',
      channel: { $ref: `#/channels/${event.type}` },
      messages: [{ $ref: `#/channels/${event.type}/messages/${event.type}` }],
      ...(event.direction === 'consumed' ? { description: 'From the quorum queue `planning.events`.', bindings: { amqp: { ack: true, bindingVersion: '0.3.0' } } } : {}),
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Planning events',
      version,
      description: EVENTS_INTRO,
      tags: [
        { name: 'published', description: PUBLISHED_NOTE },
        { name: 'consumed', description: CONSUMED_NOTE },
      ],
    },
    defaultContentType: 'application/json',
    servers: { rabbitmq: { host: 'rabbitmq:5672', protocol: 'amqp', protocolVersion: '0.9.1', description: 'The platform broker (RABBITMQ_URL).' } },
    channels,
    operations,
    components: {
      schemas: { envelope: jsonSchemaOf(outgoingEnvelopeSchema, 'output'), inboundEnvelope: jsonSchemaOf(inboundEnvelopeSchema, 'input') },
      messages,
    },
  };
}
