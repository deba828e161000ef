import { type FragmentDefinitionNode, type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';

/**
 * Names of the fields a query selects on the nodes of the connection being resolved (`edges { node { … } }`),
 * through inline fragments and fragment spreads, under any alias. `@skip`/`@include` are not evaluated: a field they
 * leave out still counts, so the set may name more fields than the response will hold, never fewer.
 *
 * @example
 * // tasks(first: 20) { edges { node { id project { name } ...Counts } } } fragment Counts on Task { subtaskCount }
 * connectionNodeFields(info) // Set { 'id', 'project', 'subtaskCount' }
 */
export function connectionNodeFields(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): Set<string> {
  let sets = info.fieldNodes.flatMap((field) => (field.selectionSet ? [field.selectionSet] : []));
  for (const name of ['edges', 'node']) sets = childSelections(sets, name, info.fragments);
  const names = new Set<string>();
  for (const set of sets) forEachField(set, info.fragments, (field) => names.add(field.name.value));
  return names;
}

/**
 * Names of the fields a query selects on the object being resolved, through fragments, under any alias (`@skip` and
 * `@include` not evaluated, as in {@link connectionNodeFields}).
 *
 * @example
 * // task(id: $id) { parent { id } }, resolving `parent`
 * selectedFields(info) // Set { 'id' }
 */
export function selectedFields(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): Set<string> {
  const names = new Set<string>();
  for (const field of info.fieldNodes) if (field.selectionSet) forEachField(field.selectionSet, info.fragments, (child) => names.add(child.name.value));
  return names;
}

/** The selection sets of the fields called `name` within `sets`. */
function childSelections(sets: SelectionSetNode[], name: string, fragments: Record<string, FragmentDefinitionNode>): SelectionSetNode[] {
  const children: SelectionSetNode[] = [];
  for (const set of sets) {
    forEachField(set, fragments, (field) => {
      if (field.name.value === name && field.selectionSet) children.push(field.selectionSet);
    });
  }
  return children;
}

function forEachField(
  set: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  visit: (field: Extract<SelectionSetNode['selections'][number], { kind: Kind.FIELD }>) => void,
  spread = new Set<string>(),
): void {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) visit(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) forEachField(selection.selectionSet, fragments, visit, spread);
    else if (!spread.has(selection.name.value)) {
      // Each named fragment once per walk: a valid document has no cycles, and a repeated spread adds nothing.
      spread.add(selection.name.value);
      const fragment = fragments[selection.name.value];
      if (fragment) forEachField(fragment.selectionSet, fragments, visit, spread);
    }
  }
}
