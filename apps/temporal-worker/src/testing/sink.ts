import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local HTTP server that nodes call in tests: it records every request, applies side effects
 * once per idempotency key (like a well-behaved payment API), and can be slow or flaky on demand.
 */
export class Sink {
  readonly requests: Array<{
    method: string;
    path: string;
    headers: http.IncomingHttpHeaders;
    body: string;
    at: number;
  }> = [];
  /** Side effects applied, by idempotency key (deliveries beyond the first are dropped). */
  readonly effects = new Map<string, number>();
  private readonly flakyCounts = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();
  readonly maxInFlight = new Map<string, number>();
  private server!: http.Server;
  port = 0;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  count(pathPrefix: string): number {
    return this.requests.filter((r) => r.path.startsWith(pathPrefix)).length;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", "http://sink");
    const body = Buffer.concat(chunks).toString();
    this.requests.push({
      method: req.method ?? "GET",
      path: url.pathname + url.search,
      headers: req.headers,
      body,
      at: Date.now(),
    });
    const reply = (status: number, payload: unknown) => {
      if (res.destroyed) return;
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(payload));
    };
    const q = url.searchParams;
    switch (url.pathname) {
      case "/ok":
        return reply(200, { ok: true, method: req.method, query: Object.fromEntries(q) });
      case "/sleep": {
        const group = q.get("group") ?? "default";
        const now = (this.inFlight.get(group) ?? 0) + 1;
        this.inFlight.set(group, now);
        this.maxInFlight.set(group, Math.max(now, this.maxInFlight.get(group) ?? 0));
        await new Promise((r) => setTimeout(r, Number(q.get("ms") ?? 100)));
        this.inFlight.set(group, (this.inFlight.get(group) ?? 1) - 1);
        return reply(200, { slept: Number(q.get("ms")), tag: q.get("tag") });
      }
      case "/flaky": {
        const id = q.get("id") ?? "";
        const seen = (this.flakyCounts.get(id) ?? 0) + 1;
        this.flakyCounts.set(id, seen);
        return seen <= Number(q.get("fail") ?? 0)
          ? reply(503, { error: "try again", seen })
          : reply(200, { seen });
      }
      case "/status":
        return reply(Number(q.get("code") ?? 500), { status: Number(q.get("code")) });
      case "/effect": {
        const key = String(req.headers["idempotency-key"] ?? "");
        if (!this.effects.has(key)) this.effects.set(key, 0);
        this.effects.set(key, this.effects.get(key)! + 1);
        const delay = Number(q.get("ms") ?? 0);
        if (delay) await new Promise((r) => setTimeout(r, delay));
        return reply(200, { applied: true, key });
      }
      case "/echo":
        // ?status=500: a failing service that puts the request in its error body.
        return reply(Number(q.get("status") ?? 200), { headers: req.headers, body });
      default:
        return reply(404, { error: "no such route" });
    }
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
