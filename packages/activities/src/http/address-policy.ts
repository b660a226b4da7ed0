import ipaddr from "ipaddr.js";

/**
 * Which destinations an HTTP node may reach. Everything that is not public unicast is refused:
 * loopback, RFC 1918, link-local (and with it the 169.254.169.254 cloud metadata endpoint),
 * carrier-grade NAT (100.100.100.200 metadata), unique-local IPv6 (fd00:ec2::254), multicast,
 * reserved, and IPv6 forms that embed an IPv4 address (mapped, 6to4, Teredo, NAT64) whose
 * embedded address would be refused on its own. The allowlist exists for tests and
 * self-hosting: exact host names or IP addresses, and CIDR ranges.
 */
export class AddressPolicy {
  private readonly hosts = new Set<string>();
  private readonly ranges: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]> = [];

  constructor(allowlist: readonly string[] = []) {
    for (const raw of allowlist) {
      const entry = raw.trim().toLowerCase();
      if (!entry) continue;
      if (entry.includes("/")) this.ranges.push(ipaddr.parseCIDR(entry));
      else this.hosts.add(entry);
    }
  }

  /** From a comma-separated setting such as `WEFT_HTTP_ALLOWLIST=localhost,10.0.0.0/8`. */
  static fromSetting(setting: string | undefined): AddressPolicy {
    return new AddressPolicy((setting ?? "").split(","));
  }

  hostAllowed(hostname: string): boolean {
    return this.hosts.has(stripBrackets(hostname.toLowerCase()));
  }

  /** Null when the address may be contacted, else the reason it may not. */
  check(address: string): string | null {
    let ip: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      ip = ipaddr.parse(stripBrackets(address));
    } catch {
      return `"${address}" is not an IP address`;
    }
    for (const [base, bits] of this.ranges) {
      if (ip.kind() === base.kind() && ip.match(base, bits)) return null;
    }
    const embedded = embeddedIPv4(ip);
    if (embedded) return this.check(embedded.toString());
    const range = ip.range();
    if (this.hosts.has(ip.toString())) return null;
    return range === "unicast" ? null : `${ip.toString()} is a ${range} address`;
  }
}

function stripBrackets(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

function embeddedIPv4(ip: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | null {
  if (ip.kind() !== "ipv6") return null;
  const v6 = ip as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
  const parts = v6.parts;
  const range = v6.range();
  const fromWords = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  // 6to4: 2002:AABB:CCDD::/48 carries AA.BB.CC.DD.
  if (range === "6to4") return fromWords(parts[1]!, parts[2]!);
  // NAT64 (64:ff9b::/96) and IPv4-compatible (::a.b.c.d) keep it in the last 32 bits.
  if (range === "rfc6052" || (parts.slice(0, 6).every((p) => p === 0) && (parts[6]! | parts[7]!) !== 0)) {
    return fromWords(parts[6]!, parts[7]!);
  }
  // Teredo: the client address is the last 32 bits, inverted.
  if (range === "teredo") return fromWords(parts[6]! ^ 0xffff, parts[7]! ^ 0xffff);
  return null;
}
