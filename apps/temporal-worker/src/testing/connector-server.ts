import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

/** Twilio's Messages API and Reddit's public JSON listings, as far as the connectors use them. */
export class ConnectorServer {
  readonly requests: RecordedRequest[] = [];
  readonly accountSid = "AC0123456789abcdef0123456789abcdef";
  readonly authToken = "twilio-token-77aa";
  /** SMS accepted, by idempotency key: a duplicate delivery returns the first message. */
  readonly sms = new Map<string, { sid: string; to: string; from: string; body: string }>();
  private server!: http.Server;
  port = 0;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", "http://x");
    const body = Buffer.concat(chunks).toString("utf8");
    this.requests.push({
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      at: Date.now(),
    });
    const json = (status: number, payload: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(payload));

    // ── Twilio ──
    const sms = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(url.pathname);
    if (sms) {
      const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString("base64")}`;
      if (req.headers.authorization !== expected || sms[1] !== this.accountSid) {
        return json(401, {
          code: 20003,
          message: "Authentication Error - invalid username",
          more_info: "https://www.twilio.com/docs/errors/20003",
          status: 401,
        });
      }
      if (req.method !== "POST" || req.headers["content-type"] !== "application/x-www-form-urlencoded") {
        return json(400, { code: 20001, message: "expected a form-encoded POST", status: 400 });
      }
      const form = new URLSearchParams(body);
      const [to, from, text] = [form.get("To"), form.get("From"), form.get("Body")];
      if (!to || !from || !text)
        return json(400, { code: 21604, message: "A 'To', 'From' and 'Body' are required", status: 400 });
      if (to === "+15550000000")
        return json(400, {
          code: 21211,
          message: `The 'To' number ${to} is not a valid phone number.`,
          status: 400,
        });
      const key = String(req.headers["idempotency-key"] ?? "");
      const existing = this.sms.get(key);
      const message = existing ?? {
        sid: `SM${Math.random().toString(16).slice(2).padEnd(32, "0").slice(0, 32)}`,
        to,
        from,
        body: text,
      };
      if (key) this.sms.set(key, message);
      return json(201, {
        sid: message.sid,
        account_sid: this.accountSid,
        to: message.to,
        from: message.from,
        body: message.body,
        status: "queued",
        num_segments: "1",
        direction: "outbound-api",
        api_version: "2010-04-01",
        date_created: new Date().toUTCString(),
        uri: `/2010-04-01/Accounts/${this.accountSid}/Messages/${message.sid}.json`,
      });
    }

    // ── Reddit ──
    const ua = String(req.headers["user-agent"] ?? "");
    if (url.pathname.endsWith(".json") && !/^\S+:\S+:\S+ \(by \/u\/\S+\)$/.test(ua)) {
      // Reddit answers generic user agents with 429s; insist on its documented format.
      return json(429, { message: "Too Many Requests", error: 429 });
    }
    const top = /^\/r\/([A-Za-z0-9_]+)\/top\.json$/.exec(url.pathname);
    if (top) {
      if (top[1] === "doesnotexist") {
        res.writeHead(302, { location: `/subreddits/search.json?q=${top[1]}` }).end();
        return;
      }
      return json(
        200,
        listing(top[1]!, Number(url.searchParams.get("limit") ?? 25), url.searchParams.get("t") ?? "day"),
      );
    }
    if (url.pathname === "/search.json" || /^\/r\/[A-Za-z0-9_]+\/search\.json$/.test(url.pathname)) {
      const q = url.searchParams.get("q") ?? "";
      return json(
        200,
        listing(url.pathname.split("/")[2] ?? "all", Number(url.searchParams.get("limit") ?? 25), q),
      );
    }
    return json(404, { message: "Not Found", error: 404 });
  }
}

/** A Reddit Listing: `{ kind: "Listing", data: { children: [{ kind: "t3", data: {...} }] } }`. */
function listing(subreddit: string, limit: number, tag: string) {
  const children = Array.from({ length: Math.min(limit, 3) }, (_, i) => ({
    kind: "t3",
    data: {
      id: `p${i}`,
      name: `t3_p${i}`,
      subreddit,
      title: `Post ${i + 1} about ${tag} & <things>`,
      url: `https://example.com/${subreddit}/${i}`,
      permalink: `/r/${subreddit}/comments/p${i}/post_${i}/`,
      author: `author${i}`,
      score: 100 - i * 10,
      num_comments: 5 + i,
      created_utc: 1_763_000_000 + i,
      selftext: i === 0 ? "Body text of the first post." : "",
      over_18: false,
    },
  }));
  return {
    kind: "Listing",
    data: { after: null, dist: children.length, modhash: "", children, before: null },
  };
}
