import dns from "node:dns/promises";
import net from "node:net";
import type { AddressPolicy } from "../http/address-policy.ts";
import { BlockedDestinationError } from "../http/safe-fetch.ts";

/**
 * For connectors that speak their own protocol (SMTP, PostgreSQL) to a user-supplied host: the
 * same private-address policy as HTTP. The host is resolved once and the checked address is the
 * one connected to (the caller keeps the name for TLS), so DNS rebinding cannot swap it.
 */
export async function resolveAllowedHost(policy: AddressPolicy, host: string, what: string): Promise<string> {
  const bare = host.replace(/^\[|\]$/g, "");
  if (!bare || bare.startsWith("/")) {
    throw new BlockedDestinationError(what, "only TCP hosts are allowed (no Unix sockets)");
  }
  if (policy.hostAllowed(bare)) {
    return net.isIP(bare) ? bare : (await dns.lookup(bare)).address;
  }
  if (bare === "localhost" || bare.endsWith(".localhost")) {
    throw new BlockedDestinationError(what, "localhost is a loopback name");
  }
  if (net.isIP(bare)) {
    const reason = policy.check(bare);
    if (reason) throw new BlockedDestinationError(what, reason);
    return bare;
  }
  const addresses = await dns.lookup(bare, { all: true });
  for (const a of addresses) {
    const reason = policy.check(a.address);
    if (reason) throw new BlockedDestinationError(what, `${bare} resolves to ${reason}`);
  }
  const first = addresses[0];
  if (!first) throw new BlockedDestinationError(what, `${bare} has no address`);
  return first.address;
}
