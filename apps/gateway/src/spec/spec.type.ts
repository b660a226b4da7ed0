import type { CompileSpecResult, SpecDiagnostic } from "@weft/schema/spec/index";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { JSONScalar } from "../common/scalars.ts";

@ObjectType("Diagnostic")
export class Diagnostic {
  @Field(() => String, { description: '"error" or "warning"' })
  severity!: string;

  @Field(() => String)
  message!: string;

  @Field(() => Int, { nullable: true, description: "1-based line in the spec" })
  line!: number | null;

  @Field(() => Int, { nullable: true, description: "1-based column, when known" })
  column!: number | null;

  @Field(() => ID, { nullable: true })
  nodeId!: string | null;
}

@ObjectType("SpecResult")
export class SpecResult {
  @Field(() => Boolean)
  ok!: boolean;

  @Field(() => String, { nullable: true, description: "Canonical form of the spec (when ok)" })
  spec!: string | null;

  @Field(() => JSONScalar, { nullable: true, description: "Graph v1 (when ok)" })
  graph!: unknown;

  @Field(() => [Diagnostic])
  diagnostics!: Diagnostic[];
}

export function toDiagnostic(d: SpecDiagnostic): Diagnostic {
  return {
    severity: d.severity,
    message: d.message,
    line: d.line,
    column: d.column ?? null,
    nodeId: d.nodeId ?? null,
  };
}

export function toSpecResult(result: CompileSpecResult, canonical: string | null): SpecResult {
  return {
    ok: result.ok,
    spec: canonical,
    graph: result.ok ? (result.graph ?? null) : null,
    diagnostics: result.diagnostics.map(toDiagnostic),
  };
}
