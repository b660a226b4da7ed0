import { randomUUID } from "node:crypto";
import { SignJWT, UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import {
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
});
