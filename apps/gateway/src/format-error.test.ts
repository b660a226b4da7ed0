import { GraphQLError } from "graphql";
import { ArgumentValidationError } from "type-graphql";
import { describe, expect, it } from "vitest";
import { AppError } from "./errors.ts";
import { formatError } from "./format-error.ts";

/** What graphql-js does to anything a resolver throws. */
function fromResolver(thrown: Error): GraphQLError {
  return new GraphQLError(thrown.message, { path: ["field"], originalError: thrown });
}

function format(error: GraphQLError) {
  const logged: unknown[] = [];
  const result = formatError(error.toJSON(), error, (_message, cause) => logged.push(cause));
  return { result, logged };
}

describe("formatError", () => {
  it("maps AppError to its code, message and details", () => {
    const { result, logged } = format(
      fromResolver(new AppError("CONFLICT", "Draft changed", { expectedRevision: 3, actualRevision: 4 })),
    );
    expect(result).toEqual({
      message: "Draft changed",
      path: ["field"],
      extensions: { code: "CONFLICT", details: { expectedRevision: 3, actualRevision: 4 } },
    });
    expect(logged).toEqual([]);
  });

  it("masks and logs anything unexpected", () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'secret')");
    const { result, logged } = format(fromResolver(bug));
    expect(result.message).toBe("Internal server error");
    expect(result.extensions).toEqual({ code: "INTERNAL", errorId: expect.any(String) });
    expect(logged).toEqual([fromResolver(bug)]);
  });

  it("masks AppError INTERNAL too, since its message is for operators", () => {
    const { result, logged } = format(
      fromResolver(new AppError("INTERNAL", "temporal unreachable at 10.0.0.7")),
    );
    expect(result.message).toBe("Internal server error");
    expect(logged).toHaveLength(1);
  });

  it("drops extensions it does not own, such as stack traces", () => {
    const error = new GraphQLError("Syntax Error", {
      extensions: { code: "GRAPHQL_PARSE_FAILED", stacktrace: ["at x (y.ts:1:1)"] },
    });
    expect(format(error).result).toEqual({
      message: "Syntax Error",
      extensions: { code: "GRAPHQL_PARSE_FAILED" },
    });
  });

  it("turns class-validator failures into BAD_USER_INPUT with field paths", () => {
    const error = new ArgumentValidationError([
      {
        property: "input",
        children: [{ property: "email", constraints: { isEmail: "email must be an email" } }],
      },
    ]);
    expect(format(fromResolver(error)).result.extensions).toEqual({
      code: "BAD_USER_INPUT",
      details: {
        fields: [{ path: "input.email", messages: ["email must be an email"] }],
        issues: [{ path: ["input", "email"], message: "email must be an email" }],
      },
    });
  });

  it("answers BAD_USER_INPUT in both field shapes, whichever the resolver gave", () => {
    const fromFields = format(
      fromResolver(
        new AppError("BAD_USER_INPUT", "nodes.2.id: taken", {
          fields: [{ path: "nodes.2.id", messages: ["taken", "too long"] }],
        }),
      ),
    );
    expect(fromFields.result.extensions?.["details"]).toEqual({
      fields: [{ path: "nodes.2.id", messages: ["taken", "too long"] }],
      issues: [
        { path: ["nodes", 2, "id"], message: "taken" },
        { path: ["nodes", 2, "id"], message: "too long" },
      ],
    });
    const issues = [
      { path: ["nodes", 0, "config", "url"], nodeId: "fetch", field: "url", message: "required" },
      { path: ["nodes", 0, "config", "url"], nodeId: "fetch", field: "url", message: "must be a URL" },
      { path: [], message: "the graph has a cycle" },
    ];
    const fromIssues = format(
      fromResolver(new AppError("BAD_USER_INPUT", "invalid graph", { argument: "graph", issues })),
    );
    expect(fromIssues.result.extensions?.["details"]).toEqual({
      argument: "graph",
      issues,
      fields: [
        { path: "graph.nodes.0.config.url", messages: ["required", "must be a URL"] },
        { path: "graph", messages: ["the graph has a cycle"] },
      ],
    });
    // Paths that already start with their argument (spec diagnostics) keep it once.
    const spec = format(
      fromResolver(
        new AppError("BAD_USER_INPUT", "spec does not compile", {
          argument: "spec",
          issues: [{ path: ["spec"], line: 3, message: "unknown node type" }],
        }),
      ),
    );
    expect(spec.result.extensions?.["details"]).toMatchObject({
      fields: [{ path: "spec", messages: ["unknown node type"] }],
    });
    const bare = format(
      fromResolver(new AppError("BAD_USER_INPUT", "x", { issues: [{ path: ["cron"], message: "bad" }] })),
    );
    expect(bare.result.extensions?.["details"]).toMatchObject({
      fields: [{ path: "cron", messages: ["bad"] }],
    });
    // Other codes' details pass through untouched.
    const conflict = format(fromResolver(new AppError("CONFLICT", "stale", { issues: [] })));
    expect(conflict.result.extensions?.["details"]).toEqual({ issues: [] });
  });
});
