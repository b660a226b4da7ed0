#!/usr/bin/env node
// Entry point of `npm start` / `npm test` on a fresh clone. It may run before any dependency is
// installed, so it uses Node built-ins only: install what is missing, then hand over to the
// TypeScript orchestrator (scripts/cli.ts) through tsx.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 12)) {
  console.error(`Weft needs Node.js 20.12 or newer (found ${process.versions.node}).`);
  process.exit(1);
}

const lockfile = path.join(root, "package-lock.json");
const installedMarker = path.join(root, "node_modules", ".package-lock.json");
const needsInstall =
  !fs.existsSync(installedMarker) || fs.statSync(installedMarker).mtimeMs < fs.statSync(lockfile).mtimeMs;
if (needsInstall) {
  console.log("[weft] installing npm dependencies (npm ci)…");
  const r = spawnSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" },
  });
  if (r.status !== 0) {
    console.error("[weft] npm ci failed; see the output above.");
    process.exit(r.status ?? 1);
  }
}

const tsxLoader = path.join(root, "node_modules", "tsx", "dist", "loader.mjs");
const child = spawn(
  process.execPath,
  ["--import", pathToFileURL(tsxLoader).href, path.join(root, "scripts", "cli.ts"), ...process.argv.slice(2)],
  { cwd: root, stdio: "inherit" },
);
// The orchestrator stops its services in order on a signal, and treats a repeat as the same
// request, so forwarding is safe even when the terminal already signalled the whole group.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    if (child.exitCode === null) child.kill(signal);
  });
}
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
