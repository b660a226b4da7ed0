import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env.ts";

const APP_DATABASE_URL = "postgresql://weft_app:pw@127.0.0.1:5432/weft";

describe("parseEnv", () => {
  it("has a working default for every variable but the database outside production", () => {
    const { env, warnings } = parseEnv({ APP_DATABASE_URL });
    expect(env).toMatchObject({
      NODE_ENV: "development",
      GATEWAY_PORT: 4000,
      GATEWAY_HOST: "127.0.0.1",
      TEMPORAL_ADDRESS: "127.0.0.1:7233",
      TEMPORAL_NAMESPACE: "default",
      WEB_ORIGIN: "http://localhost:3000",
    });
    expect(env.WEFT_SESSION_TTL_SECONDS).toBe(3600);
    expect(env.WEFT_MASTER_KEY).toBeUndefined();
    expect(env.WEFT_AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(warnings).toEqual([expect.stringContaining("WEFT_AUTH_SECRET")]);
  });

  it("coerces ports, accepts 0, and treats empty strings as unset", () => {
    expect(parseEnv({ APP_DATABASE_URL, GATEWAY_PORT: "0" }).env.GATEWAY_PORT).toBe(0);
    expect(parseEnv({ APP_DATABASE_URL, GATEWAY_PORT: "" }).env.GATEWAY_PORT).toBe(4000);
  });

  it("parses GATEWAY_TRUST_PROXY like express does", () => {
    const trust = (value: string) =>
      parseEnv({ APP_DATABASE_URL, GATEWAY_TRUST_PROXY: value }).env.GATEWAY_TRUST_PROXY;
    expect(parseEnv({ APP_DATABASE_URL }).env.GATEWAY_TRUST_PROXY).toBeUndefined();
    expect(trust("true")).toBe(true);
    expect(trust("1")).toBe(1);
    expect(trust("loopback, 10.0.0.0/8")).toBe("loopback, 10.0.0.0/8");
  });

  it("normalises WEB_ORIGIN to an origin", () => {
    expect(parseEnv({ APP_DATABASE_URL, WEB_ORIGIN: "https://weft.example/" }).env.WEB_ORIGIN).toBe(
      "https://weft.example",
    );
  });

  it("requires APP_DATABASE_URL and accepts a postgres connection string", () => {
    expect(() => parseEnv({})).toThrow(/APP_DATABASE_URL: is required/);
    expect(parseEnv({ APP_DATABASE_URL }).env.APP_DATABASE_URL).toBe(APP_DATABASE_URL);
  });

  it("names the offending variable", () => {
    expect(() => parseEnv({ APP_DATABASE_URL, GATEWAY_PORT: "eighty" })).toThrow(/GATEWAY_PORT/);
    expect(() => parseEnv({ APP_DATABASE_URL, GATEWAY_PORT: "70000" })).toThrow(EnvError);
  });

  it("requires WEFT_AUTH_SECRET and WEFT_MASTER_KEY in production", () => {
    expect(() => parseEnv({ APP_DATABASE_URL, NODE_ENV: "production" })).toThrow(
      /WEFT_AUTH_SECRET: is required in production\n.*WEFT_MASTER_KEY: is required in production/,
    );
    const secret = "x".repeat(32);
    const { env, warnings } = parseEnv({
      APP_DATABASE_URL,
      NODE_ENV: "production",
      WEFT_AUTH_SECRET: secret,
      WEFT_MASTER_KEY: "v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    });
    expect(env.WEFT_AUTH_SECRET).toBe(secret);
    expect(warnings).toEqual([]);
  });
});
