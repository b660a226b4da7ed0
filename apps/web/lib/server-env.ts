import { env } from "./env";
import { oauthSettings } from "./oauth";

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

const oauth = oauthSettings(process.env);
for (const warning of oauth.warnings) console.warn(`warning: ${warning}`);

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
  /** GitHub/Google sign-in: offered only when configured and WEFT_SERVER_SECRET is set (lib/oauth.ts). */
  oauth,
} as const;
