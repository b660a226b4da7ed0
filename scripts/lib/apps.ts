import { spawn } from "node:child_process";
import path from "node:path";
import type { TestDatabase } from "@weft/db/testing";
import type { Infra } from "@weft/devstack/stack";
import type { StackEnv } from "@weft/devstack/env";
import type { RunningService, ServiceSpec } from "@weft/devstack/processes";

export const root = path.resolve(import.meta.dirname, "../..");
const tsxLoader = path.join(root, "node_modules", "tsx", "dist", "loader.mjs");
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");

export interface AppPorts {
  gateway: number;
  web: number;
}

export interface AppOptions {
  env: StackEnv;
  infra: Infra;
  ports: AppPorts;
  /** `next dev` (start) or `next start` on a production build (tests). */
  webMode: "dev" | "prod";
  echo: boolean;
  nodeEnv: "development" | "test" | "production";
}

/** Dev-only signing secret; production must set WEFT_AUTH_SECRET (the gateway refuses to boot without). */
const DEV_AUTH_SECRET = "weft-local-development-secret-change-me-0123456789";

/** The variables every app process shares; each app validates its own subset with zod at boot. */
export function appEnv(opts: AppOptions): NodeJS.ProcessEnv {
  const gatewayUrl = `http://localhost:${opts.ports.gateway}/graphql`;
  return {
    ...process.env,
    NODE_ENV: opts.nodeEnv,
    APP_DATABASE_URL: opts.infra.appUrl,
    TEMPORAL_ADDRESS: opts.infra.temporalAddress,
    TEMPORAL_NAMESPACE: opts.infra.temporalNamespace,
    GATEWAY_PORT: String(opts.ports.gateway),
    GATEWAY_HOST: "127.0.0.1",
    WEB_PORT: String(opts.ports.web),
    WEB_ORIGIN: `http://localhost:${opts.ports.web}`,
    NEXT_PUBLIC_GATEWAY_URL: gatewayUrl,
    WEFT_AUTH_SECRET: opts.env.WEFT_AUTH_SECRET ?? DEV_AUTH_SECRET,
    NEXT_TELEMETRY_DISABLED: "1",
    // The throw-away test stack only: browser specs answer LLM calls from a local OpenAI-wire
    // server on the loopback, which the worker's outbound guard refuses otherwise. Development
    // and production keep the default (no private or loopback destinations). Every browser spec
    // also signs users up from 127.0.0.1, past the default sign-up/sign-in rate limit.
    ...(opts.nodeEnv === "test"
      ? { WEFT_HTTP_ALLOWLIST: "127.0.0.1", GATEWAY_RATE_LIMIT_ANONYMOUS: "200/1000" }
      : {}),
  };
}

export function appSpecs(opts: AppOptions): ServiceSpec[] {
  const env = appEnv(opts);
  const tsNode = (entry: string) => [
    "--enable-source-maps",
    "--import",
    `file://${tsxLoader}`,
    path.join(root, entry),
  ];
  return [
    {
      name: "gateway",
      command: process.execPath,
      args: tsNode("apps/gateway/src/main.ts"),
      cwd: path.join(root, "apps/gateway"),
      env,
      ready: { port: opts.ports.gateway },
      echo: opts.echo,
    },
    {
      name: "worker",
      command: process.execPath,
      args: tsNode("apps/temporal-worker/src/main.ts"),
      cwd: path.join(root, "apps/temporal-worker"),
      env,
      ready: { line: /worker polling task queue/ },
      echo: opts.echo,
    },
    {
      name: "web",
      command: process.execPath,
      args: [nextBin, opts.webMode === "dev" ? "dev" : "start", "--port", String(opts.ports.web)],
      cwd: path.join(root, "apps/web"),
      env: opts.webMode === "dev" ? { ...env, NODE_ENV: "development" } : { ...env, NODE_ENV: "production" },
      ready: { port: opts.ports.web },
      readyTimeoutMs: 180_000,
      echo: opts.echo,
    },
  ];
}

export type AppName = "gateway" | "worker" | "web";

export interface TestAppsOptions {
  env: StackEnv;
  infra: Infra;
  /** NODE_ENV of the gateway and the worker (the web app always runs its production build). */
  nodeEnv: "test" | "production";
  /** Added to every app's environment (after the shared variables). */
  extraEnv?: NodeJS.ProcessEnv;
  /** Fixed ports (a reused web build has its gateway URL baked in); free ports otherwise. */
  ports?: AppPorts;
}

export interface TestApps {
  /** The apps' own database, cloned from the migrated template, with the demo data seeded. */
  db: TestDatabase;
  ports: AppPorts;
  gatewayUrl: string;
  webUrl: string;
  specs: ServiceSpec[];
  /** Started so far, in start order. */
  services: RunningService[];
  /** `next build` of apps/web with the web app's environment; resolves to success. */
  buildWeb(opts?: { echo?: boolean }): Promise<boolean>;
  /** Starts the named apps (in the order given), each once. */
  start(names: AppName[]): Promise<void>;
  /** Stops the started apps (reverse order) and drops the database. Idempotent. */
  stop(): Promise<void>;
}

/**
 * The apps on throw-away infrastructure, for `npm run e2e` / `npm test` (scripts/cli.ts) and
 * `npm run bench`: a database of their own, free ports, a production build of the web app.
 * Imports lazily: scripts/cli.ts loads this file before it has generated the Prisma client.
 */
export async function prepareTestApps(o: TestAppsOptions): Promise<TestApps> {
  const { createTestDatabase } = await import("@weft/db/testing");
  const { seedDemo } = await import("@weft/db/seed");
  const { startService } = await import("@weft/devstack/processes");
  const { freePort } = await import("@weft/devstack/ports");

  const db = await createTestDatabase(o.infra.adminUrl);
  try {
    await seedDemo(db.adminUrl);
  } catch (error) {
    await db.drop();
    throw error;
  }
  const ports = o.ports ?? { gateway: await freePort(), web: await freePort() };
  const appInfra = { ...o.infra, adminUrl: db.adminUrl, appUrl: db.appUrl };
  const specs = appSpecs({
    env: o.env,
    infra: appInfra,
    ports,
    webMode: "prod",
    echo: false,
    nodeEnv: o.nodeEnv,
  });
  for (const spec of specs) spec.env = { ...spec.env, ...o.extraEnv };
  const services: RunningService[] = [];
  let stopping: Promise<void> | null = null;

  return {
    db,
    ports,
    gatewayUrl: `http://localhost:${ports.gateway}/graphql`,
    webUrl: `http://localhost:${ports.web}`,
    specs,
    services,
    async buildWeb(opts = {}) {
      const web = specs.find((s) => s.name === "web")!;
      const child = spawn(process.execPath, [nextBin, "build"], {
        cwd: web.cwd,
        env: web.env,
        stdio: opts.echo === false ? ["ignore", "pipe", "pipe"] : "inherit",
      });
      let output = "";
      const keep = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-8_000);
      };
      child.stdout?.on("data", keep);
      child.stderr?.on("data", keep);
      const code = await new Promise<number>((resolve) => {
        child.once("exit", (c, signal) => resolve(c ?? (signal ? 1 : 0)));
        child.once("error", (err) => {
          output += err.message;
          resolve(1);
        });
      });
      if (code !== 0 && opts.echo === false) console.error(`next build failed:\n${output}`);
      return code === 0;
    },
    async start(names) {
      for (const name of names) {
        if (services.some((s) => s.name === name)) continue;
        services.push(await startService(specs.find((s) => s.name === name)!));
      }
    },
    stop() {
      stopping ??= (async () => {
        for (const service of [...services].reverse()) await service.stop();
        await db.drop();
      })();
      return stopping;
    },
  };
}
