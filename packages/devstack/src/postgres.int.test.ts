import net from "node:net";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, isPortFree } from "./ports.ts";
import { startPostgres } from "./postgres.ts";

const dirs: string[] = [];
async function tempDir() {
  // mkdtemp makes 0700 dirs; when running as root the server runs as the
  // unprivileged "postgres" user, which must be able to enter it.
  const dir = await mkdtemp(path.join(tmpdir(), "weft-pg-test-"));
  await chmod(dir, 0o755);
  dirs.push(dir);
  return path.join(dir, "data");
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("startPostgres", () => {
  it("keeps data across a stop and a start on the same directory", async () => {
    const dataDir = await tempDir();
    const port = await freePort();
    const first = await startPostgres({ dataDir, port, persistent: true });
    try {
      await query(first.adminUrl, "CREATE TABLE kept (v text)");
      await query(first.adminUrl, "INSERT INTO kept VALUES ($1)", ["still here"]);
    } finally {
      await first.stop();
    }
    expect(await isPortFree(port)).toBe(true);

    const second = await startPostgres({ dataDir, port, persistent: true });
    try {
      expect(await query(second.adminUrl, "SELECT v FROM kept")).toEqual([{ v: "still here" }]);
    } finally {
      await second.stop();
    }
    expect(existsSync(path.join(dataDir, "PG_VERSION"))).toBe(true);
  });

  it("deletes the data directory on stop when not persistent", async () => {
    const dataDir = await tempDir();
    const pgInstance = await startPostgres({ dataDir, port: await freePort(), persistent: false });
    expect(await query(pgInstance.adminUrl, "SELECT 1 AS one")).toEqual([{ one: 1 }]);
    await pgInstance.stop();
    expect(existsSync(dataDir)).toBe(false);
  });

  it("refuses a port that is taken, naming the port in one line", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      expect(await isPortFree(port)).toBe(false);
      const attempt = startPostgres({ dataDir: await tempDir(), port, persistent: false });
      await expect(attempt).rejects.toThrow(
        `Port ${port} (PostgreSQL) is already in use; set WEFT_PG_PORT to another port`,
      );
    } finally {
      blocker.close();
    }
  });
});
