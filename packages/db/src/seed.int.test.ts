import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma, withUser } from "./client.ts";
import type { PrismaClient } from "./generated/prisma/client.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";
import { DEMO_EMAIL, DEMO_PASSWORD, DEMO_WORKSPACE_ID, seedDemo } from "./seed.ts";
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from "./testing.ts";

let db: TestDatabase;
let admin: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase(testDatabaseUrl());
  admin = createPrisma(db.adminUrl, { poolMax: 2 });
});

afterAll(async () => {
  await admin?.$disconnect();
  await db?.drop();
});

describe("seedDemo", () => {
  it("is idempotent and the demo password verifies", async () => {
    const first = await seedDemo(db.adminUrl);
    const second = await seedDemo(db.adminUrl);
    expect(second).toEqual(first);

    const counts = {
      users: await admin.user.count({ where: { email: DEMO_EMAIL } }),
      workspaces: await admin.workspace.count({ where: { slug: "demo" } }),
      memberships: await admin.membership.count({ where: { workspaceId: DEMO_WORKSPACE_ID } }),
      agents: await admin.agent.count({ where: { workspaceId: DEMO_WORKSPACE_ID } }),
    };
    expect(counts).toEqual({ users: 1, workspaces: 1, memberships: 1, agents: 1 });

    const user = await admin.user.findUniqueOrThrow({ where: { email: DEMO_EMAIL } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(user.passwordHash, DEMO_PASSWORD)).toBe(true);
    expect(await verifyPassword(user.passwordHash, "wrong")).toBe(false);

    const agent = await admin.agent.findFirstOrThrow({ where: { workspaceId: DEMO_WORKSPACE_ID } });
    expect(agent.name).toBe("Reddit digest");
    expect(agent.draftGraph).toMatchObject({ version: 1, nodes: [{ id: "fetch" }, { id: "summarize" }] });
  });

  it("works as the app role too (it scopes itself, so RLS allows it), and the owner can find the workspace", async () => {
    const app = createPrisma(db.appUrl, { poolMax: 2 });
    try {
      const { userId } = await seedDemo(app);
      const mine = await withUser(app, userId, (tx) =>
        tx.membership.findMany({ include: { workspace: true } }),
      );
      expect(mine.map((m) => [m.role, m.workspace.slug])).toEqual([["OWNER", "demo"]]);
    } finally {
      await app.$disconnect();
    }
  });
});

describe("passwords", () => {
  it("hashes with argon2id and salts every hash", async () => {
    const [a, b] = [await hashPassword("pw"), await hashPassword("pw")];
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, "pw")).toBe(true);
    expect(await verifyPassword(null, "pw")).toBe(false);
    expect(await verifyPassword("not-a-hash", "pw")).toBe(false);
  });
});
