import { readFile } from 'node:fs/promises';
import { composeSupergraph } from '../../src/platform/federation/compose-supergraph.js';

/** What the test supergraph deprecates: members the planning subgraph really serves, deprecated here only. */
export const TEST_DEPRECATIONS = {
  field: 'Task.subtaskIds',
  argument: 'Query.tasks(last:)',
  enumValue: 'TaskOrderField.POSITION',
  inputField: 'UpdateTaskInput.assigneeId',
} as const;

function replaceOnce(sdl: string, from: string, to: string): string {
  if (!sdl.includes(from)) throw new Error(`test supergraph: "${from}" is no longer in schema/planning.graphql`);
  return sdl.replace(from, to);
}

/**
 * The committed subgraphs composed with four `@deprecated` directives added to the planning SDL (a field, an
 * argument, an enum value, an input field), so the gateway counts their use while the planning subgraph still
 * answers them. The product schema deprecates nothing yet.
 */
export async function supergraphWithDeprecations(): Promise<string> {
  let planning = await readFile(new URL('../../schema/planning.graphql', import.meta.url), 'utf8');
  planning = replaceOnce(planning, '  subtaskIds: [ID!]!\n', '  subtaskIds: [ID!]! @deprecated(reason: "Use subtasks { id }.")\n');
  planning = replaceOnce(
    planning,
    'type Query {\n  task(id: ID!): Task\n  "Default order: CREATED_AT DESC. Page size defaults to 20, at most 100."\n  tasks(\n    filter: TaskFilter\n    orderBy: TaskOrder\n    first: Int\n    after: String\n    last: Int\n',
    'type Query {\n  task(id: ID!): Task\n  "Default order: CREATED_AT DESC. Page size defaults to 20, at most 100."\n  tasks(\n    filter: TaskFilter\n    orderBy: TaskOrder\n    first: Int\n    after: String\n    last: Int @deprecated(reason: "Use first with the opposite order direction.")\n',
  );
  planning = replaceOnce(planning, '  POSITION\n', '  POSITION @deprecated(reason: "Order by CREATED_AT (test deprecation).")\n');
  planning = replaceOnce(planning, '  assigneeId: ID\n  "Replaces the metadata object."', '  assigneeId: ID @deprecated(reason: "Test deprecation.")\n  "Replaces the metadata object."');
  const comms = await readFile(new URL('../../schema/comms.graphql', import.meta.url), 'utf8');
  return composeSupergraph([
    { name: 'planning', url: 'http://127.0.0.1:4001/graphql', typeDefs: planning },
    { name: 'comms', url: 'http://127.0.0.1:4002/graphql', typeDefs: comms },
  ]);
}
