/** Printing order of config keys, read from each node type's zod schema. */
import { getNodeType } from "../catalogue.ts";
import { RetryPolicySchema } from "../graph.ts";
import { isPlainObject } from "../templates.ts";
import { defOf, unwrapSchema, type AnySchema, type LooseDef } from "../zod-walk.ts";
import type { KeyOrder } from "./yaml-block.ts";

function unwrap(schema: AnySchema): LooseDef {
  return defOf(unwrapSchema(schema));
}

const cache = new WeakMap<AnySchema, KeyOrder | undefined>();

export function keyOrderOf(schema: AnySchema): KeyOrder | undefined {
  if (cache.has(schema)) return cache.get(schema);
  const def = unwrap(schema);
  let order: KeyOrder | undefined;
  if (def.type === "object" && def.shape) {
    const shape = def.shape;
    order = { keys: Object.keys(shape), child: (k) => (shape[k] ? keyOrderOf(shape[k]) : undefined) };
  } else if (def.type === "array" && def.element) {
    const item = keyOrderOf(def.element);
    order = item ? { item } : undefined;
  } else if (def.type === "record" && def.valueType) {
    const value = keyOrderOf(def.valueType);
    order = value ? { child: () => value } : undefined;
  }
  cache.set(schema, order);
  return order;
}

const INLINE_NODE_KEYS = ["type", "config", "retry", "timeoutMs"];

/** The config's order; a foreach's per-item node is ordered by its own type's schema. */
export function configKeyOrder(type: string, config: Record<string, unknown>): KeyOrder | undefined {
  const def = getNodeType(type);
  if (!def) return undefined;
  const base = keyOrderOf(def.config);
  const field = def.inlineNodeField;
  if (!field || !base) return base;
  const inline = config[field];
  const innerType =
    isPlainObject(inline) && typeof inline.type === "string" ? getNodeType(inline.type) : undefined;
  const inlineOrder: KeyOrder = {
    keys: INLINE_NODE_KEYS,
    child: (k) =>
      k === "config" && innerType
        ? keyOrderOf(innerType.config)
        : k === "retry"
          ? keyOrderOf(RetryPolicySchema)
          : undefined,
  };
  return { keys: base.keys, child: (k) => (k === field ? inlineOrder : base.child?.(k)) };
}
