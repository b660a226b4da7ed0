import { spawn, type ChildProcess } from "node:child_process";
import { waitForPort } from "./ports.ts";

export interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** How we know it is up: a TCP port accepting connections, or a line on stdout/stderr. */
  ready: { port: number } | { line: RegExp };
  readyTimeoutMs?: number;
  /** Print the child's output with a `[name]` prefix (start), or keep it for failures only (test). */
  echo: boolean;
  /** Every chunk of the child's stdout and stderr, from the first byte (drills keep whole logs). */
  onOutput?: (text: string) => void;
}

export interface RunningService {
  name: string;
  process: ChildProcess;
  /** Last ~16 KB of output, for error messages. */
  output(): string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
  /** Sends `signal` to the whole process group (SIGKILL: a crash, no chance to clean up) and waits for the exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

const COLORS = [36, 35, 33, 32, 34];
let nextColor = 0;

export async function startService(spec: ServiceSpec): Promise<RunningService> {
  // A process group of its own, so stopping it also stops what it spawned (next's workers).
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const color = COLORS[nextColor++ % COLORS.length];
  const prefix = process.stdout.isTTY ? `\x1b[${color}m[${spec.name}]\x1b[0m ` : `[${spec.name}] `;
  let buffer = "";
  let lineWaiter: ((text: string) => void) | null = null;
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    buffer = (buffer + text).slice(-16_000);
    spec.onOutput?.(text);
    if (spec.echo) {
      for (const line of text.split("\n")) if (line.trim()) process.stdout.write(prefix + line + "\n");
    }
    lineWaiter?.(buffer);
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  let stopping: Promise<void> | null = null;
  const service: RunningService = {
    name: spec.name,
    process: child,
    output: () => buffer,
    exited,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
        killGroup(child.pid, "SIGTERM");
        const timer = setTimeout(() => killGroup(child.pid!, "SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
    async kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      killGroup(child.pid, signal);
      await exited;
    },
  };

  const timeoutMs = spec.readyTimeoutMs ?? 120_000;
  const ready =
    "port" in spec.ready
      ? waitForPort(spec.ready.port, "127.0.0.1", timeoutMs)
      : new Promise<void>((resolve, reject) => {
          const pattern = (spec.ready as { line: RegExp }).line;
          const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
          lineWaiter = (text) => {
            if (pattern.test(text)) {
              clearTimeout(timer);
              lineWaiter = null;
              resolve();
            }
          };
          lineWaiter(buffer);
        });
  const outcome = await Promise.race([
    ready.then(() => "ready" as const),
    exited.then((code) => ({ code })),
  ]).catch((err: Error) => ({ error: err.message }));
  if (outcome !== "ready") {
    await service.stop();
    const why = "code" in outcome ? `exited with code ${outcome.code}` : outcome.error;
    throw new Error(`${spec.name} did not start (${why}). Its last output:\n${buffer.trim().slice(-4_000)}`);
  }
  return service;
}

function killGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
