import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

interface Response<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** One GraphQL POST; throws on HTTP or GraphQL errors. */
export async function gql<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: Response<T>;
  try {
    body = JSON.parse(text) as Response<T>;
  } catch {
    throw new Error(`HTTP ${response.status}: ${text.slice(0, 300)}`);
  }
  if (body.errors?.length || !body.data) {
    throw new Error(
      `GraphQL error: ${body.errors?.map((e) => `${e.message} (${String(e.extensions?.code)})`).join("; ")}`,
    );
  }
  return body.data;
}

/** A graphql-ws client on its own socket; resolves once the server acknowledged it. */
export function wsClient(url: string, token?: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      onNonLazyError: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
      ...(token ? { connectionParams: { authorization: `Bearer ${token}` } } : {}),
    });
    client.on("connected", () => resolve(client));
    client.on("closed", (event) => {
      const { code, reason } = event as { code: number; reason: string };
      reject(new Error(`websocket closed: ${code} ${reason}`));
    });
  });
}

/** Opens `n` clients, `parallel` handshakes at a time. */
export async function wsClients(url: string, n: number, token?: string, parallel = 50): Promise<Client[]> {
  const clients: Client[] = [];
  for (let i = 0; i < n; i += parallel) {
    clients.push(
      ...(await Promise.all(Array.from({ length: Math.min(parallel, n - i) }, () => wsClient(url, token)))),
    );
  }
  return clients;
}
