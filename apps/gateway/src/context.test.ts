import { describe, expect, it } from "vitest";
import { bearerToken, createContextFactory } from "./context.ts";

describe("bearerToken", () => {
  it("extracts the token, whatever the scheme's case", () => {
    expect(bearerToken("Bearer abc.def")).toBe("abc.def");
    expect(bearerToken("bearer  abc ")).toBe("abc");
  });

  it("ignores anything that is not a single bearer token", () => {
    for (const header of [undefined, "", "Bearer", "Basic dXNlcg==", "Bearer a b", ["Bearer a"]]) {
      expect(bearerToken(header)).toBeNull();
    }
  });
});

describe("createContextFactory", () => {
  const contexts = createContextFactory(async (token) => (token === "good" ? { userId: "u1" } : null));

  it("is anonymous without a token or with a rejected one", async () => {
    expect(await contexts.fromHttp({})).toEqual({ auth: null });
    expect(await contexts.fromHttp({ authorization: "Bearer bad" })).toEqual({ auth: null });
    expect(await contexts.fromConnectionParams(undefined)).toEqual({ auth: null });
  });

  it("reads the same header on both transports", async () => {
    expect(await contexts.fromHttp({ authorization: "Bearer good" })).toEqual({ auth: { userId: "u1" } });
    expect(await contexts.fromConnectionParams({ authorization: "Bearer good" })).toEqual({
      auth: { userId: "u1" },
    });
  });
});
