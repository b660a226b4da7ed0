import { describe, expect, it } from "vitest";
import {
  bearerToken,
  createContextFactory,
  serverSecretMatches,
  SERVER_SECRET_HEADER,
  type GatewayServices,
} from "./context.ts";

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
  const services = {} as GatewayServices;
  const user = { kind: "user", userId: "u1" } as const;
  const contexts = createContextFactory(async (token) => (token === "good" ? user : null), services);

  it("is anonymous without a token or with a rejected one", async () => {
    expect((await contexts.fromHttp({}, "1.2.3.4")).auth).toBeNull();
    expect((await contexts.fromHttp({ authorization: "Bearer bad" }, "1.2.3.4")).auth).toBeNull();
    expect((await contexts.fromConnectionParams(undefined, undefined)).auth).toBeNull();
  });

  it("reads the same header on both transports and carries services and client address", async () => {
    expect(await contexts.fromHttp({ authorization: "Bearer good" }, "1.2.3.4")).toEqual({
      auth: user,
      services,
      clientIp: "1.2.3.4",
      trustedServer: false,
    });
    expect(await contexts.fromConnectionParams({ authorization: "Bearer good" }, undefined)).toEqual({
      auth: user,
      services,
      clientIp: "unknown",
      trustedServer: false,
    });
  });
});

describe("server-to-server secret", () => {
  const secret = "s".repeat(40);
  const contexts = createContextFactory(async () => null, {} as GatewayServices, secret);

  it("trusts an HTTP request only with the exact secret in its header", async () => {
    expect((await contexts.fromHttp({ [SERVER_SECRET_HEADER]: secret }, undefined)).trustedServer).toBe(true);
    for (const value of [undefined, "", `${secret}x`, secret.slice(1), "S".repeat(40)]) {
      expect((await contexts.fromHttp({ [SERVER_SECRET_HEADER]: value }, undefined)).trustedServer).toBe(
        false,
      );
    }
  });

  it("never trusts WebSocket connections, nor anything when no secret is configured", async () => {
    expect(
      (await contexts.fromConnectionParams({ [SERVER_SECRET_HEADER]: secret }, undefined)).trustedServer,
    ).toBe(false);
    const unconfigured = createContextFactory(async () => null, {} as GatewayServices);
    expect((await unconfigured.fromHttp({ [SERVER_SECRET_HEADER]: "" }, undefined)).trustedServer).toBe(
      false,
    );
    expect(serverSecretMatches("anything", undefined)).toBe(false);
    expect(serverSecretMatches(["array"], secret)).toBe(false);
  });
});
