import type { z } from "zod";

export type AnySchema = z.core.$ZodType;

/** The parts of a zod definition that schema walks (key order, "did you mean") read. */
export interface LooseDef {
  type: string;
  innerType?: AnySchema;
  in?: AnySchema;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  valueType?: AnySchema;
}

export function defOf(schema: AnySchema): LooseDef {
  return schema._zod.def as unknown as LooseDef;
}

/** Strips optional/default/nullable wrappers and pipes down to the schema that has the shape. */
export function unwrapSchema(schema: AnySchema): AnySchema {
  let current = schema;
  for (let i = 0; i < 20; i++) {
    const def = defOf(current);
    if (def.innerType) current = def.innerType;
    else if (def.type === "pipe" && def.in) current = def.in;
    else break;
  }
  return current;
}
