import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPS } from "../testing/fixtures.ts";
import {
  createWorkspace,
  errorCode,
  gql,
  ok,
  signUp,
  startHarness,
  type Harness,
} from "../testing/harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const CREATE = `mutation ($name: String!) { createWorkspace(name: $name) { id name slug myRole } }`;

describe("createWorkspace", () => {
  it("derives a unique slug, makes the creator OWNER and audits it", async () => {
    const alice = await signUp(h.gateway, "alice");
    const bob = await signUp(h.gateway, "bob");
    const first = await ok<{ createWorkspace: { id: string; slug: string; myRole: string } }>(
      h.gateway,
      alice.token,
      CREATE,
      {
        name: "  Ünïcode Ops — EU!  ",
      },
    );
    expect(first.createWorkspace).toMatchObject({ slug: "unicode-ops-eu", myRole: "OWNER" });
    // Same name, other tenant: the slug index spans tenants although RLS hides the other row.
    const second = await ok<{ createWorkspace: { slug: string } }>(h.gateway, bob.token, CREATE, {
      name: "Ünïcode Ops - EU",
    });
    expect(second.createWorkspace.slug).toMatch(/^unicode-ops-eu-[0-9a-f]{6}$/);
    const membership = await h.admin.membership.findFirstOrThrow({
      where: { workspaceId: first.createWorkspace.id },
    });
    expect(membership).toMatchObject({ userId: alice.id, role: "OWNER" });
    const audit = await h.admin.auditEvent.findFirstOrThrow({
      where: { workspaceId: first.createWorkspace.id },
    });
    expect(audit).toMatchObject({
      action: "workspace.create",
      actorUserId: alice.id,
      targetId: first.createWorkspace.id,
    });
    expect(h.logged).toEqual([]);
  });

  it("falls back to a generic slug for names without letters and rejects empty names", async () => {
    const user = await signUp(h.gateway);
    const { createWorkspace } = await ok<{ createWorkspace: { slug: string } }>(
      h.gateway,
      user.token,
      CREATE,
      { name: "🚀🚀" },
    );
    expect(createWorkspace.slug).toMatch(/^workspace(-[0-9a-f]{6})?$/);
    expect(errorCode(await gql(h.gateway, user.token, CREATE, { name: " " }))).toBe("BAD_USER_INPUT");
    expect(errorCode(await gql(h.gateway, null, CREATE, { name: "x" }))).toBe("UNAUTHENTICATED");
  });
});

describe("memberships", () => {
  it("lists workspaces oldest membership first, members with users, and resolves Membership.workspace", async () => {
    const owner = await signUp(h.gateway, "owner");
    const viewer = await signUp(h.gateway, "viewer");
    const first = await createWorkspace(h.gateway, owner, "First");
    const second = await createWorkspace(h.gateway, owner, "Second");
    const { inviteMember } = await ok<{
      inviteMember: { role: string; pending: boolean; workspace: { id: string } };
    }>(h.gateway, owner.token, OPS.inviteMember, { w: second, email: viewer.email, role: "VIEWER" });
    expect(inviteMember).toEqual({
      role: "VIEWER",
      pending: false,
      user: { id: viewer.id, email: viewer.email },
      workspace: { id: second },
    });
    const mine = await ok<{ workspaces: { id: string; myRole: string }[] }>(
      h.gateway,
      owner.token,
      "{ workspaces { id myRole } }",
    );
    expect(mine.workspaces).toEqual([
      { id: first, myRole: "OWNER" },
      { id: second, myRole: "OWNER" },
    ]);
    const theirs = await ok<{ workspaces: { id: string; myRole: string }[] }>(
      h.gateway,
      viewer.token,
      "{ workspaces { id myRole } }",
    );
    expect(theirs.workspaces).toEqual([{ id: second, myRole: "VIEWER" }]);
    const { workspace } = await ok<{ workspace: { members: { role: string; user: { id: string } }[] } }>(
      h.gateway,
      viewer.token,
      OPS.workspace,
      { id: second },
    );
    expect(workspace.members.map((m) => [m.user.id, m.role])).toEqual([
      [owner.id, "OWNER"],
      [viewer.id, "VIEWER"],
    ]);
  });

  it("answers NOT_FOUND for setMemberRole on someone who is not a member", async () => {
    const owner = await signUp(h.gateway);
    const stranger = await signUp(h.gateway);
    const workspaceId = await createWorkspace(h.gateway, owner);
    for (const userId of [stranger.id, "not-a-uuid"]) {
      expect(
        errorCode(
          await gql(h.gateway, owner.token, OPS.setMemberRole, { w: workspaceId, userId, role: "EDITOR" }),
        ),
      ).toBe("NOT_FOUND");
    }
  });
});
