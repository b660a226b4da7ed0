import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isCompositeType,
  isInterfaceType,
  isLeafType,
  isListType,
  isObjectType,
  Kind,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";
import { MAX_PAGE_SIZE } from "./common/pagination.ts";

/**
 * Validation rules that bound the work one operation can ask for. They are
 * plain graphql-js rules so that Apollo (HTTP) and graphql-ws run exactly the
 * same checks, before any resolver touches the database.
 *
 * Hand-written rather than graphql-depth-limit (unmaintained) or
 * graphql-query-complexity (its ESM build imports graphql's .mjs files, a
 * second copy of graphql next to the CJS one type-graphql and Apollo use,
 * and it needs variable values that validation rules do not have).
 */
export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
}

export const DEFAULT_LIMITS: OperationLimits = { maxDepth: 12, maxAliases: 30, maxCost: 5_000 };

/** Assumed length of lists that take no `first` argument (members, versions, nodeRuns…). */
const LIST_FACTOR = 10;

export function operationLimitRules(limits: OperationLimits = DEFAULT_LIMITS): ValidationRule[] {
  return [depthLimitRule(limits.maxDepth), aliasLimitRule(limits.maxAliases), costLimitRule(limits.maxCost)];
}

function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
}

/** Selection-set walker shared by depth and cost: fragments are costed once (memoised), cycles stop. */
function measure(
  context: ValidationContext,
  combine: (field: FieldNode, def: GraphQLField<unknown, unknown>, childValue: number) => number,
  aggregate: (values: number[]) => number,
): (type: GraphQLCompositeType, selectionSet: SelectionSetNode) => number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of context.getDocument().definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const memo = new Map<string, number>();
  const visiting = new Set<string>();
  const schema = context.getSchema();

  const walk = (type: GraphQLCompositeType, selectionSet: SelectionSetNode): number => {
    const values: number[] = [];
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        // Introspection is governed by the introspection switch, not by these limits.
        if (selection.name.value.startsWith("__")) continue;
        const def =
          isObjectType(type) || isInterfaceType(type) ? type.getFields()[selection.name.value] : undefined;
        if (!def) continue; // unknown fields are reported by the standard rules
        const named = getNamedType(def.type);
        const child =
          selection.selectionSet && isCompositeType(named) && !isLeafType(named)
            ? walk(named, selection.selectionSet)
            : 0;
        values.push(combine(selection, def, child));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        if (condition && isCompositeType(condition)) values.push(walk(condition, selection.selectionSet));
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || visiting.has(name)) continue; // cycles are reported by NoFragmentCycles
        let value = memo.get(name);
        if (value === undefined) {
          const condition = schema.getType(fragment.typeCondition.name.value);
          if (!condition || !isCompositeType(condition)) continue;
          visiting.add(name);
          value = walk(condition, fragment.selectionSet);
          visiting.delete(name);
          memo.set(name, value);
        }
        values.push(value);
      }
    }
    return aggregate(values);
  };
  return walk;
}

/** Runs `check` once per operation, after the whole document has been seen. */
function perOperation(
  context: ValidationContext,
  walk: (type: GraphQLCompositeType, set: SelectionSetNode) => number,
  check: (value: number) => void,
): ASTVisitor {
  return {
    Document: {
      leave() {
        for (const { operation, type } of rootTypes(context)) {
          if (type) check(walk(type, operation.selectionSet));
        }
      },
    },
  };
}

function rootTypes(context: ValidationContext) {
  const schema = context.getSchema();
  return context
    .getDocument()
    .definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [d] : []))
    .map((operation) => ({
      operation,
      type:
        operation.operation === "query"
          ? schema.getQueryType()
          : operation.operation === "mutation"
            ? schema.getMutationType()
            : schema.getSubscriptionType(),
    }));
}

export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context) =>
    perOperation(
      context,
      measure(
        context,
        (_field, _def, child) => 1 + child,
        (values) => Math.max(0, ...values),
      ),
      (depth) => {
        if (depth > maxDepth) {
          context.reportError(
            limitError(`Query is too deep: depth ${depth} exceeds the limit of ${maxDepth}`),
          );
        }
      },
    );
}

export function aliasLimitRule(maxAliases: number): ValidationRule {
  return (context) => {
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias) aliases += 1;
      },
      Document: {
        leave() {
          if (aliases > maxAliases) {
            context.reportError(
              limitError(`Too many aliases: ${aliases} exceeds the limit of ${maxAliases}`),
            );
          }
        },
      },
    };
  };
}

/**
 * Cost = Σ over object-valued fields of multiplier × (1 + cost of children);
 * scalars are free. The multiplier is `first` for paginated fields (its
 * literal, the field's default, or MAX_PAGE_SIZE when it is a variable, since
 * validation cannot see variable values), LIST_FACTOR for other lists, else 1.
 */
export function costLimitRule(maxCost: number): ValidationRule {
  return (context) =>
    perOperation(
      context,
      measure(
        context,
        (field, def, child) =>
          isLeafType(getNamedType(def.type)) ? 0 : multiplier(field, def) * (1 + child),
        (values) => values.reduce((sum, value) => sum + value, 0),
      ),
      (cost) => {
        if (cost > maxCost) {
          context.reportError(
            limitError(`Query is too expensive: cost ${cost} exceeds the limit of ${maxCost}`),
          );
        }
      },
    );
}

function multiplier(field: FieldNode, def: GraphQLField<unknown, unknown>): number {
  const firstArg = def.args.find((arg) => arg.name === "first");
  if (firstArg) {
    const given = field.arguments?.find((arg) => arg.name.value === "first")?.value;
    if (given === undefined)
      return typeof firstArg.defaultValue === "number" ? firstArg.defaultValue : MAX_PAGE_SIZE;
    if (given.kind === Kind.INT) return Math.min(Math.max(Number(given.value), 1), MAX_PAGE_SIZE);
    return MAX_PAGE_SIZE;
  }
  // A connection's `edges` list is already paid for by its `first`.
  if (isListType(getNullableType(def.type)) && field.name.value !== "edges") return LIST_FACTOR;
  return 1;
}

/**
 * Production hides schema details in error messages: "Did you mean …?"
 * suggestions would let a client map a schema whose introspection is off.
 * Mirrors Apollo's `hideSchemaDetailsFromClientErrors` for the WS path.
 */
export function withoutSuggestions(message: string): string {
  return message.replace(/ ?Did you mean(.+?)\?$/, "");
}
