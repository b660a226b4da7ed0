/**
 * Which OAuth providers the studio offers, from the environment. Pure (no process.env reads) so
 * the rule is unit-tested: a provider appears when both of its variables are set AND the web
 * server can complete the sign-in, i.e. holds WEFT_SERVER_SECRET for the gateway's oauthSignIn.
 */

export interface OAuthCredentials {
  clientId: string;
  clientSecret: string;
}

export type OAuthProviderId = "github" | "google";

export interface OAuthButton {
  id: OAuthProviderId;
  name: string;
}

export interface OAuthSettings {
  github?: OAuthCredentials;
  google?: OAuthCredentials;
  /** Sent to the gateway in the x-weft-server-secret header; never reaches the browser. */
  serverSecret?: string;
  /** What /signin and /signup show, in this order. */
  buttons: OAuthButton[];
  /** Half-configured providers, for the server log. */
  warnings: string[];
}

const PROVIDERS: { id: OAuthProviderId; name: string; idVar: string; secretVar: string }[] = [
  { id: "github", name: "GitHub", idVar: "AUTH_GITHUB_ID", secretVar: "AUTH_GITHUB_SECRET" },
  { id: "google", name: "Google", idVar: "AUTH_GOOGLE_ID", secretVar: "AUTH_GOOGLE_SECRET" },
];

function value(env: Record<string, string | undefined>, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

export function oauthSettings(env: Record<string, string | undefined>): OAuthSettings {
  const serverSecret = value(env, "WEFT_SERVER_SECRET");
  const settings: OAuthSettings = { buttons: [], warnings: [] };
  if (serverSecret) settings.serverSecret = serverSecret;
  for (const p of PROVIDERS) {
    const clientId = value(env, p.idVar);
    const clientSecret = value(env, p.secretVar);
    if (!clientId && !clientSecret) continue;
    if (!clientId || !clientSecret) {
      settings.warnings.push(
        `${clientId ? p.secretVar : p.idVar} is not set: ${p.name} sign-in stays off until both ${p.idVar} and ${p.secretVar} are`,
      );
      continue;
    }
    if (!serverSecret) {
      settings.warnings.push(
        `${p.idVar} is set but WEFT_SERVER_SECRET is not: ${p.name} sign-in stays off (the gateway's oauthSignIn needs it)`,
      );
      continue;
    }
    settings[p.id] = { clientId, clientSecret };
    settings.buttons.push({ id: p.id, name: p.name });
  }
  return settings;
}

/**
 * GitHub may hand out an account's unverified primary address. Linking by email trusts the
 * address, so only a verified one counts: the verified primary, else any verified address;
 * null when there is none (the sign-in is refused).
 */
export function verifiedGitHubEmail(emails: unknown): string | null {
  if (!Array.isArray(emails)) return null;
  const verified = emails.filter(
    (e): e is { email: string; primary?: unknown } =>
      e !== null &&
      typeof e === "object" &&
      (e as { verified?: unknown }).verified === true &&
      typeof (e as { email?: unknown }).email === "string",
  );
  return (verified.find((e) => e.primary === true) ?? verified[0])?.email ?? null;
}
