import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isObjectType,
  isInterfaceType,
  Kind,
  type OperationDefinitionNode,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';

/**
 * Every deprecated member of `schema` by its schema coordinate: `Type.field`, `Type.field(arg:)`, `Input.field`
 * and `Enum.VALUE`, sorted (what `contracts:usage` lists, so that a member nobody uses shows as 0).
 */
export function deprecatedMembersOf(schema: GraphQLSchema): string[] {
  const members: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (field.deprecationReason != null) members.push(`${type.name}.${field.name}`);
        for (const arg of field.args) if (arg.deprecationReason != null) members.push(`${type.name}.${field.name}(${arg.name}:)`);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) if (field.deprecationReason != null) members.push(`${type.name}.${field.name}`);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) if (value.deprecationReason != null) members.push(`${type.name}.${value.name}`);
    }
  }
  return members.sort();
}

/**
 * The deprecated members an operation uses, computed once per parsed operation: Apollo Server keeps one parsed
 * document per distinct query string, so its operation nodes serve as the cache key and a request only looks its
 * list up. Counted are the fields and arguments the operation or its fragments name, and the input fields and enum
 * values written in the document; what arrives in variables is not inspected (that would cost a walk per request).
 */
export class DeprecatedUsageIndex {
  private readonly byOperation = new WeakMap<OperationDefinitionNode, readonly string[]>();
  /** The members each fragment definition names, per parsed document. */
  private readonly byDocument = new WeakMap<DocumentNode, Map<string, DefinitionUsage>>();

  constructor(private readonly schema: GraphQLSchema) {}

  /** The deprecated members `operation` (of `document`) uses, each once, sorted; empty for most operations. */
  usagesOf(document: DocumentNode, operation: OperationDefinitionNode): readonly string[] {
    let usages = this.byOperation.get(operation);
    if (usages === undefined) {
      usages = this.compute(document, operation);
      this.byOperation.set(operation, usages);
    }
    return usages;
  }

  private compute(document: DocumentNode, operation: OperationDefinitionNode): readonly string[] {
    const fragments = this.fragmentUsagesOf(document);
    const found = new Set<string>();
    const own = usageOf(this.schema, operation);
    own.members.forEach((m) => found.add(m));
    const seen = new Set<string>();
    const pending = [...own.spreads];
    while (pending.length > 0) {
      const name = pending.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      const fragment = fragments.get(name);
      if (!fragment) continue;
      fragment.members.forEach((m) => found.add(m));
      pending.push(...fragment.spreads);
    }
    return [...found].sort();
  }

  private fragmentUsagesOf(document: DocumentNode): Map<string, DefinitionUsage> {
    let fragments = this.byDocument.get(document);
    if (!fragments) {
      fragments = new Map();
      for (const definition of document.definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, usageOf(this.schema, definition));
      }
      this.byDocument.set(document, fragments);
    }
    return fragments;
  }
}

interface DefinitionUsage {
  members: Set<string>;
  spreads: string[];
}

/** The deprecated members one definition names itself, and the fragments it spreads. */
function usageOf(schema: GraphQLSchema, definition: OperationDefinitionNode | FragmentDefinitionNode): DefinitionUsage {
  const members = new Set<string>();
  const spreads: string[] = [];
  const typeInfo = new TypeInfo(schema);
  visit(
    definition,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const field = typeInfo.getFieldDef();
        const parent = typeInfo.getParentType();
        if (field?.deprecationReason != null && parent) members.add(`${parent.name}.${field.name}`);
      },
      Argument() {
        const argument = typeInfo.getArgument();
        if (typeInfo.getDirective()) return;
        const field = typeInfo.getFieldDef();
        const parent = typeInfo.getParentType();
        if (argument?.deprecationReason != null && field && parent) members.add(`${parent.name}.${field.name}(${argument.name}:)`);
      },
      ObjectField(node) {
        const parent = typeInfo.getParentInputType();
        const input = parent && getNamedType(parent);
        const named = isInputObjectType(input) ? input.getFields()[node.name.value] : undefined;
        if (named?.deprecationReason != null && input) members.add(`${input.name}.${named.name}`);
      },
      EnumValue() {
        const value = typeInfo.getEnumValue();
        const type = typeInfo.getInputType();
        const named = type && getNamedType(type);
        if (value?.deprecationReason != null && named) members.add(`${named.name}.${value.name}`);
      },
      FragmentSpread(node) {
        spreads.push(node.name.value);
      },
    }),
  );
  return { members, spreads };
}
