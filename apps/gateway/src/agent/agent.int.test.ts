import { Prisma } from "@weft/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgent, EXAMPLE_GRAPH, insertRun, OPS } from "../testing/fixtures.ts";
import {
  createWorkspace,
  errorCode,
  gql,
  ok,
  signUp,
  startHarness,
  type Harness,
  type TestUser,
} from "../testing/harness.ts";

let h: Harness;
let owner: TestUser;
let editor: TestUser;
let workspaceId: string;

beforeAll(async () => {
  h = await startHarness();
  owner = await signUp(h.gateway, "owner");
  editor = await signUp(h.gateway, "editor");
  workspaceId = await createWorkspace(h.gateway, owner);
  await ok(h.gateway, owner.token, OPS.inviteMember, { w: workspaceId, email: editor.email, role: "EDITOR" });
});
afterAll(() => h.close());

interface AgentData {
  id: string;
  draftRevision: number;
  draftGraph: unknown;
  draftSpec: string;
}

/** A minimal spec that compiles (front matter, no steps). */
const SPEC = (name: string) => `---\nname: ${name}\n---\n`;

describe("createAgent", () => {
  it("compiles a spec given alone into the graph, and rejects one that does not compile", async () => {
    const spec = "---\nname: Reddit digest\n---\n\n## hello · log\n\n```yaml\nmessage: hi\n```\n";
    const { createAgent } = await ok<{ createAgent: AgentData }>(h.gateway, editor.token, OPS.createAgent, {
      w: workspaceId,
      name: "  Spec only  ",
      spec,
    });
    expect(createAgent).toMatchObject({
      name: "Spec only",
      draftRevision: 0,
      draftSpec: spec,
      draftGraph: {
        version: 1,
        inputs: {},
        nodes: [{ id: "hello", type: "log", config: { message: "hi" } }],
        edges: [],
      },
    });
    const broken = await gql(h.gateway, editor.token, OPS.createAgent, {
      w: workspaceId,
      name: "Bad",
      spec: "# no front matter",
    });
    expect(errorCode(broken)).toBe("BAD_USER_INPUT");
    const details = broken.json.errors?.[0]?.extensions?.["details"] as {
      issues: Array<{ path: string[]; line: number }>;
    };
    expect(details.issues[0]).toMatchObject({ path: ["spec"], line: expect.any(Number) });
  });

  it("starts from the empty graph (and its canonical spec) when neither is given", async () => {
    const { createAgent } = await ok<{ createAgent: AgentData }>(h.gateway, editor.token, OPS.createAgent, {
      w: workspaceId,
      name: "Empty",
    });
    expect(createAgent.draftGraph).toEqual({ version: 1, inputs: {}, nodes: [], edges: [] });
    expect(createAgent.draftSpec).toContain("name: Empty");
  });

  it("rejects an invalid graph with BAD_USER_INPUT listing path, nodeId and message per issue", async () => {
    const graph = {
      version: 1,
      nodes: [
        { id: "fetch", type: "http.request", config: { method: "GET" } },
        { id: "x", type: "no.such.type", config: {} },
      ],
      edges: [{ from: "fetch", to: "ghost" }],
    };
    const response = await gql(h.gateway, editor.token, OPS.createAgent, {
      w: workspaceId,
      name: "bad",
      graph,
    });
    expect(errorCode(response)).toBe("BAD_USER_INPUT");
    const details = response.json.errors?.[0]?.extensions?.["details"] as {
      issues: { path: (string | number)[]; nodeId: string | null; message: string }[];
    };
    expect(details.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: ["nodes", 0, "config", "url"],
          nodeId: "fetch",
          message: expect.stringContaining("url"),
        }),
        expect.objectContaining({ path: ["nodes", 1, "type"], nodeId: "x" }),
        expect.objectContaining({ path: expect.arrayContaining(["edges", 0]) }),
      ]),
    );
    expect(await h.admin.agent.count({ where: { workspaceId, name: "bad" } })).toBe(0);
  });

  it("rejects an empty name naming the field", async () => {
    const response = await gql(h.gateway, editor.token, OPS.createAgent, { w: workspaceId, name: "   " });
    expect(errorCode(response)).toBe("BAD_USER_INPUT");
    expect(response.json.errors?.[0]?.message).toBe("name: must not be empty");
  });
});

describe("updateDraft", () => {
  it("increments the revision and refuses a stale expectedRevision with who/when details", async () => {
    const agentId = await createAgent(h.gateway, owner.token, workspaceId);
    const first = await ok<{ updateDraft: AgentData }>(h.gateway, editor.token, OPS.updateDraft, {
      agentId,
      spec: SPEC("v1"),
      expectedRevision: 0,
    });
    expect(first.updateDraft).toMatchObject({ draftRevision: 1, draftSpec: SPEC("v1") });

    const stale = await gql(h.gateway, owner.token, OPS.updateDraft, {
      agentId,
      spec: SPEC("mine"),
      expectedRevision: 0,
    });
    expect(errorCode(stale)).toBe("CONFLICT");
    expect(stale.json.errors?.[0]?.extensions?.["details"]).toEqual({
      expectedRevision: 0,
      currentRevision: 1,
      updatedBy: { id: editor.id, email: editor.email, name: "Test" },
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const row = await h.admin.agent.findUniqueOrThrow({ where: { id: agentId } });
    expect(row).toMatchObject({ draftRevision: 1, draftSpec: SPEC("v1") });

    // Without expectedRevision: last write wins.
    const forced = await ok<{ updateDraft: AgentData }>(h.gateway, owner.token, OPS.updateDraft, {
      agentId,
      spec: SPEC("mine"),
    });
    expect(forced.updateDraft.draftRevision).toBe(2);
  });

  it("lets exactly one of many concurrent writers on the same revision win", async () => {
    const agentId = await createAgent(h.gateway, owner.token, workspaceId);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        gql(h.gateway, owner.token, OPS.updateDraft, {
          agentId,
          spec: SPEC(`writer ${i}`),
          expectedRevision: 0,
        }),
      ),
    );
    const codes = results.map(errorCode);
    expect(codes.filter((code) => code === undefined)).toHaveLength(1);
    expect(codes.filter((code) => code === "CONFLICT")).toHaveLength(5);
  });

  it("validates a new graph and requires graph or spec", async () => {
    const agentId = await createAgent(h.gateway, owner.token, workspaceId);
    const bad = await gql(h.gateway, owner.token, OPS.updateDraft, {
      agentId,
      graph: { version: 2, nodes: [] },
    });
    expect(errorCode(bad)).toBe("BAD_USER_INPUT");
    expect(errorCode(await gql(h.gateway, owner.token, OPS.updateDraft, { agentId }))).toBe("BAD_USER_INPUT");
  });

  // Found by the fuzz drill: PostgreSQL cannot store U+0000 (text, jsonb) or a lone surrogate
  // (jsonb), which used to surface as INTERNAL from the UPDATE.
  it("refuses text PostgreSQL cannot store as BAD_USER_INPUT naming the field", async () => {
    const agentId = await createAgent(h.gateway, owner.token, workspaceId);
    const graph = {
      version: 1,
      nodes: [{ id: "say", type: "log", config: { message: "hi\u0000there" } }],
      edges: [],
    };
    const badGraph = await gql(h.gateway, owner.token, OPS.updateDraft, { agentId, graph });
    expect(errorCode(badGraph)).toBe("BAD_USER_INPUT");
    expect(badGraph.json.errors?.[0]?.extensions?.["details"]).toMatchObject({
      argument: "graph",
      issues: [{ path: ["nodes", 0, "config", "message"], nodeId: "say", code: "invalid_value" }],
    });
    const surrogate = await gql(h.gateway, owner.token, OPS.updateDraft, {
      agentId,
      graph: { ...graph, nodes: [{ id: "say", type: "log", config: { message: "hi \ud800" } }] },
    });
    expect(errorCode(surrogate)).toBe("BAD_USER_INPUT");
    const badSpec = await gql(h.gateway, owner.token, OPS.updateDraft, {
      agentId,
      spec: `${SPEC("nul")}\n\u0000\n`,
    });
    expect(errorCode(badSpec)).toBe("BAD_USER_INPUT");
    expect(badSpec.json.errors?.[0]?.extensions?.["details"]).toMatchObject({ fields: [{ path: "spec" }] });
    const badName = await gql(h.gateway, owner.token, OPS.createAgent, { w: workspaceId, name: "a\u0000b" });
    expect(errorCode(badName)).toBe("BAD_USER_INPUT");
    expect(h.logged).toEqual([]);
  });
});

describe("publishing", () => {
  it("publishes v1, then v2 after an edit, refuses a no-op, and rolls back to v1", async () => {
    const agentId = await createAgent(h.gateway, editor.token, workspaceId);
    const v1 = await ok<{
      publishAgent: { id: string; number: number; graph: unknown; note: string; createdBy: { id: string } };
    }>(h.gateway, editor.token, OPS.publishAgent, { agentId, note: "first" });
    expect(v1.publishAgent).toMatchObject({ number: 1, note: "first", createdBy: { id: editor.id } });
    expect(v1.publishAgent.graph).toMatchObject({ nodes: [{ id: "fetch" }, { id: "summarize" }] });

    const noop = await gql(h.gateway, editor.token, OPS.publishAgent, { agentId });
    expect(errorCode(noop)).toBe("BAD_USER_INPUT");
    expect(noop.json.errors?.[0]?.message).toBe("nothing changed since version 1");

    // Moving a node on the canvas is not a change worth a version either.
    const moved = structuredClone(EXAMPLE_GRAPH);
    moved.nodes[0]!.position = { x: 99, y: 99 };
    await ok(h.gateway, editor.token, OPS.updateDraft, { agentId, graph: moved });
    expect(errorCode(await gql(h.gateway, editor.token, OPS.publishAgent, { agentId }))).toBe(
      "BAD_USER_INPUT",
    );

    const edited = structuredClone(EXAMPLE_GRAPH);
    edited.nodes[0]!.timeoutMs = 5_000;
    await ok(h.gateway, editor.token, OPS.updateDraft, { agentId, graph: edited });
    const v2 = await ok<{ publishAgent: { id: string; number: number } }>(
      h.gateway,
      editor.token,
      OPS.publishAgent,
      { agentId },
    );
    expect(v2.publishAgent.number).toBe(2);

    const { agent } = await ok<{
      agent: { liveVersion: { number: number }; versions: { number: number }[] };
    }>(h.gateway, editor.token, OPS.agent, { id: agentId });
    expect(agent.liveVersion.number).toBe(2);
    expect(agent.versions.map((v) => v.number)).toEqual([2, 1]);

    const rolledBack = await ok<{ setLiveVersion: { liveVersion: { id: string; number: number } } }>(
      h.gateway,
      editor.token,
      OPS.setLiveVersion,
      { agentId, versionId: v1.publishAgent.id },
    );
    expect(rolledBack.setLiveVersion.liveVersion).toEqual({ id: v1.publishAgent.id, number: 1 });
    const row = await h.admin.agent.findUniqueOrThrow({ where: { id: agentId } });
    expect(row.liveVersionId).toBe(v1.publishAgent.id);
    const versions = await h.admin.agentVersion.findMany({ where: { agentId }, orderBy: { number: "asc" } });
    expect(versions.map((v) => v.checksum)).toHaveLength(2);
    expect(new Set(versions.map((v) => v.checksum)).size).toBe(2);

    const actions = (
      await h.admin.auditEvent.findMany({ where: { targetId: agentId }, orderBy: { at: "asc" } })
    ).map((e) => e.action);
    expect(actions).toEqual([
      "agent.create",
      "agent.publish",
      "agent.update_draft",
      "agent.update_draft",
      "agent.publish",
      "agent.set_live_version",
    ]);
  });

  it("refuses to publish an invalid draft and a version of another agent", async () => {
    const agentId = await createAgent(h.gateway, owner.token, workspaceId);
    const other = await createAgent(h.gateway, owner.token, workspaceId);
    const { publishAgent } = await ok<{ publishAgent: { id: string } }>(
      h.gateway,
      owner.token,
      OPS.publishAgent,
      {
        agentId: other,
      },
    );
    expect(
      errorCode(
        await gql(h.gateway, owner.token, OPS.setLiveVersion, { agentId, versionId: publishAgent.id }),
      ),
    ).toBe("NOT_FOUND");
    // A draft that became invalid out of band (older data, a bug) still cannot be published.
    await h.admin.agent.update({
      where: { id: agentId },
      data: { draftGraph: { version: 1, nodes: [{ id: "a" }] } },
    });
    const response = await gql(h.gateway, owner.token, OPS.publishAgent, { agentId });
    expect(errorCode(response)).toBe("BAD_USER_INPUT");
    expect(await h.admin.agentVersion.count({ where: { agentId } })).toBe(0);
  });

  it("numbers concurrent publishes without gaps or duplicates", async () => {
    const agentId = await createAgent(h.gateway, owner.token, workspaceId);
    const graphs = [1_000, 2_000, 3_000, 4_000].map((timeoutMs) => {
      const graph = structuredClone(EXAMPLE_GRAPH);
      graph.nodes[0]!.timeoutMs = timeoutMs;
      return graph;
    });
    // Each publish takes its own draft: update then publish, interleaved.
    await Promise.all(
      graphs.map(async (graph) => {
        await ok(h.gateway, owner.token, OPS.updateDraft, { agentId, graph });
        await gql(h.gateway, owner.token, OPS.publishAgent, { agentId });
      }),
    );
    const numbers = (
      await h.admin.agentVersion.findMany({ where: { agentId }, orderBy: { number: "asc" } })
    ).map((v) => v.number);
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
    expect(numbers.length).toBeGreaterThanOrEqual(1);
  });
});

/** A new agent of the workspace with version 1 published: the ids a run row needs. */
async function publishedAgent() {
  const agentId = await createAgent(h.gateway, owner.token, workspaceId);
  const { publishAgent } = await ok<{ publishAgent: { id: string } }>(
    h.gateway,
    owner.token,
    OPS.publishAgent,
    { agentId },
  );
  return { workspaceId, agentId, versionId: publishAgent.id };
}

describe("runs (read-only)", () => {
  it("pages newest first with opaque cursors, filters by agent and status, caps first at 100", async () => {
    const ids = await publishedAgent();
    const { agentId } = ids;
    const base = Date.parse("2026-01-01T00:00:00Z");
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      created.push(
        await insertRun(h.admin, ids, {
          status: i % 2 ? "FAILED" : "SUCCEEDED",
          createdAt: new Date(base + i * 1000),
        }),
      );
    }
    // Two runs in the same millisecond: the id breaks the tie.
    created.push(await insertRun(h.admin, ids, { createdAt: new Date(base + 4000) }));

    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const data: {
        runs: {
          edges: { cursor: string; node: { id: string } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      } = await ok(h.gateway, owner.token, OPS.runs, { w: workspaceId, agentId, first: 2, after });
      seen.push(...data.runs.edges.map((e) => e.node.id));
      after = data.runs.pageInfo.endCursor;
      if (!data.runs.pageInfo.hasNextPage) break;
    }
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
    expect(seen.slice(2)).toEqual([created[3], created[2], created[1], created[0]]);

    const failed = await ok<{ runs: { edges: { node: { status: string } }[] } }>(
      h.gateway,
      owner.token,
      OPS.runs,
      {
        w: workspaceId,
        agentId,
        status: "FAILED",
      },
    );
    expect(failed.runs.edges.map((e) => e.node.status)).toEqual(["FAILED", "FAILED"]);

    expect(errorCode(await gql(h.gateway, owner.token, OPS.runs, { w: workspaceId, after: "garbage" }))).toBe(
      "BAD_USER_INPUT",
    );
    expect(errorCode(await gql(h.gateway, owner.token, OPS.runs, { w: workspaceId, first: -1 }))).toBe(
      "BAD_USER_INPUT",
    );
    const big = await ok<{ runs: { edges: unknown[] } }>(h.gateway, owner.token, OPS.runs, {
      w: workspaceId,
      first: 1000,
    });
    expect(big.runs.edges.length).toBeLessThanOrEqual(100);

    const { run } = await ok<{ run: Record<string, unknown> }>(h.gateway, owner.token, OPS.run, {
      id: created[0],
    });
    expect(run).toMatchObject({
      status: "SUCCEEDED",
      trigger: "MANUAL",
      tokens: 120,
      costUsd: 0.0015,
      agent: { id: agentId },
      version: { id: ids.versionId, number: 1 },
      nodeRuns: [
        {
          nodeId: "fetch",
          status: "SUCCEEDED",
          attempt: 1,
          tokensIn: 0,
          costUsd: 0,
          logs: [],
          output: { status: 200 },
        },
      ],
    });
  });
});

describe("runs: input and output", () => {
  it("answers each run's input and output on a runs page (read by id) as the rows hold them", async () => {
    const ids = await publishedAgent();
    const base = Date.parse("2026-03-01T00:00:00Z");
    const runs: string[] = [];
    for (let i = 0; i < 3; i++)
      runs.push(await insertRun(h.admin, ids, { createdAt: new Date(base + i * 1000) }));
    const outputs = [{ digest: "x".repeat(50_000) }, null, { items: [1, 2, 3] }];
    for (const [i, id] of runs.entries()) {
      await h.admin.run.update({ where: { id }, data: { output: outputs[i] ?? Prisma.DbNull } });
    }
    const page = await ok<{ runs: { edges: { node: { id: string; input: unknown; output: unknown } }[] } }>(
      h.gateway,
      owner.token,
      `query ($w: ID!, $agentId: ID) { runs(workspaceId: $w, agentId: $agentId) { edges { node { id input output } } } }`,
      { w: workspaceId, agentId: ids.agentId },
    );
    expect(page.runs.edges.map((e) => e.node)).toEqual(
      [...runs.keys()]
        .reverse()
        .map((i) => ({ id: runs[i], input: { subreddit: "typescript" }, output: outputs[i] })),
    );
    // A single run is read whole, as before.
    const { run } = await ok<{ run: { input: unknown; output: unknown } }>(
      h.gateway,
      owner.token,
      `query ($id: ID!) { run(id: $id) { input output } }`,
      { id: runs[2] },
    );
    expect(run).toEqual({ input: { subreddit: "typescript" }, output: outputs[2] });
  });
});

describe("schedules (read-only)", () => {
  it("lists a workspace's and an agent's schedules with upcoming fire times", async () => {
    const agentId = await createAgent(h.gateway, owner.token, workspaceId);
    const base = { workspaceId, agentId, timezone: "Europe/Berlin", input: { subreddit: "rust" } };
    await h.admin.schedule.createMany({
      data: [
        { ...base, cron: "0 9 * * 1-5", temporalScheduleId: `sched-${agentId}-1` },
        { ...base, cron: "0 * * * *", enabled: false, temporalScheduleId: `sched-${agentId}-2` },
      ],
    });
    const query = `query ($id: ID!, $w: ID!) {
      agent(id: $id) { schedules { cron timezone input enabled nextFireTimes agent { id } } }
      workspace(id: $w) { schedules { id } } }`;
    const data = await ok<{
      agent: {
        schedules: { cron: string; enabled: boolean; nextFireTimes: string[]; agent: { id: string } }[];
      };
      workspace: { schedules: { id: string }[] };
    }>(h.gateway, editor.token, query, { id: agentId, w: workspaceId });
    const active = data.agent.schedules.find((s) => s.enabled);
    const paused = data.agent.schedules.find((s) => !s.enabled);
    expect(active).toMatchObject({ cron: "0 9 * * 1-5", enabled: true, agent: { id: agentId } });
    expect(active?.nextFireTimes).toHaveLength(5);
    for (const at of active?.nextFireTimes ?? []) {
      expect(Date.parse(at)).toBeGreaterThan(Date.now());
      // 09:00 in Berlin is 07:00 or 08:00 UTC depending on daylight saving time.
      expect(new Date(at).getUTCHours()).toBeGreaterThanOrEqual(7);
    }
    expect(paused).toMatchObject({ enabled: false, nextFireTimes: [] });
    expect(data.workspace.schedules).toHaveLength(2);
  });
});

describe("catalogue and usage", () => {
  it("lists node types with JSON Schema configs", async () => {
    const { nodeTypes } = await ok<{ nodeTypes: { type: string; configSchema: Record<string, unknown> }[] }>(
      h.gateway,
      editor.token,
      "{ nodeTypes { type category title description configSchema sideEffects defaultRetry defaultTimeoutMs } }",
    );
    const http = nodeTypes.find((t) => t.type === "http.request");
    expect(http?.configSchema["$schema"]).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(errorCode(await gql(h.gateway, null, "{ nodeTypes { type } }"))).toBe("UNAUTHENTICATED");
  });

  it("sums usage records, zeros when empty", async () => {
    const empty = await ok<{ usage: Record<string, unknown> }>(h.gateway, editor.token, OPS.usage, {
      w: workspaceId,
    });
    expect(empty.usage).toEqual({
      runs: 0,
      succeeded: 0,
      failed: 0,
      tokensIn: 0,
      tokensOut: 0,
      costUsd: 0,
      byDay: [],
    });
    const day = new Date("2026-03-02T00:00:00Z");
    await h.admin.usageRecord.createMany({
      data: [
        {
          workspaceId,
          day,
          model: "openai/gpt-4o-mini",
          provider: "openai",
          runs: 3,
          succeeded: 2,
          failed: 1,
          tokensIn: 100,
          tokensOut: 50,
          costUsd: "0.25",
        },
        {
          workspaceId,
          day,
          model: "anthropic/claude",
          provider: "anthropic",
          runs: 1,
          succeeded: 1,
          tokensIn: 10,
          tokensOut: 5,
          costUsd: "0.5",
        },
        {
          workspaceId,
          day: new Date("2026-03-05T00:00:00Z"),
          model: "openai/gpt-4o-mini",
          provider: "openai",
          runs: 1,
          failed: 1,
        },
      ],
    });
    const { usage } = await ok<{ usage: Record<string, unknown> }>(h.gateway, editor.token, OPS.usage, {
      w: workspaceId,
      from: "2026-03-01T00:00:00Z",
      to: "2026-03-31T00:00:00Z",
    });
    expect(usage).toEqual({
      runs: 5,
      succeeded: 3,
      failed: 2,
      tokensIn: 110,
      tokensOut: 55,
      costUsd: 0.75,
      byDay: [
        { day: "2026-03-02", runs: 4, succeeded: 3, failed: 1, tokensIn: 110, tokensOut: 55, costUsd: 0.75 },
        { day: "2026-03-05", runs: 1, succeeded: 0, failed: 1, tokensIn: 0, tokensOut: 0, costUsd: 0 },
      ],
    });
    expect(
      errorCode(
        await gql(h.gateway, editor.token, OPS.usage, {
          w: workspaceId,
          from: "2026-04-01T00:00:00Z",
          to: "2026-03-01T00:00:00Z",
        }),
      ),
    ).toBe("BAD_USER_INPUT");
  });

  it("has reported no internal errors", () => {
    expect(h.logged).toEqual([]);
  });
});
