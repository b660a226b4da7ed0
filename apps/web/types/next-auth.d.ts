import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface Session {
    /** Short-lived bearer token for the gateway (GraphQL over HTTP and WebSocket). */
    gatewayToken?: string;
    /** Set when the gateway token expired and could not be renewed: sign in again. */
    error?: "SessionExpired";
    user: { id: string; email: string; name?: string | null };
  }
  interface User {
    id: string;
    email: string;
    name?: string | null;
    gatewayToken?: string;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    gatewayToken?: string;
    gatewayExp?: number;
    error?: "SessionExpired";
  }
}
