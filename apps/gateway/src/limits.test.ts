import { parse, specifiedRules, validate, type GraphQLSchema, type ValidationRule } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { costLimitRule, depthLimitRule, withoutSuggestions } from "./limits.ts";
import { buildGatewaySchema } from "./schema.ts";

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildGatewaySchema();
});

function messages(query: string, rules: ValidationRule[]): string[] {
  return validate(schema, parse(query), [...specifiedRules, ...rules]).map((e) => e.message);
}

/** Extracts the number a limit rule reports, by running it with a limit of 0. */
function measured(query: string, rule: "depth" | "cost"): number {
  const [message] = messages(query, [rule === "depth" ? depthLimitRule(0) : costLimitRule(0)]);
  return Number(/(?:depth|cost) (\d+)/.exec(message ?? "")?.[1] ?? 0);
}

describe("depth limit", () => {
  it("counts object levels including the root field, and fragments inline", () => {
    expect(measured("{ me { id } }", "depth")).toBe(2);
    expect(measured("{ workspaces { members { user { id } } } }", "depth")).toBe(4);
    expect(
      measured("{ workspaces { ...W } } fragment W on Workspace { members { user { id } } }", "depth"),
    ).toBe(4);
    const depth4 = [depthLimitRule(4)];
    expect(messages("{ workspaces { members { workspace { slug } } } }", depth4)).toEqual([]);
    expect(messages("{ workspaces { members { workspace { members { role } } } } }", depth4)).toEqual([
      "Query is too deep: depth 5 exceeds the limit of 4",
    ]);
  });

  it("ignores introspection fields (they are switched off in production instead)", () => {
    const query = "{ __schema { types { fields { type { ofType { ofType { name } } } } } } }";
    expect(messages(query, [depthLimitRule(2), costLimitRule(0)])).toEqual([]);
  });
});

describe("cost limit", () => {
  it("charges lists by their page size and leaves scalars free", () => {
    expect(measured("{ me { id email } }", "cost")).toBe(1);
    // runs: first (literal) × (1 + edges(1 + node(1)))
    expect(measured(`{ runs(workspaceId: "w", first: 5) { edges { node { id } } } }`, "cost")).toBe(5 * 3);
    // the argument's default (20) when omitted, the maximum (100) for a variable
    expect(measured(`{ runs(workspaceId: "w") { edges { node { id } } } }`, "cost")).toBe(20 * 3);
    expect(
      measured(`query ($n: Int) { runs(workspaceId: "w", first: $n) { edges { node { id } } } }`, "cost"),
    ).toBe(100 * 3);
    // other lists count as 10
    expect(measured("{ workspaces { members { role } } }", "cost")).toBe(10 * (1 + 10));
  });
});

describe("withoutSuggestions", () => {
  it("drops the schema hint only", () => {
    expect(withoutSuggestions('Cannot query field "nmae" on type "Workspace". Did you mean "name"?')).toBe(
      'Cannot query field "nmae" on type "Workspace".',
    );
    expect(withoutSuggestions("Syntax Error: Expected Name.")).toBe("Syntax Error: Expected Name.");
  });
});
