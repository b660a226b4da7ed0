import { toGatewayError, type GatewayErrorInfo } from "./gateway-error";
import { serverEnv } from "./server-env";

export type GatewayResult<T> = { ok: true; data: T } | { ok: false; error: GatewayErrorInfo };

/** One GraphQL request from the web server to the gateway (auth flows only). */
export async function gatewayRequest<T>(
  query: string,
  variables: Record<string, unknown>,
  token?: string,
  headers: Record<string, string> = {},
): Promise<GatewayResult<T>> {
  let response: Response;
  try {
    response = await fetch(serverEnv.gatewayUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
      cache: "no-store",
    });
  } catch {
    return {
      ok: false,
      error: { message: "The Weft API is unreachable.", code: "UNAVAILABLE", details: undefined },
    };
  }
  const body = (await response.json().catch(() => null)) as {
    data?: T | null;
    errors?: { message: string; extensions?: { code?: unknown; details?: unknown } }[];
  } | null;
  const first = body?.errors?.[0];
  if (first) return { ok: false, error: toGatewayError(first) };
  if (!body?.data) {
    return {
      ok: false,
      error: {
        message: `The Weft API answered ${response.status}.`,
        code: "UNAVAILABLE",
        details: undefined,
      },
    };
  }
  return { ok: true, data: body.data };
}
