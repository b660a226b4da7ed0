// Setup steps shared by the orchestrator (scripts/cli.ts) and the benchmarks (bench/index.ts).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { root } from "./apps.ts";

/** Prisma's client is generated code (gitignored); regenerate when the schema changed. */
export function generatePrismaClient(): void {
  const r = spawnSync(process.execPath, ["--import", "tsx", "packages/db/scripts/generate.ts"], {
    cwd: root,
    stdio: "inherit",
  });
  if (r.status !== 0) throw new Error("prisma client generation failed");
}

/** Debian's chromium (installed with apt-get when missing and we are root), or CHROMIUM_PATH. */
export function ensureChromium(log: (line: string) => void): string {
  const configured = process.env.CHROMIUM_PATH;
  if (configured && fs.existsSync(configured)) return configured;
  for (const candidate of ["/usr/bin/chromium", "/usr/bin/chromium-browser"]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  if (process.getuid?.() !== 0) {
    throw new Error(
      "Chromium is missing: install Debian's package (`sudo apt-get install -y chromium`) or set CHROMIUM_PATH",
    );
  }
  log("installing Debian's chromium for the browser tests (apt-get)…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  const r = spawnSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "chromium"], {
    stdio: "inherit",
    env,
  });
  if (r.status !== 0 || !fs.existsSync("/usr/bin/chromium"))
    throw new Error("apt-get install chromium failed");
  return "/usr/bin/chromium";
}
