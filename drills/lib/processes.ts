import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { freePort } from "@weft/devstack/ports";
import { startService, type RunningService } from "@weft/devstack/processes";
import { ROOT } from "./infra.ts";

const TSX_LOADER = `file://${path.join(ROOT, "node_modules", "tsx", "dist", "loader.mjs")}`;

/**
 * A gateway or worker as its own OS process — the thing that crashes, restarts and writes logs in
 * production — with every byte of its stdout and stderr kept (the canary drill searches them).
 */
export interface AppProcess {
  name: string;
  service: RunningService;
  /** Everything the process wrote so far, stdout and stderr interleaved. */
  log(): string;
  /** SIGKILL = a crash; SIGTERM = a graceful stop (drain). Resolves once it exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

type Env = Record<string, string | number | undefined>;

// App processes run in process groups of their own (devstack's startService): should this process
// exit without its drill's cleanup (a test timeout, Ctrl-C), take them along instead of orphaning them.
const running = new Set<number>();
process.once("exit", () => {
  for (const pid of running) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
});

function stringEnv(env: Env): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
}

async function startApp(
  name: string,
  entry: string,
  cwd: string,
  env: Env,
  ready: RegExp,
  onOutput?: (text: string) => void,
): Promise<AppProcess> {
  let log = "";
  // DRILLS_LOG_DIR=dir keeps every process's output in dir/<name>.log (what happened, after the fact).
  const file = process.env.DRILLS_LOG_DIR ? path.join(process.env.DRILLS_LOG_DIR, `${name}.log`) : null;
  if (file) mkdirSync(path.dirname(file), { recursive: true });
  const service = await startService({
    name,
    command: process.execPath,
    args: ["--enable-source-maps", "--import", TSX_LOADER, entry],
    // tsx applies a tsconfig only to the files it includes: run from the app (decorators).
    cwd,
    env: { ...process.env, ...stringEnv(env) },
    ready: { line: ready },
    readyTimeoutMs: 120_000,
    echo: false,
    onOutput: (text) => {
      log += text;
      if (file) appendFileSync(file, text);
      onOutput?.(text);
    },
  });
  const pid = service.process.pid;
  if (pid !== undefined) {
    running.add(pid);
    void service.exited.then(() => running.delete(pid));
  }
  return { name, service, log: () => log, kill: (signal) => service.kill(signal) };
}

export interface WorkerProcessEnv extends Env {
  TEMPORAL_ADDRESS: string;
  APP_DATABASE_URL: string;
  TEMPORAL_TASK_QUEUE: string;
}

/** apps/temporal-worker/src/main.ts, ready once it polls its task queue. */
export function startWorkerProcess(name: string, env: WorkerProcessEnv): Promise<AppProcess> {
  return startApp(
    name,
    path.join(ROOT, "apps/temporal-worker/src/main.ts"),
    path.join(ROOT, "apps/temporal-worker"),
    { NODE_ENV: "test", WORKER_ID: name, ...env },
    /worker polling task queue/,
  );
}

export interface GatewayProcess extends AppProcess {
  port: number;
  url: string;
  wsUrl: string;
}

export interface GatewayProcessEnv extends Env {
  APP_DATABASE_URL: string;
  TEMPORAL_ADDRESS: string;
  TEMPORAL_TASK_QUEUE: string;
  WEFT_AUTH_SECRET: string;
}

/**
 * A gateway process on `port` (a free one if omitted): apps/gateway/src/main.ts, or with
 * `unlimited` the drills' entry that differs only in having no mutation rate limits (the fuzz
 * drill sends thousands of mutations a minute to one workspace).
 */
export async function startGatewayProcess(
  name: string,
  env: GatewayProcessEnv,
  opts: { port?: number; unlimited?: boolean } = {},
): Promise<GatewayProcess> {
  const port = opts.port ?? (await freePort());
  const entry = opts.unlimited
    ? path.join(ROOT, "drills/lib/gateway-unlimited.ts")
    : path.join(ROOT, "apps/gateway/src/main.ts");
  const app = await startApp(
    name,
    entry,
    path.join(ROOT, "apps/gateway"),
    { NODE_ENV: "test", GATEWAY_HOST: "127.0.0.1", GATEWAY_PORT: port, ...env },
    /gateway listening on/,
  );
  return { ...app, port, url: `http://127.0.0.1:${port}/graphql`, wsUrl: `ws://127.0.0.1:${port}/graphql` };
}

/** Lines of process output that signal a problem even when every check passed (leaks, lost promises). */
const WARNING =
  /MaxListenersExceededWarning|UnhandledPromiseRejection|unhandled (promise )?rejection|uncaught exception/i;

export function warningsIn(processes: AppProcess[]): string[] {
  return processes.flatMap((p) =>
    p
      .log()
      .split("\n")
      .filter((line) => WARNING.test(line))
      .map((line) => `${p.name}: ${line.trim().slice(0, 300)}`),
  );
}

/** Records the processes' warnings as a fact and fails the drill if there are any. */
export function checkWarnings(
  report: { fact(key: string, value: number, line: string): void; check(ok: boolean, message: string): void },
  processes: AppProcess[],
): void {
  const warnings = warningsIn(processes);
  report.fact("processWarnings", warnings.length, `process warnings ${warnings.length}`);
  report.check(warnings.length === 0, `process warnings: ${warnings.slice(0, 3).join(" | ")}`);
}

/** Fails the drill for every process that died on its own (a crash is the finding, with its last words). */
export function checkAlive(
  report: { check(ok: boolean, message: string): void },
  processes: AppProcess[],
): void {
  for (const p of processes) {
    const child = p.service.process;
    const died = child.exitCode !== null || child.signalCode !== null;
    report.check(
      !died,
      `${p.name} died (exit ${child.exitCode ?? child.signalCode}): ${p.log().slice(-1_500)}`,
    );
  }
}
