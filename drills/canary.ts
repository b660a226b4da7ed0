import { randomBytes } from "node:crypto";
import { Client, Connection } from "@temporalio/client";
import { createPrisma } from "@weft/db";
import { createTestDatabase } from "@weft/db/testing";
import { runWorkflowId } from "@weft/schema";
import { LlmServer } from "../apps/temporal-worker/src/testing/llm-server.ts";
import { Sink } from "../apps/temporal-worker/src/testing/sink.ts";
import { Api, OPS, publishedAgent, signUpWithWorkspace, startRun } from "./lib/api.ts";
import { followRunEvents } from "./lib/follow-run.ts";
import { drillInfra } from "./lib/infra.ts";
import {
  checkAlive,
  checkWarnings,
  startGatewayProcess,
  startWorkerProcess,
  type AppProcess,
} from "./lib/processes.ts";
import { Report, type DrillDefinition, type DrillResult } from "./lib/report.ts";
import { drillStack, gatewayEnv, workerEnv } from "./lib/stack.ts";

export interface CanaryParams {
  /** Runs of the canary agent (each uses the secret four ways). */
  runs: number;
}

export const canary = {
  name: "canary",
  drill: { runs: 3 },
  short: { runs: 1 },
  run: canaryDrill,
} satisfies DrillDefinition<CanaryParams>;

const RUN_QUERY = `query ($id: ID!) { run(id: $id) { id status input output error tokens costUsd
  version { graph spec } agent { draftGraph draftSpec }
  nodeRuns { nodeId status attempt input output error logs tokensIn tokensOut costUsd } } }`;
const RUNS_QUERY = `query ($w: ID!) { runs(workspaceId: $w, first: 100) { edges { node { id status input output error } } } }`;
const AUDIT_QUERY = `query ($w: ID!) { auditEvents(workspaceId: $w, first: 200) { edges { node { action targetType targetId data } } } }`;
const WORKSPACE_QUERY = `query ($w: ID!) { workspace(id: $w) { id secrets { id name createdAt updatedAt }
  providers { provider secretName baseUrl } } }`;
const USAGE_QUERY = `query ($w: ID!) { usage(workspaceId: $w) { runs tokensIn tokensOut costUsd byDay } }`;

/** Every string inside a value, with byte arrays (Temporal payloads) decoded as UTF-8. */
function texts(value: unknown, out: string[] = [], seen = new Set<unknown>()): string[] {
  if (typeof value === "string") out.push(value);
  else if (value instanceof Uint8Array) out.push(Buffer.from(value).toString("utf8"));
  else if (value && typeof value === "object" && !seen.has(value)) {
    seen.add(value);
    for (const v of Array.isArray(value) ? value : Object.values(value)) texts(v, out, seen);
  }
  return out;
}

/**
 * A workspace secret whose value is a unique canary, used as an HTTP header (to a service that
 * echoes it back, once successfully and once in a 500's body) and as the LLM provider's API key (to
 * a model that repeats it, streamed and not). Then the canary is looked for in the gateway's and the
 * worker's real stdout/stderr, every event of the run's Temporal history, every API response and
 * every database row outside the Secret table: 0 hits anywhere, while the local servers prove it
 * was sent.
 */
export async function canaryDrill(p: CanaryParams): Promise<DrillResult> {
  const report = new Report(canary.name, { runs: p.runs });
  const secret = `canary-${randomBytes(16).toString("hex")}`;
  const forms = [secret, Buffer.from(secret).toString("base64")];
  const infra = drillInfra();
  const db = await createTestDatabase(infra.adminUrl);
  const admin = createPrisma(db.adminUrl, { poolMax: 2 });
  const stack = drillStack({ ...infra, appUrl: db.appUrl });
  const [sink, llm] = await Promise.all([new Sink().start(), new LlmServer().start()]);
  llm.keys.openai = secret;
  // The worst model: it repeats the API key it was called with.
  llm.answer = (req) => `I was called with ${String(req.headers.authorization)} and nothing else.`;
  llm.chunkDelayMs = 5;
  const processes: AppProcess[] = [];
  const connection = await Connection.connect({ address: infra.temporalAddress });
  try {
    const [worker, gateway] = await Promise.all([
      startWorkerProcess("canary-worker", workerEnv(stack)),
      startGatewayProcess("canary-gateway", gatewayEnv(stack)),
    ]);
    processes.push(worker, gateway);
    const api = new Api(gateway.url);
    const { workspaceId } = await signUpWithWorkspace(api, "canary");
    await api.ok(OPS.setSecret, { w: workspaceId, name: "CANARY_KEY", value: secret });
    await api.ok(OPS.setProvider, {
      w: workspaceId,
      provider: "openai",
      secretName: "CANARY_KEY",
      baseUrl: `${llm.origin}/v1`,
    });
    const headers = { authorization: "Bearer {{secrets.CANARY_KEY}}", "x-canary": "{{secrets.CANARY_KEY}}" };
    const agentId = await publishedAgent(api, workspaceId, {
      version: 1,
      inputs: {},
      nodes: [
        {
          id: "call",
          type: "http.request",
          config: {
            url: sink.url("/echo"),
            method: "POST",
            headers,
            body: { token: "{{secrets.CANARY_KEY}}" },
          },
        },
        {
          id: "broken",
          type: "http.request",
          config: { url: sink.url("/echo?status=500"), method: "POST", headers },
          retry: { maxAttempts: 2, initialIntervalMs: 100, backoff: 1 },
        },
        { id: "rescue", type: "log", config: { message: "broken failed: {{nodes.broken.error.message}}" } },
        {
          id: "ask",
          type: "llm.generate",
          config: { model: "openai/gpt-4o-mini", prompt: "Status {{nodes.call.output.status}}" },
        },
        {
          id: "askStreaming",
          type: "llm.generate",
          config: { model: "openai/gpt-4o-mini", prompt: "Again", stream: true },
        },
        {
          id: "say",
          type: "log",
          config: { message: "{{nodes.ask.output.text}} / {{nodes.call.output.body}}" },
        },
      ],
      edges: [
        { from: "call", to: "ask" },
        { from: "call", to: "broken" },
        { from: "broken", to: "rescue", on: "error" },
        { from: "ask", to: "askStreaming" },
        { from: "askStreaming", to: "say" },
      ],
    });

    const streamed: string[] = [];
    const runIds: string[] = [];
    for (let r = 0; r < p.runs; r++) {
      const runId = await startRun(api, agentId);
      runIds.push(runId);
      const followed = await followRunEvents({
        wsUrl: gateway.wsUrl,
        token: api.token!,
        runId,
        stallMs: 60_000,
      });
      streamed.push(JSON.stringify(followed.events));
      if (!followed.ended)
        report.fail(`run ${r + 1}: the event stream did not reach the end (${followed.error})`);
    }
    const statuses: string[] = [];
    for (const runId of runIds) {
      const { run } = await api.ok<{ run: { status: string } }>(RUN_QUERY, { id: runId });
      statuses.push(run.status);
    }
    const succeeded = statuses.filter((s) => s === "SUCCEEDED").length;
    report.fact("completed", succeeded, `runs completed ${succeeded}/${p.runs}`);
    report.check(succeeded === p.runs, `runs ended ${statuses.join(", ")}`);
    await api.ok(RUNS_QUERY, { w: workspaceId });
    await api.ok(AUDIT_QUERY, { w: workspaceId });
    await api.ok(WORKSPACE_QUERY, { w: workspaceId });
    await api.ok(USAGE_QUERY, { w: workspaceId });

    // Proof the canary was really used: the local services received it.
    const sinkSaw = sink.requests.filter(
      (r) => JSON.stringify(r.headers).includes(secret) || r.body.includes(secret),
    ).length;
    const llmSaw = llm.requests.filter((r) => r.headers.authorization === `Bearer ${secret}`).length;
    report.fact("sinkReceived", sinkSaw, `HTTP service received it ${sinkSaw}×`);
    report.fact("llmReceived", llmSaw, `LLM provider received it ${llmSaw}×`);
    report.check(sinkSaw >= 2 * p.runs, `the HTTP service saw the canary only ${sinkSaw} times`);
    report.check(llmSaw >= 2 * p.runs, `the LLM provider saw the canary only ${llmSaw} times`);

    // Everything Temporal recorded for the runs' workflows (and any other workflow on the queue).
    const client = new Client({ connection, namespace: infra.temporalNamespace });
    const workflowIds = new Set(runIds.map(runWorkflowId));
    try {
      for await (const wf of client.workflow.list({ query: `TaskQueue = '${stack.taskQueue}'` })) {
        workflowIds.add(wf.workflowId);
      }
    } catch {
      // Visibility queries are optional on some servers; the runs' own workflows are known.
    }
    let historyEvents = 0;
    const history: string[] = [];
    for (const id of workflowIds) {
      const h = await client.workflow.getHandle(id).fetchHistory();
      historyEvents += h.events?.length ?? 0;
      history.push(...texts(h));
    }

    const tables = await admin.$queryRawUnsafe<{ tablename: string }[]>(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('Secret', '_prisma_migrations')`,
    );
    const rows: string[] = [];
    for (const { tablename } of tables) {
      const [dump] = await admin.$queryRawUnsafe<{ text: string | null }[]>(
        `SELECT string_agg(to_jsonb(t)::text, E'\\n') AS text FROM "${tablename.replace(/"/g, '""')}" t`,
      );
      if (dump?.text) rows.push(dump.text);
    }

    // Each place with a control: something that must be there, so an empty or undecoded haystack
    // cannot pass. "[REDACTED]" is where the canary was (echoed back, repeated by the model).
    const places: Array<[string, string[], string]> = [
      ["gateway log", [gateway.log()], "gateway listening"],
      ["worker log", [worker.log()], "worker polling"],
      [
        `Temporal history (${workflowIds.size} workflows, ${historyEvents} events)`,
        history,
        "{{secrets.CANARY_KEY}}",
      ],
      [`API responses (${api.transcript.length})`, api.transcript, "[REDACTED]"],
      ["runEvents stream", streamed, "[REDACTED]"],
      [`database rows (${tables.length} tables)`, rows, "[REDACTED]"],
    ];
    let total = 0;
    const perPlace: string[] = [];
    for (const [place, haystack, control] of places) {
      const text = haystack.join("\n");
      const hits = forms.reduce((n, form) => n + text.split(form).length - 1, 0);
      total += hits;
      perPlace.push(`${place} ${hits}`);
      report.check(hits === 0, `${place}: the canary appears ${hits} times`);
      report.check(
        text.includes(control),
        `${place}: the control ${JSON.stringify(control)} is missing, so the search proves nothing`,
      );
    }
    checkWarnings(report, processes);
    checkAlive(report, processes);
    report.fact("hits", total, `canary hits: ${perPlace.join(", ")}`);
    return report.finish();
  } finally {
    for (const proc of processes) await proc.kill("SIGKILL");
    await connection.close();
    await Promise.all([sink.stop(), llm.stop()]);
    await admin.$disconnect();
    await db.drop();
  }
}
