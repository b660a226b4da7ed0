import path from "node:path";
import type { Infra } from "@weft/devstack/stack";
import type { StackEnv } from "@weft/devstack/env";
import type { ServiceSpec } from "@weft/devstack/processes";

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
    // and production keep the default (no private or loopback destinations).
    ...(opts.nodeEnv === "test" ? { WEFT_HTTP_ALLOWLIST: "127.0.0.1" } : {}),
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
