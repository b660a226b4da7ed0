// `npm run drills [-- --only worker-kill,fuzz] [--short] [--set cases=2000]`: the reliability drills
// of issue #8 with drill-sized parameters (or the short ones `npm test` runs), printed as a table.
import os from "node:os";
import { parseArgs } from "node:util";
import { DefaultLogger, Runtime, makeTelemetryFilterString } from "@temporalio/worker";
import { canary } from "./canary.ts";
import { fuzz } from "./fuzz.ts";
import { gatewayRestart } from "./gateway-restart.ts";
import { ensureInfra } from "./lib/infra.ts";
import {
  formatFailures,
  formatParams,
  formatTable,
  type DrillDefinition,
  type DrillResult,
} from "./lib/report.ts";
import { postgresRestart } from "./postgres-restart.ts";
import { workerKill } from "./worker-kill.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each drill has its own parameter type
const DRILLS: DrillDefinition<any>[] = [workerKill, gatewayRestart, postgresRestart, fuzz, canary];

const { values } = parseArgs({
  options: {
    only: { type: "string", multiple: true },
    short: { type: "boolean", default: false },
    set: { type: "string", multiple: true },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(`usage: npm run drills [-- --only NAME[,NAME]] [--short] [--set key=value ...]

drills (parameters of npm run drills / of the short version in npm test):
${DRILLS.map((d) => `  ${d.name.padEnd(18)} ${formatParams(d.drill)}  /  ${formatParams(d.short)}`).join("\n")}

--set overrides a numeric parameter of every selected drill that has it (e.g. --set cases=5000).`);
  process.exit(0);
}

const only = (values.only ?? []).flatMap((v) => v.split(",")).filter(Boolean);
const unknown = only.filter((name) => !DRILLS.some((d) => d.name === name));
if (unknown.length) {
  console.error(`unknown drill(s): ${unknown.join(", ")}; known: ${DRILLS.map((d) => d.name).join(", ")}`);
  process.exit(2);
}
const overrides = Object.fromEntries(
  (values.set ?? []).map((pair) => {
    const [key, value] = pair.split("=");
    if (!key || value === undefined || Number.isNaN(Number(value))) {
      console.error(`--set wants key=number, got ${pair}`);
      process.exit(2);
    }
    return [key, Number(value)];
  }),
);
const selected = DRILLS.filter((d) => !only.length || only.includes(d.name));

// Workers started inside this process (gateway-restart) log at WARN, like apps/temporal-worker.
Runtime.install({
  logger: new DefaultLogger("WARN"),
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: "WARN" }), forward: {} } },
});

const log = (line: string) => console.log(`[drills] ${line}`);
const stopInfra = await ensureInfra(log);
// Ctrl-C: stop the throw-away services; the 'exit' hook in lib/processes.ts kills app processes.
process.once("SIGINT", () => {
  log("interrupted; stopping");
  void stopInfra().finally(() => process.exit(130));
});
const results: DrillResult[] = [];
try {
  for (const drill of selected) {
    const base = values.short ? drill.short : drill.drill;
    const params = Object.fromEntries(
      Object.entries(base).map(([k, v]) => [k, k in overrides ? overrides[k] : v]),
    ) as typeof base;
    log(`${drill.name}: ${formatParams(params)}`);
    const started = Date.now();
    let result: DrillResult;
    try {
      result = await drill.run(params);
    } catch (error) {
      result = {
        drill: drill.name,
        params,
        numbers: {},
        results: [],
        failures: [`threw: ${(error as Error).stack ?? String(error)}`],
        durationMs: Date.now() - started,
      };
    }
    results.push(result);
    log(
      `${drill.name}: ${result.failures.length ? "FAIL" : "pass"} in ${(result.durationMs / 1000).toFixed(1)} s`,
    );
  }
} finally {
  await stopInfra();
}

const cpus = os.cpus();
console.log(
  `\n${new Date().toISOString().slice(0, 10)} · ${os.type()} ${os.arch()}, ${cpus.length} × ${cpus[0]?.model.trim() ?? "cpu"}, ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}\n`,
);
console.log(formatTable(results));
const failures = formatFailures(results);
if (failures) console.log(`\nFailures:\n${failures}`);
console.log(
  `\ndrills: ${results.filter((r) => !r.failures.length).length} passed, ${results.filter((r) => r.failures.length).length} failed`,
);
process.exit(results.some((r) => r.failures.length) ? 1 : 0);
