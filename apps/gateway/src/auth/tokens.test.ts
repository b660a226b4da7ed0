import { randomUUID } from "node:crypto";
import { SignJWT, UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import {
  cachingSessionVerifier,
  mintSessionToken,
  signSessionToken,
  tokenSettings,
  verifySessionToken,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
} from "./tokens.ts";

const SECRET = "weft-unit-test-secret-0123456789abcdef";
const settings = tokenSettings({ WEFT_AUTH_SECRET: SECRET, WEFT_SESSION_TTL_SECONDS: 3600 });
const userId = randomUUID();
const key = new TextEncoder().encode(SECRET);

interface Claims {
  iss?: string;
  aud?: string;
  sub?: string;
  expIn?: number;
  iat?: boolean;
}

function forge(claims: Claims, signingKey: Uint8Array = key, alg = "HS256"): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({}).setProtectedHeader({ alg });
  if (claims.iss !== undefined) jwt = jwt.setIssuer(claims.iss);
  if (claims.aud !== undefined) jwt = jwt.setAudience(claims.aud);
  if (claims.sub !== undefined) jwt = jwt.setSubject(claims.sub);
  if (claims.expIn !== undefined) jwt = jwt.setExpirationTime(now + claims.expIn);
  if (claims.iat !== false) jwt = jwt.setIssuedAt(now);
  return jwt.sign(signingKey);
}

const valid: Claims = { iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, sub: userId, expIn: 600 };

describe("session tokens", () => {
  it("round-trips a minted token", async () => {
    expect(await verifySessionToken(await signSessionToken(userId, settings), settings)).toBe(userId);
    const minted = await mintSessionToken(userId, {
      WEFT_AUTH_SECRET: SECRET,
      WEFT_SESSION_TTL_SECONDS: 3600,
    });
    expect(await verifySessionToken(minted, settings)).toBe(userId);
  });

  it("carries iss, aud, sub, iat and a configurable exp", async () => {
    const short = tokenSettings({ WEFT_AUTH_SECRET: SECRET, WEFT_SESSION_TTL_SECONDS: 120 });
    const token = await signSessionToken(userId, short, new Date("2030-01-01T00:00:00Z"));
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as Record<
      string,
      unknown
    >;
    const iat = Date.parse("2030-01-01T00:00:00Z") / 1000;
    expect(payload).toEqual({ iss: "weft", aud: "weft-gateway", sub: userId, iat, exp: iat + 120 });
  });

  it("accepts a correctly forged-by-us token (sanity check of the forge helper)", async () => {
    expect(await verifySessionToken(await forge(valid), settings)).toBe(userId);
  });

  const rejected: [string, () => Promise<string>][] = [
    ["expired", () => forge({ ...valid, expIn: -1 })],
    ["without exp", () => forge({ ...valid, expIn: undefined })],
    ["without iat", () => forge({ ...valid, iat: false })],
    ["wrong issuer", () => forge({ ...valid, iss: "someone-else" })],
    ["missing issuer", () => forge({ ...valid, iss: undefined })],
    ["wrong audience", () => forge({ ...valid, aud: "weft-web" })],
    ["missing subject", () => forge({ ...valid, sub: undefined })],
    ["non-uuid subject", () => forge({ ...valid, sub: "admin" })],
    ["forged signature (other secret)", () => forge(valid, new TextEncoder().encode("x".repeat(40)))],
    ["HS512 with the right secret", () => forge(valid, new TextEncoder().encode(SECRET.repeat(2)), "HS512")],
    [
      "alg: none",
      async () =>
        new UnsecuredJWT({})
          .setIssuer(TOKEN_ISSUER)
          .setAudience(TOKEN_AUDIENCE)
          .setSubject(userId)
          .setIssuedAt()
          .setExpirationTime("10m")
          .encode(),
    ],
    [
      "tampered payload (sub swapped, signature kept)",
      async () => {
        const [header, , signature] = (await forge(valid)).split(".");
        const payload = Buffer.from(JSON.stringify({ ...valid, sub: randomUUID() })).toString("base64url");
        return `${header}.${payload}.${signature}`;
      },
    ],
    ["garbage", async () => "not.a.jwt"],
    ["empty", async () => ""],
  ];

  it.each(rejected)("rejects %s", async (_label, make) => {
    expect(await verifySessionToken(await make(), settings)).toBeNull();
  });

  it.each(rejected)(
    "the caching verifier rejects %s too, after a valid token was cached",
    async (_label, make) => {
      const verify = cachingSessionVerifier(settings);
      expect(await verify(await forge(valid))).toBe(userId);
      expect(await verify(await make())).toBeNull();
    },
  );
});

describe("cachingSessionVerifier", () => {
  it("remembers an accepted token until its exp, then refuses it", async () => {
    let clock = Date.now();
    const verify = cachingSessionVerifier(settings, { now: () => clock });
    const token = await forge({ ...valid, expIn: 60 });
    const exp = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).exp as number;
    expect(await verify(token)).toBe(userId);
    clock = exp * 1000 - 1;
    expect(await verify(token)).toBe(userId);
    clock = exp * 1000;
    expect(await verify(token)).toBeNull();
    // Forgotten, and checked in full again: jose's clock (the real one) still accepts it.
    clock = Date.now();
    expect(await verify(token)).toBe(userId);
  });

  it("keeps at most maxEntries, oldest out first, and still answers for the evicted", async () => {
    let clock = Date.now();
    const verify = cachingSessionVerifier(settings, { maxEntries: 2, now: () => clock });
    const users = [randomUUID(), randomUUID(), randomUUID()];
    const tokens = await Promise.all(users.map((sub) => forge({ ...valid, sub, expIn: 60 })));
    for (const [i, token] of tokens.entries()) expect(await verify(token)).toBe(users[i]);
    // Past every exp, a cached token answers null without a check; an evicted one goes to jose,
    // which (on the real clock) still accepts it: so the first token was evicted, the others kept.
    clock = Date.now() + 120_000;
    expect(await verify(tokens[2]!)).toBeNull();
    expect(await verify(tokens[1]!)).toBeNull();
    expect(await verify(tokens[0]!)).toBe(users[0]);
  });
});
