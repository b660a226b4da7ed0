import fc from "fast-check";
import { Client, Connection } from "@temporalio/client";
import { createTestDatabase } from "@weft/db/testing";
import { runWorkflowId } from "@weft/schema";
import { Api, OPS, publishedAgent, signUpWithWorkspace, type GqlError, type GqlResponse } from "./lib/api.ts";
import {
  graphArbitrary,
  runInputArbitrary,
  RUN_INPUTS,
  SEED_GRAPHS,
  specArbitrary,
} from "./lib/fuzz-inputs.ts";
import { drillInfra } from "./lib/infra.ts";
import { checkAlive, checkWarnings, startGatewayProcess, type GatewayProcess } from "./lib/processes.ts";
import { Report, type DrillDefinition, type DrillResult } from "./lib/report.ts";
import { drillStack, gatewayEnv } from "./lib/stack.ts";

export interface FuzzParams {
  /** Generated cases per operation. */
  cases: number;
  /** fast-check seed: the same seed sends the same cases. */
  seed: number;
  /** Requests in flight at once. */
  concurrency: number;
}

export const fuzz = {
  name: "fuzz",
  drill: { cases: 1_000, seed: 20_261_122, concurrency: 4 },
  short: { cases: 60, seed: 8, concurrency: 2 },
  run: fuzzDrill,
} satisfies DrillDefinition<FuzzParams>;

/** Tallies for one operation. */
interface Tally {
  cases: number;
  accepted: number;
  /** Refused the way the contract says: BAD_USER_INPUT locating the problem. */
  rejected: number;
  /** INTERNAL, HTTP 5xx. */
  serverErrors: number;
  /** Not JSON, no errors[].extensions.code, or neither data nor errors. */
  unstructured: number;
  /** A code other than BAD_USER_INPUT. */
  otherCodes: number;
  /** BAD_USER_INPUT (or a failed compile) that does not say where the problem is. */
  withoutPath: number;
  examples: string[];
}

type Verdict = Exclude<keyof Tally, "cases" | "examples">;

/** Where each issue of a BAD_USER_INPUT error points; an empty string is an issue that points nowhere. */
export function errorLocations(error: GqlError): string[] {
  const details = error.extensions?.details as
    { argument?: unknown; fields?: unknown; issues?: unknown } | undefined;
  const out: string[] = [];
  if (Array.isArray(details?.fields)) {
    for (const f of details.fields as { path?: unknown }[])
      out.push(typeof f.path === "string" ? f.path : "");
  }
  if (Array.isArray(details?.issues)) {
    for (const issue of details.issues as { path?: unknown }[]) {
      const path = Array.isArray(issue.path) ? issue.path.map(String) : [];
      const full = [...(typeof details.argument === "string" ? [details.argument] : []), ...path];
      out.push(full.filter(Boolean).join("."));
    }
  }
  return out;
}

/** The contract's answer to bad input: every error is BAD_USER_INPUT and says where. */
function judgeErrors(response: GqlResponse): Verdict {
  if (response.status >= 500) return "serverErrors";
  const errors = response.json?.errors;
  if (!response.json || (!errors?.length && !response.json.data)) return "unstructured";
  if (!errors?.length) return "accepted";
  const codes = errors.map((e) => e.extensions?.code);
  if (codes.some((c) => c === "INTERNAL" || c === "INTERNAL_SERVER_ERROR")) return "serverErrors";
  if (codes.some((c) => typeof c !== "string")) return "unstructured";
  if (codes.some((c) => c !== "BAD_USER_INPUT")) return "otherCodes";
  const located = errors.every((e) => {
    const where = errorLocations(e);
    return where.length > 0 && where.every((w) => w.length > 0);
  });
  return located ? "rejected" : "withoutPath";
}

/** compileSpec answers bad specs with diagnostics, not errors: each error diagnostic must carry a line. */
function judgeCompile(response: GqlResponse): Verdict {
  const verdict = judgeErrors(response);
  if (verdict !== "accepted") return verdict;
  const result = (
    response.json?.data as {
      compileSpec?: { ok: boolean; diagnostics: { severity: string; line: number | null }[] };
    }
  )?.compileSpec;
  if (!result) return "unstructured";
  if (result.ok) return "accepted";
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  return errors.length > 0 && errors.every((d) => typeof d.line === "number" && d.line >= 1)
    ? "rejected"
    : "withoutPath";
}

function excerpt(value: unknown, max = 300): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, concurrency) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/**
 * fast-check cases against a real gateway process: structured mutations of valid graphs, specs and
 * run inputs, plus random JSON and text, through updateDraft (graph, and spec), compileSpec and
 * startRun. Not one INTERNAL error or unstructured answer; every rejection BAD_USER_INPUT with a
 * path for each issue (compileSpec: a line for each error diagnostic).
 */
export async function fuzzDrill(p: FuzzParams): Promise<DrillResult> {
  const report = new Report(fuzz.name, { cases: p.cases, seed: p.seed });
  const infra = drillInfra();
  const db = await createTestDatabase(infra.adminUrl);
  const stack = drillStack({ ...infra, appUrl: db.appUrl });
  let gateway: GatewayProcess | null = null;
  const started: string[] = [];
  try {
    gateway = await startGatewayProcess("fuzz-gateway", gatewayEnv(stack), { unlimited: true });
    const api = new Api(gateway.url);
    const { workspaceId } = await signUpWithWorkspace(api, "fuzz");
    const { createAgent } = await api.ok<{ createAgent: { id: string } }>(OPS.createAgent, {
      w: workspaceId,
      name: "Fuzzed draft",
      graph: SEED_GRAPHS[0],
    });
    const draftId = createAgent.id;
    const runAgentId = await publishedAgent(api, workspaceId, {
      version: 1,
      inputs: RUN_INPUTS,
      nodes: [{ id: "echo", type: "log", config: { message: "{{input.who}}" } }],
      edges: [],
    });
    api.transcript.length = 0;

    const operations: Array<{
      name: string;
      cases: unknown[];
      send: (value: unknown) => Promise<GqlResponse>;
      judge: (r: GqlResponse) => Verdict;
    }> = [
      {
        name: "updateDraft(graph)",
        cases: fc.sample(graphArbitrary, { numRuns: p.cases, seed: p.seed }),
        send: (graph) => api.request(OPS.updateDraft, { a: draftId, graph }),
        judge: judgeErrors,
      },
      {
        name: "updateDraft(spec)",
        cases: fc.sample(specArbitrary, { numRuns: p.cases, seed: p.seed + 1 }),
        send: (spec) => api.request(OPS.updateDraft, { a: draftId, spec }),
        judge: judgeErrors,
      },
      {
        name: "compileSpec",
        cases: fc.sample(specArbitrary, { numRuns: p.cases, seed: p.seed + 2 }),
        send: (spec) => api.request(OPS.compileSpec, { spec }),
        judge: judgeCompile,
      },
      {
        name: "startRun(input)",
        cases: fc.sample(runInputArbitrary, { numRuns: p.cases, seed: p.seed + 3 }),
        send: async (input) => {
          const r = await api.request<{ startRun?: { id: string } }>(OPS.startRun, { a: runAgentId, input });
          if (r.json?.data?.startRun) started.push(r.json.data.startRun.id);
          return r;
        },
        judge: judgeErrors,
      },
    ];

    let totalCases = 0;
    let serverErrors = 0;
    let unstructured = 0;
    let withoutPath = 0;
    let otherCodes = 0;
    for (const op of operations) {
      const tally: Tally = {
        cases: 0,
        accepted: 0,
        rejected: 0,
        serverErrors: 0,
        unstructured: 0,
        otherCodes: 0,
        withoutPath: 0,
        examples: [],
      };
      await pool(op.cases, p.concurrency, async (value) => {
        const response = await op.send(value);
        const verdict = op.judge(response);
        tally.cases++;
        tally[verdict]++;
        if (verdict !== "accepted" && verdict !== "rejected" && tally.examples.length < 3) {
          tally.examples.push(`${verdict}: input ${excerpt(value)} → ${excerpt(response.text, 600)}`);
        }
      });
      totalCases += tally.cases;
      serverErrors += tally.serverErrors;
      unstructured += tally.unstructured;
      withoutPath += tally.withoutPath;
      otherCodes += tally.otherCodes;
      report.line(
        `${op.name}: ${tally.cases} cases, ${tally.accepted} accepted, ${tally.rejected} rejected, ` +
          `${tally.serverErrors} server errors, ${tally.unstructured} unstructured, ${tally.otherCodes} other codes, ` +
          `${tally.withoutPath} without path`,
      );
      for (const example of tally.examples) report.fail(`${op.name} ${example}`);
      report.check(tally.accepted > 0 && tally.rejected > 0, `${op.name}: the cases never hit both outcomes`);
    }
    const internalLogged = (gateway.log().match(/internal error/g) ?? []).length;
    report.fact("cases", totalCases, `${totalCases} cases in all`);
    report.fact("serverErrors", serverErrors, `server errors ${serverErrors}`);
    report.fact("unstructured", unstructured, `unstructured ${unstructured}`);
    report.fact("otherCodes", otherCodes, `other codes ${otherCodes}`);
    report.fact("withoutPath", withoutPath, `rejections without path ${withoutPath}`);
    report.fact("internalLogged", internalLogged, `internal errors in the gateway log ${internalLogged}`);
    report.check(internalLogged === 0, `the gateway logged ${internalLogged} internal errors`);
    checkWarnings(report, [gateway]);
    checkAlive(report, [gateway]);
    // The first logged causes, so a failing run says what broke without a rerun.
    const log = gateway.log();
    for (
      let at = log.indexOf("internal error"), n = 0;
      at >= 0 && n < 2;
      at = log.indexOf("internal error", at + 1), n++
    ) {
      report.fail(`gateway log: ${log.slice(at, at + 1_500)}`);
    }
    return report.finish();
  } finally {
    await gateway?.kill("SIGKILL");
    // Runs the fuzzer started legitimately: nobody polls their queue, so end their workflows.
    if (started.length) {
      const connection = await Connection.connect({ address: infra.temporalAddress });
      const client = new Client({ connection, namespace: infra.temporalNamespace });
      await Promise.all(
        started.map((id) =>
          client.workflow
            .getHandle(runWorkflowId(id))
            .terminate("fuzz drill cleanup")
            .catch(() => undefined),
        ),
      );
      await connection.close();
    }
    await db.drop();
  }
}
