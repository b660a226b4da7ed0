import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createHarness, type Harness } from "./testing/harness.ts";
import { ConnectorServer } from "./testing/connector-server.ts";
import { MailServer } from "./testing/mail-server.ts";
import { putSecret } from "./testing/workspace-setup.ts";
import { startWorker, type RunningWorker } from "./worker.ts";

/**
 * Connectors against real local services: an SMTP server, a Twilio-shaped and a Reddit-shaped
 * HTTP server, and a second database of the test PostgreSQL standing in for a user's database.
 */
const FAST = { maxAttempts: 3, initialIntervalMs: 100, backoff: 1 };
let h: Harness;
let mail: MailServer;
let api: ConnectorServer;
let worker: RunningWorker;
const extDb = `weft_ext_${randomBytes(4).toString("hex")}`;
let extUrl: string;

function dbUrl(name: string): string {
  const url = new URL(process.env.WEFT_TEST_DATABASE_URL!);
  url.pathname = `/${name}`;
  return url.href;
}

beforeAll(async () => {
  [h, mail, api] = await Promise.all([
    createHarness({ worker: false }),
    new MailServer().start(),
    new ConnectorServer().start(),
  ]);
  worker = await startWorker({ ...h.workerEnv, WEFT_REDDIT_BASE_URL: api.origin });
  const admin = new pg.Client({ connectionString: dbUrl("postgres") });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${extDb}`);
  await admin.end();
  extUrl = dbUrl(extDb);
  const ext = new pg.Client({ connectionString: extUrl });
  await ext.connect();
  await ext.query(
    "CREATE TABLE orders (id int PRIMARY KEY, customer text NOT NULL, total numeric(10,2) NOT NULL)",
  );
  await ext.query("INSERT INTO orders SELECT g, 'customer ' || g, g * 10.5 FROM generate_series(1, 50) g");
  await ext.end();
  await putSecret(h, "SMTP_URL", mail.url);
  await putSecret(h, "TWILIO", `${api.accountSid}:${api.authToken}`);
  await putSecret(h, "SHOP_DB", extUrl);
  await putSecret(h, "METADATA_DB", "postgres://meta:metapass@169.254.169.254:5432/x");
});
afterAll(async () => {
  await worker?.shutdown();
  await h?.close();
  await mail?.stop();
  await api?.stop();
  const admin = new pg.Client({ connectionString: dbUrl("postgres") });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${extDb} WITH (FORCE)`);
  await admin.end();
});

async function runNodes(nodes: unknown[], edges: unknown[] = []) {
  const agent = await h.createAgent({ version: 1, inputs: {}, nodes, edges });
  return h.finish(await h.startRun(agent));
}

test("email.send: delivered over SMTP with auth; Message-ID and Idempotency-Key from the run and node", async () => {
  const { run, nodes } = await runNodes([
    {
      id: "mail",
      type: "email.send",
      config: {
        to: ["team@example.com", "ops@example.com"],
        subject: "Weekly digest",
        text: "Three things happened.",
        smtpSecret: "SMTP_URL",
      },
    },
  ]);
  expect(run.status).toBe("SUCCEEDED");
  const msg = mail.messages.at(-1)!;
  expect(msg.user).toBe(mail.user);
  expect(msg.from).toBe(mail.user);
  expect(msg.to).toEqual(["team@example.com", "ops@example.com"]);
  expect(msg.subject).toBe("Weekly digest");
  expect(msg.text).toBe("Three things happened.");
  expect(msg.headers["idempotency-key"]).toBe(`${run.id}:mail`);
  expect(msg.headers["message-id"]).toMatch(/^<weft\.[0-9a-f]{32}@weft\.test>$/);
  expect(nodes.mail!.output).toEqual({ messageId: msg.headers["message-id"], accepted: msg.to });
  // The SMTP URL (with its password) was fetched by the node itself and is still redacted.
  expect(JSON.stringify(nodes)).not.toContain(mail.pass);
});

test("email.send: a rejected login fails without retrying", async () => {
  await putSecret(h, "SMTP_BAD", mail.url.replace(encodeURIComponent(mail.pass), "wrong"));
  const { run, nodes } = await runNodes([
    {
      id: "m",
      type: "email.send",
      config: { to: ["a@example.com"], subject: "x", text: "y", smtpSecret: "SMTP_BAD" },
      retry: FAST,
    },
  ]);
  expect(run.status).toBe("FAILED");
  expect(nodes.m!.error).toMatch(/^SMTP: Invalid login/);
  expect(nodes.m!.failedAttempts).toBe(1);
});

test("sms.send: Twilio Messages API shape, basic auth, Idempotency-Key; a bad number is not retried", async () => {
  const { run, nodes } = await runNodes([
    {
      id: "sms",
      type: "sms.send",
      config: {
        to: "+15551234567",
        from: "+15557654321",
        body: "Deploy finished",
        accountSecret: "TWILIO",
        baseUrl: api.origin,
      },
    },
  ]);
  expect(run.status).toBe("SUCCEEDED");
  const req = api.requests.at(-1)!;
  expect(req.path).toBe(`/2010-04-01/Accounts/${api.accountSid}/Messages.json`);
  expect(req.headers["idempotency-key"]).toBe(`${run.id}:sms`);
  expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({
    To: "+15551234567",
    From: "+15557654321",
    Body: "Deploy finished",
  });
  expect(nodes.sms!.output).toEqual({ messageId: api.sms.get(`${run.id}:sms`)!.sid, status: "queued" });
  expect(JSON.stringify(nodes)).not.toContain(api.authToken);

  const bad = await runNodes([
    {
      id: "sms",
      type: "sms.send",
      config: {
        to: "+15550000000",
        from: "+15557654321",
        body: "x",
        accountSecret: "TWILIO",
        baseUrl: api.origin,
      },
      retry: FAST,
    },
  ]);
  expect(bad.run.status).toBe("FAILED");
  expect(bad.nodes.sms!.error).toBe(
    "the SMS API answered 400: The 'To' number +15550000000 is not a valid phone number. (code 21211)",
  );
  expect(bad.nodes.sms!.failedAttempts).toBe(1);
});

test("reddit.top and reddit.search: public JSON listings through the SSRF-safe client", async () => {
  const { run, nodes } = await runNodes([
    { id: "top", type: "reddit.top", config: { subreddit: "typescript", t: "week", limit: 3 } },
    {
      id: "find",
      type: "reddit.search",
      config: { query: "temporal workflows", subreddit: "node", sort: "top", limit: 2 },
    },
  ]);
  expect(run.status).toBe("SUCCEEDED");
  const top = api.requests.find((r) => r.path === "/r/typescript/top.json")!;
  expect(Object.fromEntries(top.query)).toEqual({ t: "week", limit: "3", raw_json: "1" });
  const search = api.requests.find((r) => r.path === "/r/node/search.json")!;
  expect(Object.fromEntries(search.query)).toMatchObject({
    q: "temporal workflows",
    restrict_sr: "1",
    sort: "top",
    limit: "2",
  });
  const posts = (nodes.top!.output as { posts: Array<Record<string, unknown>> }).posts;
  expect(posts).toHaveLength(3);
  expect(posts[0]).toEqual({
    id: "p0",
    title: "Post 1 about week & <things>",
    url: "https://example.com/typescript/0",
    permalink: "https://www.reddit.com/r/typescript/comments/p0/post_0/",
    author: "author0",
    score: 100,
    numComments: 5,
    createdUtc: 1_763_000_000,
    selftext: "Body text of the first post.",
  });
  expect((nodes.find!.output as { posts: unknown[] }).posts).toHaveLength(2);

  const missing = await runNodes([
    { id: "top", type: "reddit.top", config: { subreddit: "doesnotexist" }, retry: FAST },
  ]);
  expect(missing.run.status).toBe("FAILED");
  expect(missing.nodes.top!.error).toMatch(/Reddit has no \/r\/doesnotexist/);
  expect(missing.nodes.top!.failedAttempts).toBe(1);
});

test("db.query: parameterised read against the user's database", async () => {
  const { run, nodes } = await runNodes([
    {
      id: "q",
      type: "db.query",
      config: {
        connectionSecret: "SHOP_DB",
        sql: "SELECT id, customer, total FROM orders WHERE id <= $1 AND customer LIKE $2 ORDER BY id",
        params: [3, "customer %"],
      },
    },
  ]);
  expect(run.status).toBe("SUCCEEDED");
  expect(nodes.q!.output).toEqual({
    rows: [
      { id: 1, customer: "customer 1", total: "10.50" },
      { id: 2, customer: "customer 2", total: "21.00" },
      { id: 3, customer: "customer 3", total: "31.50" },
    ],
    rowCount: 3,
  });
  expect(JSON.stringify(nodes)).not.toContain(extUrl);
});

test("db.query: read-only by default (INSERT and escape attempts fail, not retried); readOnly:false writes", async () => {
  const attempts: Array<[string, string]> = [
    ["INSERT INTO orders VALUES (999, 'mallory', 1)", "cannot execute INSERT in a read-only transaction"],
    ["SET TRANSACTION READ WRITE", "transaction read-write mode must be set before any query"],
    [
      "COMMIT; INSERT INTO orders VALUES (998, 'mallory', 1)",
      "cannot insert multiple commands into a prepared statement",
    ],
    [
      "SELECT set_config('transaction_read_only', 'off', false)",
      "transaction read-write mode must be set before any query",
    ],
  ];
  for (const [sql, error] of attempts) {
    const { run, nodes } = await runNodes([
      { id: "w", type: "db.query", config: { connectionSecret: "SHOP_DB", sql }, retry: FAST },
    ]);
    expect(run.status).toBe("FAILED");
    expect(nodes.w!.error).toBe(`PostgreSQL: ${error}`);
    expect(nodes.w!.failedAttempts).toBe(1);
  }
  const ext = new pg.Client({ connectionString: extUrl });
  await ext.connect();
  try {
    expect((await ext.query("SELECT count(*)::int AS n FROM orders WHERE id > 900")).rows[0].n).toBe(0);
    const write = await runNodes([
      {
        id: "w",
        type: "db.query",
        config: {
          connectionSecret: "SHOP_DB",
          sql: "INSERT INTO orders VALUES ($1, $2, $3) RETURNING id",
          params: [777, "allowed", 1],
          readOnly: false,
        },
      },
    ]);
    expect(write.run.status).toBe("SUCCEEDED");
    expect(write.nodes.w!.output).toEqual({ rows: [{ id: 777 }], rowCount: 1 });
    expect((await ext.query("SELECT count(*)::int AS n FROM orders WHERE id = 777")).rows[0].n).toBe(1);
  } finally {
    await ext.end();
  }
});

test("db.query: row limit, statement timeout, and the private-address policy", async () => {
  // One run each: in a single run the first failure would cancel the others.
  const alone = async (id: string, config: Record<string, unknown>) =>
    (await runNodes([{ id, type: "db.query", config, retry: FAST }])).nodes;
  const nodes = {
    ...(await alone("many", { connectionSecret: "SHOP_DB", sql: "SELECT * FROM orders", maxRows: 10 })),
    ...(await alone("slow", {
      connectionSecret: "SHOP_DB",
      sql: "SELECT pg_sleep(5)",
      statementTimeoutMs: 300,
    })),
    ...(await alone("meta", { connectionSecret: "METADATA_DB", sql: "SELECT 1" })),
  };
  expect(nodes.many!.error).toMatch(
    /^the query returned 5\d rows, more than maxRows \(10\); add a LIMIT or raise maxRows$/,
  );
  expect(nodes.slow!.error).toBe("PostgreSQL: canceling statement due to statement timeout");
  expect(nodes.meta!.error).toBe(
    "Refused to connect to postgres://169.254.169.254: 169.254.169.254 is a linkLocal address. Private, loopback and metadata addresses are blocked.",
  );
  for (const id of ["many", "slow", "meta"]) expect(nodes[id]!.failedAttempts).toBe(1);
});
