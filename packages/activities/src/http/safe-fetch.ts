import dns from "node:dns";
import net from "node:net";
import { Agent, request, type Dispatcher } from "undici";
import { AddressPolicy } from "./address-policy.ts";

/** Refused destination; never retried (the answer would not change). */
export class BlockedDestinationError extends Error {
  readonly code = "SSRF_BLOCKED";
  constructor(url: string, reason: string) {
    super(`Refused to connect to ${url}: ${reason}. Private, loopback and metadata addresses are blocked.`);
    this.name = "BlockedDestinationError";
  }
}

export class ResponseTooLargeError extends Error {
  readonly code = "RESPONSE_TOO_LARGE";
  constructor(limit: number) {
    super(`Response body exceeded ${limit} bytes`);
    this.name = "ResponseTooLargeError";
  }
}

export interface SafeFetchOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
  followRedirects?: boolean;
  maxRedirects?: number;
  maxResponseBytes?: number;
  signal?: AbortSignal;
  /**
   * Called with each body chunk of the final response as it arrives (server-sent events); the
   * body is still collected and returned. Not called for redirects.
   */
  onChunk?: (chunk: Buffer, status: number) => void;
}

export interface SafeResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The URL that answered, after redirects. */
  url: string;
  redirects: string[];
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/**
 * HTTP(S) client for user-configured URLs. The address check runs inside the socket's own DNS
 * lookup, so the address that is checked is the address that is connected to (no DNS-rebinding
 * window), and it runs again on every redirect hop.
 */
export class SafeHttpClient {
  private readonly dispatcher: Dispatcher;

  constructor(private readonly policy: AddressPolicy) {
    const lookup = (hostname: string, options: dns.LookupOptions, callback: LookupCallback) => {
      dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
        if (err) return callback(err, []);
        const list = addresses as dns.LookupAddress[];
        const trusted = this.policy.hostAllowed(hostname);
        for (const a of trusted ? [] : list) {
          const reason = this.policy.check(a.address);
          if (reason) {
            const blocked = Object.assign(
              new BlockedDestinationError(hostname, `${hostname} resolves to ${reason}`),
              {
                errno: undefined,
              },
            ) as NodeJS.ErrnoException;
            return callback(blocked, []);
          }
        }
        if (options.all) return callback(null, list);
        const first = list[0];
        if (!first)
          return callback(Object.assign(new Error(`No address for ${hostname}`), { code: "ENOTFOUND" }), []);
        callback(null, first.address, first.family);
      });
    };
    this.dispatcher = new Agent({ connect: { lookup: lookup as never }, connections: 64 });
  }

  async fetch(url: string, opts: SafeFetchOptions = {}): Promise<SafeResponse> {
    const maxRedirects = opts.followRedirects === false ? 0 : (opts.maxRedirects ?? 5);
    const maxBytes = opts.maxResponseBytes ?? 10 * 1024 * 1024;
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const redirects: string[] = [];
    let method = (opts.method ?? "GET").toUpperCase();
    let body = opts.body;
    let current = url;

    for (let hop = 0; ; hop++) {
      const target = this.vet(current);
      const response = await request(target, {
        method: method as Dispatcher.HttpMethod,
        headers: opts.headers,
        body: method === "GET" || method === "HEAD" ? undefined : body,
        dispatcher: this.dispatcher,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: opts.signal,
      }).catch((err: unknown) => {
        throw unwrapBlocked(err) ?? err;
      });
      const location = response.headers.location;
      if (response.statusCode >= 300 && response.statusCode < 400 && location && hop < maxRedirects) {
        await response.body.dump();
        current = new URL(String(location), target).href;
        redirects.push(current);
        // 303 always, and 301/302 for POST, turn into GET without a body (what browsers do).
        if (
          response.statusCode === 303 ||
          ((response.statusCode === 301 || response.statusCode === 302) && method === "POST")
        ) {
          method = "GET";
          body = undefined;
        }
        continue;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size > maxBytes) {
          response.body.destroy();
          throw new ResponseTooLargeError(maxBytes);
        }
        chunks.push(chunk as Buffer);
        opts.onChunk?.(chunk as Buffer, response.statusCode);
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(response.headers)) {
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : String(v);
      }
      return {
        status: response.statusCode,
        headers,
        body: Buffer.concat(chunks),
        url: target.href,
        redirects,
      };
    }
  }

  /** Scheme, credentials and literal-IP checks; names are checked at connect time by `lookup`. */
  private vet(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new BlockedDestinationError(raw, "not a valid absolute URL");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new BlockedDestinationError(raw, `scheme ${url.protocol} is not allowed (use http or https)`);
    }
    if (this.policy.hostAllowed(url.hostname)) return url;
    // WHATWG parsing already turned octal, hex and dword forms (0x7f.1, 017700000001, 2130706433)
    // into dotted quads, so a literal IP is checked here, where no DNS lookup will happen.
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (net.isIP(host)) {
      const reason = this.policy.check(host);
      if (reason) throw new BlockedDestinationError(raw, reason);
    } else if (host === "localhost" || host.endsWith(".localhost")) {
      throw new BlockedDestinationError(raw, "localhost is a loopback name");
    }
    return url;
  }

  /** The address policy, for clients that connect without HTTP (db.query checks hosts with it). */
  get addressPolicy(): AddressPolicy {
    return this.policy;
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}

function unwrapBlocked(err: unknown): BlockedDestinationError | null {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof BlockedDestinationError) return e;
  }
  return null;
}
