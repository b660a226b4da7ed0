import { env } from "./env";

// Dev-only fallback so `next dev` works on a fresh clone; production derives a secret from
// WEFT_AUTH_SECRET (which the gateway already requires) when NEXTAUTH_SECRET is not set.
const DEV_NEXTAUTH_SECRET = "weft-dev-nextauth-secret-not-for-production-use";

function optional(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

const webOrigin = optional(process.env.WEB_ORIGIN) ?? `http://localhost:${process.env.WEB_PORT ?? "3000"}`;

// next-auth 4 reads NEXTAUTH_URL itself; the stack only sets WEB_ORIGIN.
process.env.NEXTAUTH_URL ??= webOrigin;

const authSecret = optional(process.env.WEFT_AUTH_SECRET);

export const serverEnv = {
  /** The gateway as seen from the web server (may differ from the browser's URL behind a proxy). */
  gatewayUrl: optional(process.env.GATEWAY_URL) ?? env.gatewayUrl,
  webOrigin,
  nextAuthSecret:
    optional(process.env.NEXTAUTH_SECRET) ??
    (authSecret ? `nextauth:${authSecret}` : undefined) ??
    DEV_NEXTAUTH_SECRET,
  /** Shared with the gateway; lets this server re-mint short-lived gateway tokens. */
  weftAuthSecret: authSecret,
  github:
    optional(process.env.GITHUB_ID) && optional(process.env.GITHUB_SECRET)
      ? { clientId: process.env.GITHUB_ID!, clientSecret: process.env.GITHUB_SECRET! }
      : undefined,
  google:
    optional(process.env.GOOGLE_CLIENT_ID) && optional(process.env.GOOGLE_CLIENT_SECRET)
      ? { clientId: process.env.GOOGLE_CLIENT_ID!, clientSecret: process.env.GOOGLE_CLIENT_SECRET! }
      : undefined,
} as const;
