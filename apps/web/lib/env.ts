// NEXT_PUBLIC_* values are inlined into the browser bundle at build time, and
// only when written out literally as `process.env.NEXT_PUBLIC_…`; reading
// them here, once, keeps that rule in one place.
const DEFAULT_GATEWAY_URL = "http://localhost:4000/graphql";

function parseUrl(name: string, value: string | undefined, fallback: string): string {
  const raw = value === undefined || value === "" ? fallback : value;
  try {
    return new URL(raw).toString();
  } catch {
    throw new Error(`${name} must be an absolute URL, got "${raw}"`);
  }
}

export const env = {
  gatewayUrl: parseUrl("NEXT_PUBLIC_GATEWAY_URL", process.env.NEXT_PUBLIC_GATEWAY_URL, DEFAULT_GATEWAY_URL),
} as const;
