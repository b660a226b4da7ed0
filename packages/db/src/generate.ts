// `prisma generate` without network access, skipped when nothing changed.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { GENERATED_DIR, REPO_ROOT, SCHEMA_PATH } from "./paths.ts";

const CLIENT_DIR = path.join(GENERATED_DIR, "prisma");
const STAMP = path.join(CLIENT_DIR, ".schema-hash");
// The CLI insists on locating a schema engine binary before it generates,
// even though generate never runs it; the real one is not downloadable here.
// A stub that fails loudly is safer than pointing at an unrelated binary.
const ENGINE_STUB = path.join(GENERATED_DIR, "schema-engine-unavailable.sh");

export interface GenerateResult {
  generated: boolean;
  outputDir: string;
}

/** Runs `prisma generate` unless the client was generated from this exact schema and Prisma version. */
export async function generateClient(opts: { force?: boolean } = {}): Promise<GenerateResult> {
  const require = createRequire(import.meta.url);
  const cliPackage = require.resolve("prisma/package.json");
  const { version } = JSON.parse(await readFile(cliPackage, "utf8")) as { version: string };
  const schema = await readFile(SCHEMA_PATH, "utf8");
  const hash = createHash("sha256").update(`${version}\n${schema}`).digest("hex");

  const upToDate =
    existsSync(path.join(CLIENT_DIR, "client.ts")) &&
    existsSync(STAMP) &&
    (await readFile(STAMP, "utf8")).trim() === hash;
  if (upToDate && !opts.force) return { generated: false, outputDir: CLIENT_DIR };

  await mkdir(GENERATED_DIR, { recursive: true });
  await writeFile(
    ENGINE_STUB,
    '#!/bin/sh\necho "The Prisma schema engine binary is not available offline; use packages/db/src/migrate.ts" >&2\nexit 1\n',
  );
  await chmod(ENGINE_STUB, 0o755);

  const cli = path.join(path.dirname(cliPackage), "build", "index.js");
  const output = await run(process.execPath, [cli, "generate", "--schema", SCHEMA_PATH], {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: ENGINE_STUB,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  });
  if (!existsSync(path.join(CLIENT_DIR, "client.ts"))) {
    throw new Error(`prisma generate did not produce ${CLIENT_DIR}/client.ts:\n${output}`);
  }
  await writeFile(STAMP, `${hash}\n`);
  return { generated: true, outputDir: CLIENT_DIR };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`prisma generate failed (exit ${code}):\n${output.trim()}`));
    });
  });
}
