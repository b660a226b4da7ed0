"use client";

import { SessionProvider, signOut, useSession } from "next-auth/react";
import { createClient as createWsClient, type Client as WsClient } from "graphql-ws";
import { useEffect, useMemo, useRef, type ReactNode } from "react";
import {
  Provider,
  cacheExchange,
  createClient,
  fetchExchange,
  mapExchange,
  subscriptionExchange,
} from "urql";
import { env } from "@/lib/env";

function wsUrl(httpUrl: string): string {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

/** urql over the gateway: HTTP for queries and mutations, graphql-ws for subscriptions. */
function GatewayProvider({ children }: { children: ReactNode }) {
  const { data: session } = useSession();
  const tokenRef = useRef<string | undefined>(undefined);
  const token = session?.gatewayToken;
  useEffect(() => {
    tokenRef.current = token;
  }, [token]);
  if (tokenRef.current === undefined && token) tokenRef.current = token;

  const sessionExpired = session?.error === "SessionExpired";
  useEffect(() => {
    if (sessionExpired) void signOut({ callbackUrl: "/signin?error=SessionExpired" });
  }, [sessionExpired]);

  const client = useMemo(() => {
    let ws: WsClient | undefined;
    // Opened on the first subscription only: most pages never need one.
    const socket = () =>
      (ws ??= createWsClient({
        url: wsUrl(env.gatewayUrl),
        lazy: true,
        connectionParams: () => ({ authorization: `Bearer ${tokenRef.current ?? ""}` }),
      }));
    return createClient({
      url: env.gatewayUrl,
      requestPolicy: "cache-and-network",
      // Apollo's CSRF guard rejects simple GET requests; POST with JSON always passes.
      preferGetMethod: false,
      fetchOptions: (): RequestInit => {
        const headers: Record<string, string> = {};
        if (tokenRef.current) headers["authorization"] = `Bearer ${tokenRef.current}`;
        return { headers };
      },
      exchanges: [
        mapExchange({
          onError(error) {
            const unauthenticated = error.graphQLErrors.some(
              (e) => e.extensions?.["code"] === "UNAUTHENTICATED",
            );
            if (unauthenticated) void signOut({ callbackUrl: "/signin?error=SessionExpired" });
          },
        }),
        cacheExchange,
        fetchExchange,
        subscriptionExchange({
          forwardSubscription(request) {
            const input = { ...request, query: request.query ?? "" };
            return {
              subscribe(sink) {
                const unsubscribe = socket().subscribe(input, sink);
                return { unsubscribe };
              },
            };
          },
        }),
      ],
    });
  }, []);

  return <Provider value={client}>{children}</Provider>;
}

export function Providers({ children }: { children: ReactNode }) {
  return (
    <SessionProvider refetchInterval={4 * 60} refetchOnWindowFocus>
      <GatewayProvider>{children}</GatewayProvider>
    </SessionProvider>
  );
}
