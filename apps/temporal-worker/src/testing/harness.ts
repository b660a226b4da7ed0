import { randomUUID } from "node:crypto";
import { Client, Connection, WorkflowFailedError } from "@temporalio/client";
import type { RunResult } from "@weft/activities";
import { createPrisma, withWorkspace, type Db } from "@weft/db";
import { createQueuedRun } from "@weft/db/run-events";
import { createTestDatabase } from "@weft/db/testing";
import {
  WORKFLOW_TYPES,
  resolveRunInput,
  runWorkflowId,
  validateGraph,
  type Graph,
  type RunAgentInput,
} from "@weft/schema";
import { loadEnv, type WorkerEnv } from "../env.ts";
import { startWorker, type RunningWorker } from "../worker.ts";

export interface Harness {
  workspaceId: string;
  /** Owner connection (tests only): reads rows without setting a scope. */
  admin: Db;
  client: Client;
  worker: RunningWorker | null;
  workerEnv: WorkerEnv;
  createAgent(graph: unknown, name?: string): Promise<{ agentId: string; versionId: string; graph: Graph }>;
  startRun(
    agent: { agentId: string; versionId: string; graph: Graph },
    input?: Record<string, unknown>,
    extra?: Partial<RunAgentInput>,
  ): Promise<string>;
  /** Waits for the workflow to end (success or failure) and returns the recorded run. */
  finish(runId: string): Promise<Awaited<ReturnType<Harness["load"]>>>;
  load(runId: string): Promise<{
    run: NonNullable<Awaited<ReturnType<Db["run"]["findUnique"]>>>;
    nodes: Record<string, Awaited<ReturnType<Db["nodeRun"]["findMany"]>>[number]>;
    events: Awaited<ReturnType<Db["runEvent"]["findMany"]>>;
    result: RunResult | { error: string };
  }>;
  close(): Promise<void>;
}

/** A migrated database of its own, a workspace, a Temporal client, and (by default) a worker. */
export async function createHarness(opts: { worker?: boolean } = {}): Promise<Harness> {
  const db = await createTestDatabase(process.env.WEFT_TEST_DATABASE_URL!);
  const admin = createPrisma(db.adminUrl, { poolMax: 4 });
  const workspaceId = randomUUID();
  await withWorkspace(admin, workspaceId, (tx) =>
    tx.workspace.create({ data: { id: workspaceId, name: "Runs", slug: `runs-${workspaceId.slice(0, 8)}` } }),
  );
  const workerEnv = loadEnv({
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
    APP_DATABASE_URL: db.appUrl,
    WEFT_HTTP_ALLOWLIST: "127.0.0.1",
    WORKER_ID: `test-worker-${workspaceId.slice(0, 8)}`,
    // Each harness has its own database, so it needs its own queue: a run must only ever be
    // picked up by a worker connected to the database that holds its rows.
    TEMPORAL_TASK_QUEUE: `weft-test-${workspaceId}`,
    NODE_ENV: "test",
  });
  const worker = opts.worker === false ? null : await startWorker(workerEnv);
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const client = new Client({ connection });
  const results = new Map<string, RunResult | { error: string }>();

  const harness: Harness = {
    workspaceId,
    admin,
    client,
    worker,
    workerEnv,
    async createAgent(graphInput, name = "Agent") {
      const checked = validateGraph(graphInput);
      if (!checked.ok) throw new Error(`test graph is invalid: ${JSON.stringify(checked.errors, null, 2)}`);
      const graph = checked.graph;
      return withWorkspace(admin, workspaceId, async (tx) => {
        const agent = await tx.agent.create({ data: { workspaceId, name, draftGraph: graph as object } });
        const version = await tx.agentVersion.create({
          data: {
            workspaceId,
            agentId: agent.id,
            number: 1,
            graph: graph as object,
            spec: "",
            checksum: "test",
          },
        });
        await tx.agent.update({ where: { id: agent.id }, data: { liveVersionId: version.id } });
        return { agentId: agent.id, versionId: version.id, graph };
      });
    },
    async startRun(agent, provided = {}, extra = {}) {
      // What startRun in the gateway does: defaults applied, types checked, before anything runs.
      const resolved = resolveRunInput(agent.graph.inputs, provided);
      if (!resolved.ok) throw new Error(`bad run input: ${JSON.stringify(resolved.errors)}`);
      const input = resolved.value;
      const { id: runId } = await withWorkspace(admin, workspaceId, (tx) =>
        createQueuedRun(tx, {
          workspaceId,
          agentId: agent.agentId,
          versionId: agent.versionId,
          input,
          trigger: "API",
        }),
      );
      const args: RunAgentInput = {
        runId,
        workspaceId,
        agentId: agent.agentId,
        versionId: agent.versionId,
        graph: agent.graph,
        input,
        ...extra,
      };
      const handle = await client.workflow.start(WORKFLOW_TYPES.runAgent, {
        taskQueue: workerEnv.TEMPORAL_TASK_QUEUE,
        workflowId: runWorkflowId(runId),
        args: [args],
      });
      handle.result().then(
        (r: RunResult) => results.set(runId, r),
        (e: unknown) =>
          results.set(runId, {
            error: e instanceof WorkflowFailedError ? String(e.cause?.message) : String(e),
          }),
      );
      return runId;
    },
    async finish(runId) {
      await client.workflow
        .getHandle(runWorkflowId(runId))
        .result()
        .catch(() => undefined);
      return harness.load(runId);
    },
    async load(runId) {
      const run = await admin.run.findUnique({ where: { id: runId } });
      if (!run) throw new Error(`run ${runId} not found`);
      const rows = await admin.nodeRun.findMany({ where: { runId } });
      const events = await admin.runEvent.findMany({ where: { runId }, orderBy: { seq: "asc" } });
      return {
        run,
        nodes: Object.fromEntries(rows.map((r) => [r.nodeId, r])),
        events,
        result: results.get(runId) ?? { error: "unknown" },
      };
    },
    async close() {
      await worker?.shutdown();
      await connection.close();
      await admin.$disconnect();
      await db.drop();
    },
  };
  return harness;
}
