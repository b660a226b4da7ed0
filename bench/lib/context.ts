// What the scenarios share: one throw-away Postgres + Temporal for the whole `npm run bench`, and,
// started on first use, the apps (gateway + worker processes, the web app for scenario 7), the
// raw-Temporal worker process and the bare GraphQL server. Everything is stopped by close().
import path from "node:path";
import { Client, Connection } from "@temporalio/client";
import { createPrisma, type PrismaClient } from "@weft/db";
import { generateMasterKeyEntry } from "@weft/db/secrets";
import type { StackEnv } from "@weft/devstack/env";
import { freePort } from "@weft/devstack/ports";
import { startService, type RunningService, type ServiceSpec } from "@weft/devstack/processes";
import type { Infra } from "@weft/devstack/stack";
import { loadEnv } from "../../apps/temporal-worker/src/env.ts";
import { prepareTestApps, root, type TestApps } from "../../scripts/lib/apps.ts";

const tsxLoader = `file://${path.join(root, "node_modules", "tsx", "dist", "loader.mjs")}`;

/** The worker's own defaults (apps/temporal-worker/src/env.ts), given to Weft's and the raw workers alike. */
export function workerSettings() {
  const env = loadEnv({ APP_DATABASE_URL: "postgresql://unused@localhost/unused" });
  return {
    WORKER_MAX_CONCURRENT_ACTIVITIES: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
    WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: env.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    WORKER_DB_POOL_SIZE: env.WORKER_DB_POOL_SIZE,
  };
}

export interface AppStack {
  apps: TestApps;
  gatewayUrl: string;
  wsUrl: string;
  webUrl: string;
  /** The gateway's signing secret (session tokens for seeded users). */
  authSecret: string;
  /** Owner connection to the apps' database (fixtures, checks). */
  admin: PrismaClient;
}

export interface Options {
  iterations: number;
}

export class BenchContext {
  private readonly cleanups: Array<() => Promise<void>> = [];
  private closing: Promise<void> | null = null;
  private readonly lazy = new Map<string, Promise<unknown>>();
  readonly settings = workerSettings();

  constructor(
    readonly env: StackEnv,
    readonly infra: Infra,
    readonly options: Options,
    readonly log: (line: string) => void,
  ) {}

  onClose(fn: () => Promise<void>): void {
    this.cleanups.push(fn);
  }

  /** Once: a second call (the end of the bench after a Ctrl-C) waits for the same cleanups. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const fn of this.cleanups.splice(0).reverse()) {
        await fn().catch((err: unknown) => this.log(`cleanup failed: ${(err as Error).message}`));
      }
    })();
    return this.closing;
  }

  /** One instance per key for the whole bench, made on first use. */
  shared<T>(key: string, make: () => Promise<T>): Promise<T> {
    let value = this.lazy.get(key) as Promise<T> | undefined;
    if (!value) {
      value = make();
      this.lazy.set(key, value);
    }
    return value;
  }

  temporal(): Promise<Client> {
    return this.shared("temporal", async () => {
      const connection = await Connection.connect({ address: this.infra.temporalAddress });
      this.onClose(() => connection.close());
      return new Client({ connection, namespace: this.infra.temporalNamespace });
    });
  }

  /** Gateway and worker as processes (scripts/cli.ts's e2e set-up), NODE_ENV=production. */
  appStack(): Promise<AppStack> {
    return this.shared("apps", async () => {
      this.log("starting gateway + worker (own database, production mode)…");
      const apps = await prepareTestApps({
        env: this.env,
        infra: this.infra,
        nodeEnv: "production",
        extraEnv: {
          // BENCH_CPU_PROFILE_DIR=dir: gateway and worker write V8 CPU profiles there on exit.
          ...(process.env.BENCH_CPU_PROFILE_DIR
            ? {
                BENCH_CPU_PROFILE_DIR: path.resolve(process.env.BENCH_CPU_PROFILE_DIR),
                NODE_OPTIONS: `--import ${path.join(import.meta.dirname, "cpu-profile-preload.mjs")}`,
              }
            : process.env.BENCH_APP_NODE_OPTIONS
              ? { NODE_OPTIONS: process.env.BENCH_APP_NODE_OPTIONS }
              : {}),
          WEFT_MASTER_KEY: generateMasterKeyEntry(1),
          ...Object.fromEntries(Object.entries(this.settings).map(([k, v]) => [k, String(v)])),
        },
      });
      this.onClose(apps.stop);
      this.appsStarted = apps.services;
      await apps.start(["gateway", "worker"]);
      const gatewayEnv = apps.specs.find((s) => s.name === "gateway")!.env;
      const admin = createPrisma(apps.db.adminUrl, { poolMax: 4 });
      this.onClose(() => admin.$disconnect());
      return {
        apps,
        // The gateway listens on 127.0.0.1; "localhost" may resolve to ::1 first (autocannon).
        gatewayUrl: apps.gatewayUrl.replace("localhost", "127.0.0.1"),
        wsUrl: apps.gatewayUrl.replace("localhost", "127.0.0.1").replace(/^http/, "ws"),
        webUrl: apps.webUrl,
        authSecret: gatewayEnv.WEFT_AUTH_SECRET!,
        admin,
      };
    });
  }

  /** The web app (production build) next to the app stack; builds it first. */
  web(): Promise<AppStack> {
    return this.shared("web", async () => {
      const stack = await this.appStack();
      // Every time: the build inlines the gateway's URL, and its port is new in each run.
      this.log("next build of apps/web (production)…");
      if (!(await stack.apps.buildWeb({ echo: false }))) throw new Error("next build failed");
      await stack.apps.start(["web"]);
      return stack;
    });
  }

  /** The raw-Temporal baseline worker (bench/raw-worker.ts) as a process; returns its task queue. */
  rawWorker(): Promise<string> {
    return this.shared("raw-worker", async () => {
      const taskQueue = "bench-raw-process";
      await this.service({
        name: "raw-worker",
        command: process.execPath,
        args: ["--import", tsxLoader, path.join(root, "bench/raw-worker.ts")],
        cwd: root,
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: this.infra.temporalAddress,
          TEMPORAL_NAMESPACE: this.infra.temporalNamespace,
          RAW_TASK_QUEUE: taskQueue,
          ...Object.fromEntries(Object.entries(this.settings).map(([k, v]) => [k, String(v)])),
        },
        ready: { line: /raw worker polling/ },
        echo: false,
      });
      return taskQueue;
    });
  }

  /** bench/bare-server.ts on the apps' database; returns its HTTP URL. */
  bareServer(): Promise<{ url: string; wsUrl: string }> {
    return this.shared("bare", async () => {
      const stack = await this.appStack();
      const port = await freePort();
      await this.service({
        name: "bare-server",
        command: process.execPath,
        args: ["--import", tsxLoader, path.join(root, "bench/bare-server.ts")],
        cwd: root,
        env: {
          ...process.env,
          NODE_ENV: "production",
          BARE_PORT: String(port),
          BARE_DATABASE_URL: stack.apps.db.adminUrl,
        },
        ready: { port },
        echo: false,
      });
      return { url: `http://127.0.0.1:${port}/graphql`, wsUrl: `ws://127.0.0.1:${port}/graphql` };
    });
  }

  private readonly services: RunningService[] = [];

  private async service(spec: ServiceSpec): Promise<RunningService> {
    const service = await startService(spec);
    this.services.push(service);
    this.onClose(service.stop);
    return service;
  }

  /** Prints the last output of the named (or all) processes started for the bench. */
  dumpServices(names?: string[]): void {
    const apps = this.lazy.has("apps") ? this.appsStarted : [];
    for (const s of [...apps, ...this.services]) {
      if (!names || names.includes(s.name))
        console.error(`── last output of ${s.name}:\n${s.output().slice(-3000)}`);
    }
  }

  private appsStarted: RunningService[] = [];
}
