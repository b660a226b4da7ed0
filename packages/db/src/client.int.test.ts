import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createPrisma, sqlPool } from "./client.ts";
import type { PrismaClient } from "./generated/prisma/client.ts";
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from "./testing.ts";

let db: TestDatabase;
let admin: PrismaClient;
let app: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase(testDatabaseUrl());
  admin = createPrisma(db.adminUrl, { poolMax: 2 });
  app = createPrisma(db.appUrl, { poolMax: 2 });
});
afterAll(async () => {
  await app?.$disconnect();
  await admin?.$disconnect();
  await db?.drop();
});

const terminate = (pid: number) => admin.$queryRaw`SELECT pg_terminate_backend(${pid}::int)`;

// A connection the server ends while it is lent out and idle (between two statements of a
// transaction) must fail its holder's next statement, not kill the process with an unhandled
// 'error' event: the worker died of it in the PostgreSQL restart drill.
test("a transaction whose connection the server ends between statements fails; the process and the pool live on", async () => {
  const attempt = app.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<Array<{ pid: number }>>`SELECT pg_backend_pid() AS pid`;
    await terminate(row!.pid);
    await sleep(300); // the FATAL arrives while no statement is in flight
    await tx.$queryRaw`SELECT 1`;
  });
  await expect(attempt).rejects.toThrow();
  expect(await app.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
});

test("the same for a client checked out of the pg pool directly", async () => {
  const client = await sqlPool(app).connect();
  try {
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    await terminate(rows[0]!.pid);
    await sleep(300);
    await expect(client.query("SELECT 1")).rejects.toThrow();
  } finally {
    client.release(true);
  }
  const { rows } = await sqlPool(app).query<{ one: number }>("SELECT 1 AS one");
  expect(rows).toEqual([{ one: 1 }]);
});
