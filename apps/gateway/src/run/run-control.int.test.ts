// Run control end to end through the public API: a real gateway, a real worker (in-process, same
// code as apps/temporal-worker), the Temporal dev server and Postgres. Also a second gateway as a
// separate OS process, to prove events reach subscribers of any instance via LISTEN/NOTIFY.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadEnv } from "../../../temporal-worker/src/env.ts";
import { Sink } from "../../../temporal-worker/src/testing/sink.ts";
import { startWorker, type RunningWorker } from "../../../temporal-worker/src/worker.ts";
import { generateMasterKeyEntry, parseKeyring } from "@weft/db/secrets";
import { OPS, createAgent } from "../testing/fixtures.ts";
import {
  TEST_AUTH_SECRET,
  createWorkspace,
  errorCode,
  gql,
  ok,
  signUp,
  startHarness,
  wsClient,
  type Harness,
  type TestUser,
} from "../testing/harness.ts";

const QUEUE = `weft-gw-test-${process.pid}`;
const MASTER_KEY = generateMasterKeyEntry(1);
let h: Harness;
let worker: RunningWorker;
let sink: Sink;
let owner: TestUser;
let workspaceId: string;

beforeAll(async () => {
  sink = await new Sink().start();
  // Gateway (encrypts secrets) and worker (decrypts them) share one master key, as in production.
  h = await startHarness({ taskQueue: QUEUE, keyring: parseKeyring(MASTER_KEY) });
  worker = await startWorker(
    loadEnv({
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
      APP_DATABASE_URL: h.db.appUrl,
      TEMPORAL_TASK_QUEUE: QUEUE,
      WEFT_HTTP_ALLOWLIST: "127.0.0.1",
      WEFT_MASTER_KEY: MASTER_KEY,
      NODE_ENV: "test",
    }),
  );
  owner = await signUp(h.gateway, "runner");
  workspaceId = await createWorkspace(h.gateway, owner, "Runs");
}, 120_000);

afterAll(async () => {
  if (h?.logged.length) console.error("gateway INTERNAL errors:", h.logged);
  await worker?.shutdown();
  await h?.close();
  await sink?.stop();
});

const RUN_FIELDS = "id status trigger error output input version { id number }";
const START = `mutation ($a: ID!, $input: JSON, $v: ID) { startRun(agentId: $a, input: $input, versionId: $v) { ${RUN_FIELDS} } }`;
const EVENTS = `subscription ($r: ID!, $after: Int) { runEvents(runId: $r, afterSeq: $after) { seq runId type nodeId status data } }`;

async function published(graph: unknown, token = owner.token): Promise<string> {
  const agentId = await createAgent(h.gateway, token, workspaceId, graph);
  await ok(h.gateway, token, OPS.publishAgent, { agentId });
  return agentId;
}

interface Event {
  seq: number;
  type: string;
  nodeId: string | null;
  status: string | null;
  data: unknown;
}

/** Subscribes over graphql-ws and collects events until the server completes the stream. */
function collect(
  url: string | null,
  token: string,
  runId: string,
  afterSeq?: number,
  onEvent?: (e: Event) => void,
) {
  const client = wsClient(url ? ({ ...h.gateway, wsUrl: url } as never) : h.gateway, {
    authorization: `Bearer ${token}`,
  });
  const events: Event[] = [];
  const done = new Promise<{ events: Event[]; error?: unknown }>((resolve) => {
    client.subscribe<{ runEvents: Event }>(
      { query: EVENTS, variables: { r: runId, ...(afterSeq !== undefined ? { after: afterSeq } : {}) } },
      {
        next: (value) => {
          if (value.errors) return resolve({ events, error: value.errors });
          const e = value.data!.runEvents;
          events.push(e);
          onEvent?.(e);
        },
        error: (error) => resolve({ events, error }),
        complete: () => resolve({ events }),
      },
    );
  });
  return done.finally(() => client.dispose());
}

const flow = {
  version: 1,
  inputs: { who: { type: "string", default: "world" } },
  nodes: [
    { id: "greet", type: "transform", config: { expression: "'hello ' & input.who" } },
    { id: "say", type: "log", config: { message: "{{nodes.greet.output}}" } },
  ],
  edges: [{ from: "greet", to: "say" }],
};

test("startRun runs the live version; runEvents replays then streams to completion, in order", async () => {
  const agentId = await published(flow);
  const { startRun } = await ok<{
    startRun: { id: string; status: string; trigger: string; input: unknown; version: { number: number } };
  }>(h.gateway, owner.token, START, { a: agentId, input: { who: "Weft" } });
  expect(startRun).toMatchObject({ trigger: "MANUAL", input: { who: "Weft" }, version: { number: 1 } });
  const { events, error } = await collect(null, owner.token, startRun.id);
  expect(error).toBeUndefined();
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events[0]!.type).toBe("run.queued");
  expect(events.at(-1)!.type).toBe("run.succeeded");
  const { run } = await ok<{ run: { status: string; output: unknown } }>(
    h.gateway,
    owner.token,
    `query ($id: ID!) { run(id: $id) { status output } }`,
    {
      id: startRun.id,
    },
  );
  expect(run).toEqual({ status: "SUCCEEDED", output: { say: { message: "hello Weft", level: "info" } } });

  // A client that reconnects with the last seq it saw gets exactly the rest.
  const resumed = await collect(null, owner.token, startRun.id, 3);
  expect(resumed.events.map((e) => e.seq)).toEqual(events.slice(3).map((e) => e.seq));
});

test("bad input is BAD_USER_INPUT naming the input; an unpublished agent names versionId", async () => {
  const agentId = await published({ ...flow, inputs: { who: { type: "string", required: true } } });
  const bad = await gql(h.gateway, owner.token, START, { a: agentId, input: { who: 5, extra: 1 } });
  expect(errorCode(bad)).toBe("BAD_USER_INPUT");
  const details = bad.json.errors![0]!.extensions!["details"] as { issues: Array<{ path: string[] }> };
  const paths = details.issues.map((i) => i.path.join("."));
  expect(paths).toEqual(expect.arrayContaining(["input.who", "input.extra"]));
  // Text PostgreSQL cannot store (found by the fuzz drill) is the input's fault, not a server error.
  const nul = await gql(h.gateway, owner.token, START, { a: agentId, input: { who: "a\u0000b" } });
  expect(errorCode(nul)).toBe("BAD_USER_INPUT");
  expect(JSON.stringify(nul.json.errors![0]!.extensions)).toContain('"input","who"');

  const draftOnly = await createAgent(h.gateway, owner.token, workspaceId, flow);
  const unpublished = await gql(h.gateway, owner.token, START, { a: draftOnly });
  expect(errorCode(unpublished)).toBe("BAD_USER_INPUT");
  expect(JSON.stringify(unpublished.json.errors)).toContain("versionId");
});

test("versionId: another agent's version or a non-UUID is NOT_FOUND and writes nothing; an empty one means the live version", async () => {
  const agentId = await published(flow);
  const other = await published(flow);
  const otherVersion = await h.admin.agent.findUniqueOrThrow({ where: { id: other } });
  const runsBefore = await h.admin.run.count({ where: { agentId } });
  for (const v of [otherVersion.liveVersionId!, "not-a-uuid", crypto.randomUUID()]) {
    const refused = await gql(h.gateway, owner.token, START, { a: agentId, v });
    expect(errorCode(refused)).toBe("NOT_FOUND");
    expect(refused.json.errors![0]!.message).toBe("Version not found");
  }
  expect(await h.admin.run.count({ where: { agentId } })).toBe(runsBefore);
  // An agent that is not found answers first, whatever the version.
  const noAgent = await gql(h.gateway, owner.token, START, { a: crypto.randomUUID(), v: "not-a-uuid" });
  expect(noAgent.json.errors![0]!.message).toBe("Agent not found");
  const { startRun } = await ok<{ startRun: { id: string } }>(h.gateway, owner.token, START, {
    a: agentId,
    v: "",
  });
  const live = await h.admin.agent.findUniqueOrThrow({ where: { id: agentId } });
  expect((await h.admin.run.findUniqueOrThrow({ where: { id: startRun.id } })).versionId).toBe(
    live.liveVersionId,
  );
  // The start is audited with the run it made.
  expect(
    await h.admin.auditEvent.findMany({
      where: { targetId: startRun.id },
      select: { action: true, data: true },
    }),
  ).toEqual([{ action: "run.start", data: { agentId, versionId: live.liveVersionId } }]);
});

test("workspaceRuns streams each status change of the workspace's own runs, never another workspace's; a stranger is refused", async () => {
  const WATCH = `subscription ($w: ID!) { workspaceRuns(workspaceId: $w) { id status costUsd version { id } } }`;
  const client = wsClient(h.gateway, { authorization: `Bearer ${owner.token}` });
  const seen: Array<{ id: string; status: string; costUsd: number; version: { id: string } }> = [];
  const watchers: Array<() => void> = [];
  const errors: unknown[] = [];
  client.subscribe<{ workspaceRuns: (typeof seen)[number] }>(
    { query: WATCH, variables: { w: workspaceId } },
    {
      next: (value) => {
        if (value.errors) errors.push(value.errors);
        if (value.data) seen.push(value.data.workspaceRuns);
        for (const w of watchers) w();
      },
      error: (e) => errors.push(e),
      complete: () => {},
    },
  );
  const finishedOn = (id: string, ms: number) =>
    new Promise<boolean>((resolve) => {
      const check = () => seen.some((r) => r.id === id && r.status === "SUCCEEDED") && resolve(true);
      watchers.push(check);
      check();
      setTimeout(() => resolve(false), ms);
    });
  try {
    const agentId = await published(flow);
    // graphql-ws does not acknowledge a subscribe: start runs until one is seen from the start.
    let runId = "";
    for (let attempt = 0; attempt < 10; attempt++) {
      runId = (await ok<{ startRun: { id: string } }>(h.gateway, owner.token, START, { a: agentId })).startRun
        .id;
      if (await finishedOn(runId, 5_000)) break;
      break;
    }
    // One answer per status change, each the row as read then (so a quick run may show a later
    // status twice): in lifecycle order, ending SUCCEEDED.
    const mine = seen.filter((r) => r.id === runId);
    const order = ["QUEUED", "RUNNING", "SUCCEEDED"];
    const ranks = mine.map((r) => order.indexOf(r.status));
    expect(ranks.every((rank, i) => rank >= 0 && (i === 0 || rank >= ranks[i - 1]!))).toBe(true);
    expect(mine.length).toBeGreaterThanOrEqual(2);
    const row = await h.admin.run.findUniqueOrThrow({ where: { id: runId } });
    expect(mine.at(-1)).toEqual({
      id: runId,
      status: "SUCCEEDED",
      costUsd: 0,
      version: { id: row.versionId },
    });

    // Another tenant's run, finished before one more of ours: never on this stream.
    const other = await signUp(h.gateway, "elsewhere");
    const otherWs = await createWorkspace(h.gateway, other, "Elsewhere");
    const otherAgent = await createAgent(h.gateway, other.token, otherWs, flow);
    await ok(h.gateway, other.token, OPS.publishAgent, { agentId: otherAgent });
    const theirs = (await ok<{ startRun: { id: string } }>(h.gateway, other.token, START, { a: otherAgent }))
      .startRun.id;
    await expect
      .poll(async () => (await h.admin.run.findUniqueOrThrow({ where: { id: theirs } })).status, {
        timeout: 30_000,
      })
      .toBe("SUCCEEDED");
    const after = (await ok<{ startRun: { id: string } }>(h.gateway, owner.token, START, { a: agentId }))
      .startRun.id;
    expect(await finishedOn(after, 30_000)).toBe(true);
    expect(seen.some((r) => r.id === theirs)).toBe(false);
    expect(errors).toEqual([]);

    // A stranger to the workspace is refused as for an id that does not exist.
    const stranger = wsClient(h.gateway, { authorization: `Bearer ${other.token}` });
    try {
      const refused = await new Promise<unknown>((resolve) => {
        stranger.subscribe(
          { query: WATCH, variables: { w: workspaceId } },
          { next: (v) => resolve(v.errors), error: resolve, complete: () => resolve("completed") },
        );
      });
      expect(JSON.stringify(refused)).toContain("NOT_FOUND");
    } finally {
      await stranger.dispose();
    }
  } finally {
    await client.dispose();
  }
});

test("cancelRun stops a running run", async () => {
  const agentId = await published({
    version: 1,
    inputs: {},
    nodes: [{ id: "wait", type: "delay", config: { ms: 60_000 } }],
    edges: [],
  });
  const { startRun } = await ok<{ startRun: { id: string } }>(h.gateway, owner.token, START, { a: agentId });
  const seen = collect(null, owner.token, startRun.id, undefined, (e) => {
    if (e.type === "node.started")
      void gql(h.gateway, owner.token, `mutation ($r: ID!) { cancelRun(runId: $r) { id } }`, {
        r: startRun.id,
      });
  });
  const { events } = await seen;
  expect(events.at(-1)!.type).toBe("run.cancelled");
  const again = await gql(h.gateway, owner.token, `mutation ($r: ID!) { cancelRun(runId: $r) { id } }`, {
    r: startRun.id,
  });
  expect(errorCode(again)).toBe("BAD_USER_INPUT");
});

test("retryRun reuses the succeeded node and repeats no side effect", async () => {
  const agentId = await published({
    version: 1,
    inputs: {},
    nodes: [
      {
        id: "charge",
        type: "http.request",
        config: { url: sink.url("/effect?id=gw-retry"), method: "POST" },
      },
      {
        id: "confirm",
        type: "http.request",
        config: { url: sink.url("/flaky?id=gw-retry&fail=1") },
        retry: { maxAttempts: 1, initialIntervalMs: 100, backoff: 1 },
      },
    ],
    edges: [{ from: "charge", to: "confirm" }],
  });
  const { startRun } = await ok<{ startRun: { id: string } }>(h.gateway, owner.token, START, { a: agentId });
  const first = await collect(null, owner.token, startRun.id);
  expect(first.events.at(-1)!.type).toBe("run.failed");
  const { retryRun } = await ok<{ retryRun: { id: string } }>(
    h.gateway,
    owner.token,
    `mutation ($r: ID!) { retryRun(runId: $r) { id } }`,
    {
      r: startRun.id,
    },
  );
  const second = await collect(null, owner.token, retryRun.id);
  expect(second.events.at(-1)!.type).toBe("run.succeeded");
  expect(sink.count("/effect?id=gw-retry")).toBe(1);
  const retried = await h.admin.run.findUnique({ where: { id: retryRun.id } });
  expect(retried!.retryOfRunId).toBe(startRun.id);
});

describe("approvals", () => {
  const approvalFlow = {
    version: 1,
    inputs: {},
    nodes: [
      { id: "ask", type: "approval", config: { message: "Send it?" } },
      { id: "send", type: "log", config: { message: "sent" } },
    ],
    edges: [{ from: "ask", to: "send" }],
  };
  const APPROVE = `mutation ($r: ID!, $n: ID!, $ok: Boolean!, $c: String) { approveNode(runId: $r, nodeId: $n, approved: $ok, comment: $c) { nodeId status } }`;

  test("an EDITOR approves a waiting step; a VIEWER cannot; a stranger gets NOT_FOUND", async () => {
    const viewer = await signUp(h.gateway, "viewer");
    await ok(
      h.gateway,
      owner.token,
      `mutation ($w: ID!, $e: String!) { inviteMember(workspaceId: $w, email: $e, role: VIEWER) { role } }`,
      {
        w: workspaceId,
        e: viewer.email,
      },
    );
    const stranger = await signUp(h.gateway, "stranger");
    const agentId = await published(approvalFlow);
    const { startRun } = await ok<{ startRun: { id: string } }>(h.gateway, owner.token, START, {
      a: agentId,
    });
    let waiting!: () => void;
    const isWaiting = new Promise<void>((r) => (waiting = r));
    const stream = collect(
      null,
      owner.token,
      startRun.id,
      undefined,
      (e) => e.type === "node.waiting" && waiting(),
    );
    await isWaiting;
    const asViewer = await gql(h.gateway, viewer.token, APPROVE, { r: startRun.id, n: "ask", ok: true });
    expect(errorCode(asViewer)).toBe("FORBIDDEN");
    // A comment PostgreSQL cannot store would fail the run's bookkeeping after the signal.
    const nulComment = await gql(h.gateway, owner.token, APPROVE, {
      r: startRun.id,
      n: "ask",
      ok: true,
      c: "ok\u0000",
    });
    expect(errorCode(nulComment)).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(nulComment.json.errors![0]!.extensions)).toContain('"comment"');
    const asStranger = await gql(h.gateway, stranger.token, APPROVE, { r: startRun.id, n: "ask", ok: true });
    expect(errorCode(asStranger)).toBe("NOT_FOUND");
    const strangerStream = await collect(null, stranger.token, startRun.id);
    expect(JSON.stringify(strangerStream.error)).toContain("NOT_FOUND");
    await ok(h.gateway, owner.token, APPROVE, { r: startRun.id, n: "ask", ok: true, c: "ship it" });
    const { events } = await stream;
    expect(events.at(-1)!.type).toBe("run.succeeded");
    const audit = await h.admin.auditEvent.findFirst({ where: { workspaceId, action: "run.approve" } });
    expect(audit).toMatchObject({ targetId: startRun.id, actorUserId: owner.id });
  });
  test("a client that unsubscribes while its run waits leaves no stream behind, for both subscriptions", async () => {
    const agentId = await published(approvalFlow);
    const { startRun } = await ok<{ startRun: { id: string } }>(h.gateway, owner.token, START, {
      a: agentId,
    });
    const before = h.gateway.openRunStreams();
    const client = wsClient(h.gateway, { authorization: `Bearer ${owner.token}` });
    let waiting!: () => void;
    const isWaiting = new Promise<void>((r) => (waiting = r));
    const unsubscribe = [
      client.subscribe<{ runEvents: Event }>(
        { query: EVENTS, variables: { r: startRun.id } },
        {
          next: (value) => value.data?.runEvents.type === "node.waiting" && waiting(),
          error: () => {},
          complete: () => {},
        },
      ),
      client.subscribe(
        {
          query: `subscription ($w: ID!) { workspaceRuns(workspaceId: $w) { id status } }`,
          variables: { w: workspaceId },
        },
        { next: () => {}, error: () => {}, complete: () => {} },
      ),
    ];
    await isWaiting;
    // Both streams now wait for a NOTIFY that will not come until someone approves.
    await expect.poll(() => h.gateway.openRunStreams(), { timeout: 10_000 }).toBe(before + 2);
    for (const stop of unsubscribe) stop();
    // Before the fix they stayed until the run's next event (here: never, the run waits).
    await expect.poll(() => h.gateway.openRunStreams(), { timeout: 10_000 }).toBe(before);
    await client.dispose();
    await ok(h.gateway, owner.token, APPROVE, { r: startRun.id, n: "ask", ok: true });
  });
  test("forty subscribers of one run each receive every event once, in order (shared reads)", async () => {
    const agentId = await published({
      ...approvalFlow,
      nodes: [
        ...approvalFlow.nodes,
        { id: "t1", type: "transform", config: { expression: "1" } },
        { id: "t2", type: "transform", config: { expression: "2" } },
      ],
      edges: [...approvalFlow.edges, { from: "send", to: "t1" }, { from: "t1", to: "t2" }],
    });
    const { startRun } = await ok<{ startRun: { id: string } }>(h.gateway, owner.token, START, {
      a: agentId,
    });
    const live: Array<Promise<void>> = [];
    const streams = Array.from({ length: 40 }, () => {
      let waiting!: () => void;
      live.push(new Promise<void>((r) => (waiting = r)));
      return collect(
        null,
        owner.token,
        startRun.id,
        undefined,
        (e) => e.type === "node.waiting" && waiting(),
      );
    });
    await Promise.all(live);
    await ok(h.gateway, owner.token, APPROVE, { r: startRun.id, n: "ask", ok: true });
    const results = await Promise.all(streams);
    const stored = await h.admin.runEvent.findMany({
      where: { runId: startRun.id },
      orderBy: { seq: "asc" },
    });
    expect(stored.at(-1)!.type).toBe("run.succeeded");
    for (const { events, error } of results) {
      expect(error).toBeUndefined();
      expect(events.map((e) => e.seq)).toEqual(stored.map((e) => e.seq));
    }
  });
});

test("a run started through one gateway streams its events to a subscriber on another gateway process", async () => {
  const root = path.resolve(import.meta.dirname, "../../../..");
  const second: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", path.join(root, "apps/gateway/src/main.ts")],
    {
      // tsx applies a tsconfig only to the files it includes: run from the app for its decorators.
      cwd: path.join(root, "apps/gateway"),
      env: {
        ...process.env,
        NODE_ENV: "test",
        GATEWAY_PORT: "0",
        APP_DATABASE_URL: h.db.appUrl,
        WEFT_AUTH_SECRET: TEST_AUTH_SECRET,
        TEMPORAL_TASK_QUEUE: QUEUE,
        TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        const m = /gateway listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!.replace(/^http/, "ws"));
      };
      second.stdout!.on("data", onData);
      second.stderr!.on("data", onData);
      second.once("exit", (code) => reject(new Error(`second gateway exited ${code}: ${out}`)));
    });
    const agentId = await published({
      version: 1,
      inputs: {},
      nodes: [
        { id: "wait", type: "delay", config: { ms: 1500 } },
        { id: "after", type: "log", config: { message: "x" } },
      ],
      edges: [{ from: "wait", to: "after" }],
    });
    const { startRun } = await ok<{ startRun: { id: string } }>(h.gateway, owner.token, START, {
      a: agentId,
    });
    const { events, error } = await collect(url, owner.token, startRun.id);
    expect(error).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        "run.queued",
        "run.started",
        "node.started",
        "node.succeeded",
        "run.succeeded",
      ]),
    );
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  } finally {
    second.kill("SIGTERM");
  }
});

describe("schedules", () => {
  const UPSERT = `mutation ($a: ID!, $cron: String!, $tz: String, $input: JSON, $on: Boolean) {
    upsertSchedule(agentId: $a, cron: $cron, timezone: $tz, input: $input, enabled: $on) { id cron timezone enabled input nextFireTimes agent { id } } }`;

  test("bad cron or time zone is BAD_USER_INPUT naming the field", async () => {
    const agentId = await published(flow);
    const badCron = await gql(h.gateway, owner.token, UPSERT, { a: agentId, cron: "61 * * * *" });
    expect(errorCode(badCron)).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(badCron.json.errors![0]!.extensions)).toContain('"cron"');
    const badZone = await gql(h.gateway, owner.token, UPSERT, {
      a: agentId,
      cron: "0 8 * * *",
      tz: "Mars/Olympus",
    });
    expect(errorCode(badZone)).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(badZone.json.errors![0]!.extensions)).toContain('"timezone"');
  });

  test("an agent that was never published cannot be scheduled: BAD_USER_INPUT on agentId, nothing created", async () => {
    const agentId = await createAgent(h.gateway, owner.token, workspaceId);
    const refused = await gql(h.gateway, owner.token, UPSERT, { a: agentId, cron: "0 8 * * *" });
    expect(errorCode(refused)).toBe("BAD_USER_INPUT");
    expect((refused.json.errors![0]!.extensions!["details"] as { issues: unknown }).issues).toEqual([
      { path: ["agentId"], message: expect.stringMatching(/no published version/) },
    ]);
    expect(await h.admin.schedule.count({ where: { agentId } })).toBe(0);
  });

  test("a schedule triggered now creates a SCHEDULE run on the live version; pause, update, delete", async () => {
    const agentId = await published(flow);
    const { upsertSchedule } = await ok<{
      upsertSchedule: { id: string; nextFireTimes: string[]; enabled: boolean };
    }>(h.gateway, owner.token, UPSERT, {
      a: agentId,
      cron: "0 8 * * 1-5",
      tz: "Europe/Paris",
      input: { who: "schedule" },
    });
    expect(upsertSchedule.nextFireTimes).toHaveLength(5);
    // Publish v2 after scheduling: the firing must use the version that is live *then*.
    await ok(
      h.gateway,
      owner.token,
      `mutation ($a: ID!, $g: JSON) { updateDraft(agentId: $a, graph: $g) { id } }`,
      {
        a: agentId,
        g: {
          ...flow,
          nodes: [{ ...flow.nodes[0], config: { expression: "'hi ' & input.who" } }, flow.nodes[1]],
        },
      },
    );
    const { publishAgent } = await ok<{ publishAgent: { id: string; number: number } }>(
      h.gateway,
      owner.token,
      OPS.publishAgent,
      { agentId },
    );
    expect(publishAgent.number).toBe(2);

    const { Client, Connection } = await import("@temporalio/client");
    const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
    try {
      const temporal = new Client({ connection });
      await temporal.schedule.getHandle(`schedule-${upsertSchedule.id}`).trigger();
      let run = null;
      for (let i = 0; i < 100 && !run?.finishedAt; i++) {
        await new Promise((r) => setTimeout(r, 100));
        run = await h.admin.run.findFirst({ where: { scheduleId: upsertSchedule.id } });
      }
      expect(run).toMatchObject({
        trigger: "SCHEDULE",
        versionId: publishAgent.id,
        status: "SUCCEEDED",
        input: { who: "schedule" },
      });
      expect(run!.output).toEqual({ say: { message: "hi schedule", level: "info" } });

      const paused = await ok<{ upsertSchedule: { id: string; enabled: boolean; nextFireTimes: string[] } }>(
        h.gateway,
        owner.token,
        UPSERT,
        { a: agentId, cron: "30 9 * * *", on: false },
      );
      expect(paused.upsertSchedule).toMatchObject({
        id: upsertSchedule.id,
        enabled: false,
        nextFireTimes: [],
      });
      const description = await temporal.schedule.getHandle(`schedule-${upsertSchedule.id}`).describe();
      expect(description.state.paused).toBe(true);
      expect(description.spec.calendars?.length ?? 0).toBeGreaterThan(0);

      const { deleteSchedule } = await ok<{ deleteSchedule: boolean }>(
        h.gateway,
        owner.token,
        `mutation ($id: ID!) { deleteSchedule(id: $id) }`,
        {
          id: upsertSchedule.id,
        },
      );
      expect(deleteSchedule).toBe(true);
      await expect(temporal.schedule.getHandle(`schedule-${upsertSchedule.id}`).describe()).rejects.toThrow();
      const stranger = await signUp(h.gateway, "sched-stranger");
      const gone = await gql(h.gateway, stranger.token, `mutation ($id: ID!) { deleteSchedule(id: $id) }`, {
        id: upsertSchedule.id,
      });
      expect(errorCode(gone)).toBe("NOT_FOUND");
    } finally {
      await connection.close();
    }
  });
});

describe("specs", () => {
  const COMPILE = `query ($s: String!) { compileSpec(spec: $s) { ok spec graph diagnostics { severity message line nodeId } } }`;

  test("compileSpec returns the graph and canonical spec; printSpec is its inverse", async () => {
    const { printSpec } = await ok<{ printSpec: string }>(
      h.gateway,
      owner.token,
      `query ($g: JSON!) { printSpec(graph: $g) }`,
      { g: flow },
    );
    expect(printSpec).toContain("## greet");
    const { compileSpec } = await ok<{ compileSpec: { ok: boolean; spec: string; graph: unknown } }>(
      h.gateway,
      owner.token,
      COMPILE,
      {
        s: printSpec,
      },
    );
    expect(compileSpec.ok).toBe(true);
    expect(compileSpec.spec).toBe(printSpec);
    expect(compileSpec.graph).toMatchObject({
      nodes: [{ id: "greet" }, { id: "say" }],
      edges: [{ from: "greet", to: "say" }],
    });
  });

  test("a broken spec answers diagnostics with lines and node ids, and nothing needs a retry", async () => {
    const { printSpec } = await ok<{ printSpec: string }>(
      h.gateway,
      owner.token,
      `query ($g: JSON!) { printSpec(graph: $g) }`,
      { g: flow },
    );
    const broken = printSpec.replace("· transform", "· transfrom");
    const { compileSpec } = await ok<{
      compileSpec: { ok: boolean; diagnostics: Array<{ message: string; line: number; nodeId: string }> };
    }>(h.gateway, owner.token, COMPILE, { s: broken });
    expect(compileSpec.ok).toBe(false);
    const d = compileSpec.diagnostics.find((x) => x.nodeId === "greet")!;
    expect(d.message).toMatch(/transform/);
    expect(broken.split("\n")[d.line - 1]).toContain("## greet");
    const anonymous = await gql(h.gateway, null, COMPILE, { s: broken });
    expect(errorCode(anonymous)).toBe("UNAUTHENTICATED");
  });
});

describe("generateSpec (English → AgentSpec)", () => {
  const GENERATE = `mutation ($w: ID!, $p: String!, $c: String) { generateSpec(workspaceId: $w, prompt: $p, currentSpec: $c) {
    ok spec graph diagnostics { severity message line nodeId } } }`;

  /** A local OpenAI stand-in, set up as the workspace's provider (its key stored as a secret). */
  async function openAiProvider(editor: TestUser, ws: string) {
    const { LlmServer } = await import("../../../temporal-worker/src/testing/llm-server.ts");
    const llm = await new LlmServer().start();
    try {
      await ok(h.gateway, editor.token, OPS.setSecret, {
        w: ws,
        name: "OPENAI_API_KEY",
        value: llm.keys.openai,
      });
      await ok(
        h.gateway,
        editor.token,
        `mutation ($w: ID!, $b: String) { setProvider(workspaceId: $w, provider: "openai", secretName: "OPENAI_API_KEY", baseUrl: $b) { id } }`,
        { w: ws, b: `${llm.origin}/v1` },
      );
      return llm;
    } catch (err) {
      await llm.stop();
      throw err;
    }
  }

  test("without a provider it says how to add one; with one it repairs an invalid first answer and edits", async () => {
    const editor = await signUp(h.gateway, "author");
    const ws = await createWorkspace(h.gateway, editor, "Authors");
    const none = await gql(h.gateway, editor.token, GENERATE, { w: ws, p: "Fetch a URL and log it" });
    expect(errorCode(none)).toBe("BAD_USER_INPUT");
    expect(none.json.errors![0]!.message).toMatch(/setProvider/);

    const llm = await openAiProvider(editor, ws);
    try {
      const valid =
        '---\nname: Fetch and log\n---\n\n## fetch · http.request\n\nFetch it.\n\n```yaml\nurl: https://example.com/data\n```\n\n## say · log\n\nLog it.\n\nafter: fetch\n\n```yaml\nmessage: "{{nodes.fetch.output.status}}"\n```\n';
      const answers = [
        "```markdown\n---\nname: Broken\n---\n\n## fetch · http.requets\n```",
        "```markdown\n" + valid + "```",
      ];
      llm.answer = () =>
        answers.shift() ?? "```markdown\n" + valid.replace("Fetch it.", "Fetch it twice.") + "```";

      const { generateSpec } = await ok<{
        generateSpec: { ok: boolean; spec: string; graph: { nodes: Array<{ id: string; type: string }> } };
      }>(h.gateway, editor.token, GENERATE, {
        w: ws,
        p: "Fetch https://example.com/data and log the status",
      });
      expect(generateSpec.ok).toBe(true);
      expect(generateSpec.graph.nodes.map((n) => n.type)).toEqual(["http.request", "log"]);
      expect(llm.requests).toHaveLength(2);
      const first = llm.requests[0]!;
      expect(first.path).toBe("/v1/chat/completions");
      expect(first.headers.authorization).toBe(`Bearer ${llm.keys.openai}`);
      expect(first.body["model"]).toBe("gpt-4o-mini");
      const system = JSON.stringify(first.body["messages"]);
      expect(system).toContain("http.request");
      expect(system).toContain("llm.generate");
      expect(system).toContain("OPENAI_API_KEY");
      // The repair request carries the compiler's diagnostic about the misspelt type.
      expect(llm.requests[1]!.prompt).toMatch(/http\.requets|does not compile/);

      // Edit mode: the current spec goes to the model, the answer comes back as the new spec.
      const edited = await ok<{ generateSpec: { ok: boolean; spec: string } }>(
        h.gateway,
        editor.token,
        GENERATE,
        {
          w: ws,
          p: "Say that we fetch it twice",
          c: generateSpec.spec,
        },
      );
      expect(edited.generateSpec.ok).toBe(true);
      expect(edited.generateSpec.spec).toContain("Fetch it twice.");
      expect(llm.requests[2]!.prompt).toContain("## fetch · http.request");
      // The API key is used, never shown: not in the answer and not in the audit log.
      const audit = await h.admin.auditEvent.findMany({ where: { workspaceId: ws } });
      expect(JSON.stringify(audit)).not.toContain(llm.keys.openai);
    } finally {
      await llm.stop();
    }
  });

  test("a caller who stops waiting stops the model call too: the generation workflow is cancelled", async () => {
    const editor = await signUp(h.gateway, "quitter");
    const ws = await createWorkspace(h.gateway, editor, "Impatient");
    const llm = await openAiProvider(editor, ws);
    try {
      llm.stall = true;
      const caller = new AbortController();
      const pending = fetch(h.gateway.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${editor.token}` },
        body: JSON.stringify({ query: GENERATE, variables: { w: ws, p: "Think for a long time" } }),
        signal: caller.signal,
      }).catch((err: unknown) => err);
      await expect.poll(() => llm.requests.length, { timeout: 20_000 }).toBe(1);
      caller.abort();
      expect(await pending).toBeInstanceOf(Error);
      // The answer to the activity's next heartbeat carries the cancellation (at most 8 s away).
      await expect.poll(() => llm.requests[0]!.abandonedAt, { timeout: 20_000 }).toBeTypeOf("number");

      const { Client, Connection } = await import("@temporalio/client");
      const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
      try {
        const temporal = new Client({ connection });
        const statuses: string[] = [];
        for await (const w of temporal.workflow.list({
          query: `WorkflowType = 'generateSpec' AND TaskQueue = '${QUEUE}' AND StartTime > '${new Date(llm.requests[0]!.at - 60_000).toISOString()}'`,
        })) {
          statuses.push(w.status.name);
        }
        expect(statuses).toContain("CANCELLED");
      } finally {
        await connection.close();
      }
      // Only the one call: a cancelled generation is not retried.
      expect(llm.requests).toHaveLength(1);
    } finally {
      await llm.stop();
    }
  });
});
