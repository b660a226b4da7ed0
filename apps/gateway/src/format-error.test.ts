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
      details: { fields: [{ path: "input.email", messages: ["email must be an email"] }] },
    });
  });
});
