// `npm start` on its own throw-away data and ports, stopped the way a terminal stops it: Ctrl-C
// sends SIGINT to the whole foreground process group. Everything it started must be gone after,
// so a second `npm start` finds its ports free (the README's promise).
import { spawn } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { freePort, isPortFree } from "@weft/devstack/ports";
import { root } from "./lib/apps.ts";

it("Ctrl-C on npm start stops every process it started: all five ports are free again", async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "weft-start-"));
  // As root, PostgreSQL runs as a user of its own, which must reach the cluster inside.
  await chmod(dataDir, 0o755);
  const ports: Record<string, number> = {};
  for (const name of ["WEFT_PG_PORT", "TEMPORAL_PORT", "TEMPORAL_UI_PORT", "GATEWAY_PORT", "WEB_PORT"]) {
    ports[name] = await freePort();
  }
  // The suite's own services are in the environment; this start must bring up its own.
  const env: NodeJS.ProcessEnv = { ...process.env, WEFT_DATA_DIR: dataDir };
  for (const name of ["TEMPORAL_ADDRESS", "DATABASE_URL", "APP_DATABASE_URL", "WEFT_TEST_DATABASE_URL"]) {
    delete env[name];
  }
  for (const [name, port] of Object.entries(ports)) env[name] = String(port);

  const child = spawn(process.execPath, ["scripts/bootstrap.mjs", "start"], {
    cwd: root,
    env,
    // A process group of its own, as a terminal gives a foreground job.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let markReady = () => {};
  const ready = new Promise<"ready">((resolve) => (markReady = () => resolve("ready")));
  const onOutput = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes("Press Ctrl-C to stop everything.")) markReady();
  };
  child.stdout.on("data", onOutput);
  child.stderr.on("data", onOutput);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const within = async <T>(ms: number, what: string, promise: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} within ${ms} ms. Output:\n${output.slice(-4000)}`)),
        ms,
      );
    });
    try {
      return await Promise.race([promise, late]);
    } finally {
      clearTimeout(timer);
    }
  };
  try {
    const startedOrExited = await within(150_000, "npm start was not ready", Promise.race([ready, exited]));
    expect(startedOrExited, output.slice(-4000)).toBe("ready");

    process.kill(-child.pid!, "SIGINT");
    expect(await within(60_000, "npm start did not stop", exited)).toBe(130);
    for (const [name, port] of Object.entries(ports)) {
      expect(await isPortFree(port), `${name} ${port} is still taken after Ctrl-C`).toBe(true);
    }
  } finally {
    if (child.exitCode === null) process.kill(-child.pid!, "SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
  }
}, 240_000);
