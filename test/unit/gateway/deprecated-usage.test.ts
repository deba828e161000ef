import { Kind, type OperationDefinitionNode, parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { deprecatedMembersOf, DeprecatedUsageIndex } from '../../../src/gateway/deprecations/deprecated-usage.js';
import { apiSchemaOf } from '../../../src/platform/federation/api-schema.js';
import { supergraphWithDeprecations, TEST_DEPRECATIONS } from '../../testkit/deprecated-supergraph.js';

describe('DeprecatedUsageIndex', () => {
  let index: DeprecatedUsageIndex;
  let schema: ReturnType<typeof apiSchemaOf>;
  const usagesOf = (text: string, name?: string) => {
    const document = parse(text);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!name || d.name?.value === name))!;
    return index.usagesOf(document, operation);
  };

  beforeAll(async () => {
    schema = apiSchemaOf(await supergraphWithDeprecations());
    index = new DeprecatedUsageIndex(schema);
  });

  it('then the schema lists its four deprecated members by coordinate', () => {
    expect(deprecatedMembersOf(schema)).toEqual(Object.values(TEST_DEPRECATIONS).sort());
  });

  it('when a document holds several operations, then each counts only what it and its fragments use', () => {
    const text = `query A { tasks(last: 1) { edges { node { ...F } } } }
      query B { tasks(first: 1) { totalCount } }
      mutation C { updateTask(id: "1", input: { assigneeId: "u" }) { id } }
      fragment F on Task { ...G }
      fragment G on Task { subtaskIds }`;
    expect(usagesOf(text, 'A')).toEqual([TEST_DEPRECATIONS.argument, TEST_DEPRECATIONS.field]);
    expect(usagesOf(text, 'B')).toEqual([]);
    expect(usagesOf(text, 'C')).toEqual([TEST_DEPRECATIONS.inputField]);
  });

  it('when an enum value is written inside an input object, then it is counted; a directive argument is never taken for the field\'s', () => {
    expect(usagesOf('{ tasks(orderBy: { field: POSITION, direction: ASC }) { totalCount @include(if: true) } }')).toEqual([TEST_DEPRECATIONS.enumValue]);
  });

  it('when the same parsed operation comes again, then its answer is the one computed first', () => {
    const document = parse('{ tasks(last: 2) { totalCount } }');
    const operation = document.definitions[0] as OperationDefinitionNode;
    expect(index.usagesOf(document, operation)).toBe(index.usagesOf(document, operation));
  });
});
