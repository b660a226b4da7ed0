import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env.ts";

describe("parseEnv", () => {
  it("has a working default for every variable outside production", () => {
    const { env, warnings } = parseEnv({});
    expect(env).toMatchObject({
      NODE_ENV: "development",
      GATEWAY_PORT: 4000,
      GATEWAY_HOST: "127.0.0.1",
      TEMPORAL_ADDRESS: "127.0.0.1:7233",
      TEMPORAL_NAMESPACE: "default",
      WEB_ORIGIN: "http://localhost:3000",
    });
    expect(env.APP_DATABASE_URL).toBeUndefined();
    expect(env.WEFT_AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(warnings).toEqual([expect.stringContaining("WEFT_AUTH_SECRET")]);
  });

  it("coerces ports, accepts 0, and treats empty strings as unset", () => {
    expect(parseEnv({ GATEWAY_PORT: "0" }).env.GATEWAY_PORT).toBe(0);
    expect(parseEnv({ GATEWAY_PORT: "" }).env.GATEWAY_PORT).toBe(4000);
  });

  it("normalises WEB_ORIGIN to an origin", () => {
    expect(parseEnv({ WEB_ORIGIN: "https://weft.example/" }).env.WEB_ORIGIN).toBe("https://weft.example");
  });

  it("accepts a postgres connection string", () => {
    const url = "postgresql://weft_app:pw@127.0.0.1:5432/weft";
    expect(parseEnv({ APP_DATABASE_URL: url }).env.APP_DATABASE_URL).toBe(url);
  });

  it("names the offending variable", () => {
    expect(() => parseEnv({ GATEWAY_PORT: "eighty" })).toThrow(/GATEWAY_PORT/);
    expect(() => parseEnv({ GATEWAY_PORT: "70000" })).toThrow(EnvError);
  });

  it("requires WEFT_AUTH_SECRET in production", () => {
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(/WEFT_AUTH_SECRET: is required in production/);
    const secret = "x".repeat(32);
    const { env, warnings } = parseEnv({ NODE_ENV: "production", WEFT_AUTH_SECRET: secret });
    expect(env.WEFT_AUTH_SECRET).toBe(secret);
    expect(warnings).toEqual([]);
  });
});
