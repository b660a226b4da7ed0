import { afterAll, beforeAll, expect, test } from "vitest";
import { RUN_EVENTS_CHANNEL, type RunEventNotice } from "@weft/schema";
import pg from "pg";
import { RunEventListener } from "./run-event-listener.ts";
import { createTestDatabase } from "./testing.ts";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase(process.env.WEFT_TEST_DATABASE_URL!);
});
afterAll(() => db?.drop());

async function notify(url: string, notice: RunEventNotice) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query("SELECT pg_notify($1, $2)", [RUN_EVENTS_CHANNEL, JSON.stringify(notice)]);
  await c.end();
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
};

test("two listeners (two gateway processes) both receive every notice; unsubscribe stops delivery", async () => {
  const a = new RunEventListener(db.appUrl);
  const b = new RunEventListener(db.appUrl);
  await Promise.all([a.start(), b.start()]);
  const gotA: number[] = [];
  const gotB: number[] = [];
  const offA = a.subscribe((n) => gotA.push(n.seq));
  b.subscribe((n) => gotB.push(n.seq));
  const base = { workspaceId: "w", runId: "r", type: "node.started" };
  await notify(db.appUrl, { ...base, seq: 1 });
  await notify(db.appUrl, { ...base, seq: 2 });
  await until(() => gotA.length === 2 && gotB.length === 2);
  expect(gotA).toEqual([1, 2]);
  expect(gotB).toEqual([1, 2]);
  offA();
  await notify(db.appUrl, { ...base, seq: 3 });
  await until(() => gotB.length === 3);
  expect(gotB).toEqual([1, 2, 3]);
  expect(gotA).toEqual([1, 2]);
  await Promise.all([a.close(), b.close()]);
});

test("after its connection is killed the listener reconnects and says so", async () => {
  const listener = new RunEventListener(db.appUrl);
  await listener.start();
  let reconnects = 0;
  const got: number[] = [];
  listener.subscribe(
    (n) => got.push(n.seq),
    () => reconnects++,
  );
  const admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  await admin.query(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'",
  );
  await admin.end();
  await until(() => reconnects > 0);
  expect(reconnects).toBe(1);
  await notify(db.appUrl, { workspaceId: "w", runId: "r", type: "node.started", seq: 7 });
  await until(() => got.length > 0);
  expect(got).toEqual([7]);
  await listener.close();
});
