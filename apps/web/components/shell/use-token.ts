"use client";

import { useSession } from "next-auth/react";

/** True once the browser holds a gateway token; queries pause until then. */
export function useGatewayReady(): boolean {
  const { data } = useSession();
  return Boolean(data?.gatewayToken);
}
