import { type FragmentDefinitionNode, type OperationDefinitionNode, type FieldNode, Kind, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { connectionNodeFields } from '../../src/modules/common/selection.js';

/** The resolve info of the first root field of `source`, as graphql-js hands it to that field's resolver. */
function infoOf(source: string) {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  return { fieldNodes: [operation.selectionSet.selections[0] as FieldNode], fragments };
}

describe('connectionNodeFields', () => {
  it('when fields are selected directly, through aliases, inline fragments and nested named fragments, then each is named once', () => {
    const info = infoOf(`{
      tasks(first: 5) {
        totalCount
        edges { cursor node { id t: title ... on Task { project { name } } ...A } }
      }
    }
    fragment A on Task { subtaskCount ...B }
    fragment B on Task { tags ...A }`);
    expect([...connectionNodeFields(info)].sort()).toEqual(['id', 'project', 'subtaskCount', 'tags', 'title']);
  });

  it('when edges or node come through fragments, then the fields under them still count', () => {
    const info = infoOf(`{ tasks { ...Page } } fragment Page on TaskConnection { edges { ... on TaskEdge { node { subtaskCount } } } }`);
    expect([...connectionNodeFields(info)]).toEqual(['subtaskCount']);
  });

  it('when a field is under @skip or @include, then it counts (the set may say more, never less)', () => {
    const info = infoOf(`query($no: Boolean!) { tasks { edges { node { id project @include(if: $no) { name } } } } }`);
    expect([...connectionNodeFields(info)].sort()).toEqual(['id', 'project']);
  });

  it('when the query selects no nodes, or a field only outside the nodes, then the set is empty of it', () => {
    expect([...connectionNodeFields(infoOf('{ tasks { totalCount pageInfo { hasNextPage } } }'))]).toEqual([]);
    expect(connectionNodeFields(infoOf('{ tasks { edges { cursor } project: totalCount } }')).has('project')).toBe(false);
  });
});
