import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/** Rows a cost unit pays for: a page of 20 rows costs 1. */
export const ROWS_PER_UNIT = 20;
/** Page size assumed for a connection asked without `first`/`last` and without a default in the schema. */
const DEFAULT_PAGE = 20;
/** Items assumed for a list of objects whose size no argument or default bounds (another module's list field). */
export const DEFAULT_LIST_SIZE = 20;
/** Bulk inputs a cost unit pays for. */
const INPUTS_PER_UNIT = 10;

/** More than any budget: a cost this high exhausts a budget at once. */
export const MAX_OPERATION_COST = 1_000_000;

/**
 * The rate-limit cost of an operation, so that requests which fan out pay for what they may read:
 * - every root field costs 1, and every alias of it counts again;
 * - every list of objects adds one unit per 20 rows it may return, **multiplied by every list it is nested in**:
 *   `tasks(first: 100) { edges { node { subtasks(first: 50) { id } } } }` may return 100 + 100 x 50 rows, 1 + 255
 *   units. A connection's size is its `first`/`last`; another list's is its own `first` argument, else the
 *   argument's default in the schema, else {@link DEFAULT_LIST_SIZE}. A size comes from the literal, the variable's
 *   value, or the variable's default, in that order. Lists of scalars are part of their row and add nothing.
 * - list arguments named `inputs` (bulk mutations) add one unit per 10 items.
 * A document with several operations is charged for the named one, or for the largest. The minimum is 1, the
 * maximum {@link MAX_OPERATION_COST}: an absurd size (`first: 10^23`, nesting a million-fold) is refused by the
 * budget like any other too-large cost instead of giving the budget store a number it cannot count.
 *
 * Fragments are priced as if inlined, each one once per position (cost is linear in the rows above it), so a
 * document spreading fragments exponentially costs the cap without being expanded.
 */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> = {}, operationName?: string): number {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const named = operationName ? operations.filter((o) => o.name?.value === operationName) : [];
  let maximum = 1;
  for (const operation of named.length > 0 ? named : operations) {
    const walk: CostWalk = {
      schema,
      values: variableValues(operation, variables),
      fragments: new Map(
        document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
      ),
      fragmentCosts: new Map(),
      expanding: new Set(),
    };
    const rootType = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
    maximum = Math.max(maximum, selectionCost(operation.selectionSet, rootType ?? undefined, walk, { root: true }));
  }
  return Number.isFinite(maximum) ? Math.min(Math.ceil(maximum), MAX_OPERATION_COST) : MAX_OPERATION_COST;
}

interface CostWalk {
  schema: GraphQLSchema;
  /** The operation's variables: the request's values over the definitions' defaults. */
  values: Map<string, unknown>;
  fragments: Map<string, FragmentDefinitionNode>;
  /** Cost per fragment and position, for one row above it (see {@link selectionCost}). */
  fragmentCosts: Map<string, number>;
  /** Fragments being walked: a spread cycle (which validation rejects later) adds nothing instead of looping. */
  expanding: Set<string>;
}

/** Where a selection set sits: at the root (its fields cost 1 each), or inside a connection of `page` rows. */
interface Position {
  root: boolean;
  page?: number;
}

function variableValues(operation: OperationDefinitionNode, variables: Record<string, unknown>): Map<string, unknown> {
  const values = new Map<string, unknown>();
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const sent = Object.hasOwn(variables, name) ? variables[name] : undefined;
    values.set(name, sent ?? (definition.defaultValue ? literalValue(definition.defaultValue) : undefined));
  }
  return values;
}

/** The plain value of a literal: numbers and lists are what the cost reads. */
function literalValue(value: ValueNode): unknown {
  if (value.kind === Kind.INT || value.kind === Kind.FLOAT) return Number(value.value);
  if (value.kind === Kind.LIST) return value.values;
  return undefined;
}

function argumentValue(value: ValueNode | undefined, walk: CostWalk): unknown {
  if (!value) return undefined;
  if (value.kind === Kind.VARIABLE) return walk.values.get(value.name.value);
  return literalValue(value);
}

const asCount = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? Math.max(0, value) : undefined);

/** The size a list field may have: its `first`/`last` argument as sent, else that argument's schema default. */
function listSize(args: Map<string, ValueNode>, field: GraphQLField<unknown, unknown>, walk: CostWalk, fallback: number): number {
  for (const name of ['first', 'last']) {
    const sent = asCount(argumentValue(args.get(name), walk));
    if (sent !== undefined) return sent;
  }
  for (const name of ['first', 'last']) {
    const declared = asCount(field.args.find((a) => a.name === name)?.defaultValue);
    if (declared !== undefined) return declared;
  }
  return fallback;
}

function fragmentCost(name: string, walk: CostWalk, position: Position): number {
  const key = `${position.root ? 'root' : 'nested'}:${position.page ?? ''}:${name}`;
  const known = walk.fragmentCosts.get(key);
  if (known !== undefined) return known;
  const fragment = walk.fragments.get(name);
  if (!fragment || walk.expanding.has(key)) return 0;
  walk.expanding.add(key);
  const cost = selectionCost(fragment.selectionSet, walk.schema.getType(fragment.typeCondition.name.value) ?? undefined, walk, position);
  walk.expanding.delete(key);
  walk.fragmentCosts.set(key, cost);
  return cost;
}

const isConnection = (type: GraphQLNamedType | undefined): boolean => !!type && type.name.endsWith('Connection');

/** The cost of a selection set for one object of `parentType` (the caller multiplies by the objects it stands for). */
function selectionCost(selectionSet: SelectionSetNode, parentType: GraphQLNamedType | undefined, walk: CostWalk, position: Position): number {
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? walk.schema.getType(selection.typeCondition.name.value) ?? undefined : parentType;
      cost += selectionCost(selection.selectionSet, type, walk, position);
      continue;
    }
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      cost += fragmentCost(selection.name.value, walk, position);
      continue;
    }
    if (position.root) cost += 1;
    const args = new Map((selection.arguments ?? []).map((a) => [a.name.value, a.value]));
    const bulk = argumentValue(args.get('inputs'), walk);
    if (Array.isArray(bulk)) cost += bulk.length / INPUTS_PER_UNIT;
    const field = parentType && (isObjectType(parentType) || isInterfaceType(parentType)) ? parentType.getFields()[selection.name.value] : undefined;
    if (!field || !selection.selectionSet) continue;
    const type = getNamedType(field.type);
    if (!isCompositeType(type)) continue;
    const nested = { root: false };
    if (isConnection(type) && field.args.some((a) => a.name === 'first' || a.name === 'last')) {
      // A connection object is one; its rows are what `first`/`last` asks for, charged here once.
      const page = listSize(args, field, walk, DEFAULT_PAGE);
      cost += page / ROWS_PER_UNIT + selectionCost(selection.selectionSet, type, walk, { root: false, page });
    } else if (isListType(getNullableType(field.type))) {
      // `edges`/`nodes` of a connection are its rows, already charged; a bulk mutation's answer holds one item per
      // input, charged with them; any other list pays for its own rows.
      const inPage = isConnection(parentType) && position.page !== undefined;
      const size = inPage ? position.page! : Array.isArray(bulk) ? bulk.length : listSize(args, field, walk, DEFAULT_LIST_SIZE);
      if (!inPage && !Array.isArray(bulk)) cost += size / ROWS_PER_UNIT;
      if (size > 0) cost += size * selectionCost(selection.selectionSet, type, walk, nested);
    } else {
      cost += selectionCost(selection.selectionSet, type, walk, nested);
    }
  }
  return cost;
}

/** Characters of document text a cost unit pays for, on top of what the document asks for. */
export const DOCUMENT_CHARS_PER_UNIT = 10_000;

/**
 * What a document's size adds to its cost: a unit per 10,000 characters, so that a large document (a 250 KB
 * operation name, thousands of fields) pays like the work of parsing and checking it.
 */
export function documentSizeCost(query: string): number {
  return Math.floor(query.length / DOCUMENT_CHARS_PER_UNIT);
}
