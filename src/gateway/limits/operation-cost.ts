import { type DocumentNode, type FragmentDefinitionNode, Kind, type SelectionSetNode, type ValueNode } from 'graphql';

/** Page size assumed for a list field without `first`/`last`. */
const DEFAULT_PAGE = 20;

const argumentNumber = (value: ValueNode | undefined, variables: Record<string, unknown>): number | undefined => {
  if (!value) return undefined;
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const v = variables[value.name.value];
    return typeof v === 'number' ? v : undefined;
  }
  return undefined;
};

const argumentListLength = (value: ValueNode | undefined, variables: Record<string, unknown>): number => {
  if (!value) return 0;
  if (value.kind === Kind.LIST) return value.values.length;
  if (value.kind === Kind.VARIABLE) {
    const v = variables[value.name.value];
    return Array.isArray(v) ? v.length : 0;
  }
  return 0;
};

/** More than any budget: a cost this high exhausts a budget at once. */
export const MAX_OPERATION_COST = 1_000_000;

/**
 * The rate-limit cost of an operation, so that requests which fan out pay for it:
 * - every root field costs 1, and every alias of it counts again;
 * - every paginated field (`first`/`last`) at any depth adds one unit per 20 rows asked for;
 * - list arguments named `inputs` (bulk mutations) add one unit per 10 items.
 * A document with several operations is charged for the largest. The minimum is 1, the maximum
 * {@link MAX_OPERATION_COST}: an absurd page size (`first: 10^23`) is refused by the budget like any other too-large
 * cost, instead of giving the budget store a number it cannot count.
 */
export function operationCost(document: DocumentNode, variables: Record<string, unknown> = {}): number {
  const walk: CostWalk = {
    variables,
    fragments: new Map(
      document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
    ),
    fragmentCosts: new Map(),
    expanding: new Set(),
  };
  let maximum = 1;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    maximum = Math.max(maximum, selectionCost(definition.selectionSet, walk, true));
  }
  return Math.min(maximum, MAX_OPERATION_COST);
}

interface CostWalk {
  variables: Record<string, unknown>;
  fragments: Map<string, FragmentDefinitionNode>;
  /** Cost per fragment and position (`root:` / `nested:`), so a fragment spread many times is walked once. */
  fragmentCosts: Map<string, number>;
  /** Fragments being walked: a spread cycle (which validation rejects later) adds nothing instead of looping. */
  expanding: Set<string>;
}

function fragmentCost(name: string, walk: CostWalk, root: boolean): number {
  const key = `${root ? 'root' : 'nested'}:${name}`;
  const known = walk.fragmentCosts.get(key);
  if (known !== undefined) return known;
  const fragment = walk.fragments.get(name);
  if (!fragment || walk.expanding.has(key)) return 0;
  walk.expanding.add(key);
  const cost = selectionCost(fragment.selectionSet, walk, root);
  walk.expanding.delete(key);
  walk.fragmentCosts.set(key, cost);
  return cost;
}

function selectionCost(selectionSet: SelectionSetNode, walk: CostWalk, root: boolean): number {
  const { variables } = walk;
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) {
      // Fragments, inline or named, are charged as if inlined, so that they cannot hide a fan-out.
      if (selection.kind === Kind.INLINE_FRAGMENT) cost += selectionCost(selection.selectionSet, walk, root);
      else cost += fragmentCost(selection.name.value, walk, root);
      continue;
    }
    if (root) cost += 1;
    const args = new Map((selection.arguments ?? []).map((a) => [a.name.value, a.value]));
    const page = argumentNumber(args.get('first'), variables) ?? argumentNumber(args.get('last'), variables);
    if (page !== undefined || args.has('first') || args.has('last')) cost += Math.ceil(Math.max(page ?? DEFAULT_PAGE, 1) / DEFAULT_PAGE);
    const bulk = argumentListLength(args.get('inputs'), variables);
    if (bulk > 0) cost += Math.ceil(bulk / 10);
    if (selection.selectionSet) cost += selectionCost(selection.selectionSet, walk, false);
  }
  return cost;
}
