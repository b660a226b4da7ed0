import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPS } from "../testing/fixtures.ts";
import {
  createWorkspace,
  errorCode,
  gql,
  ok,
  signUp,
  startHarness,
  TEST_PASSWORD,
  type Harness,
  type TestUser,
} from "../testing/harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

let n = 0;
const newEmail = (tag = "invitee") => `${tag}-${++n}-${Date.now()}@example.test`;

const SIGN_UP = `mutation ($email: String!, $password: String!) {
  signUp(email: $email, password: $password) { token user { id email } } }`;
const SIGN_IN = `mutation ($email: String!, $password: String!) {
  signIn(email: $email, password: $password) { token user { id } } }`;

interface MemberRow {
  role: string;
  pending: boolean;
  user: { id: string; email: string };
}

async function members(token: string, workspaceId: string): Promise<MemberRow[]> {
  const { workspace } = await ok<{ workspace: { members: MemberRow[] } }>(h.gateway, token, OPS.workspace, {
    id: workspaceId,
  });
  return workspace.members;
}

async function invite(by: TestUser, workspaceId: string, email: string, role = "EDITOR"): Promise<string> {
  const { inviteMember } = await ok<{ inviteMember: { pending: boolean; user: { id: string } } }>(
    h.gateway,
    by.token,
    OPS.inviteMember,
    { w: workspaceId, email, role },
  );
  expect(inviteMember.pending).toBe(true);
  return inviteMember.user.id;
}

async function addMember(owner: TestUser, workspaceId: string, role: string): Promise<TestUser> {
  const user = await signUp(h.gateway, role.toLowerCase());
  await ok(h.gateway, owner.token, OPS.inviteMember, { w: workspaceId, email: user.email, role });
  return user;
}

describe("accepting invitations", () => {
  it("turns every open invitation for an email into a membership when that email signs up", async () => {
    const owner = await signUp(h.gateway, "owner");
    const first = await createWorkspace(h.gateway, owner, "First");
    const second = await createWorkspace(h.gateway, owner, "Second");
    const email = newEmail();
    const invitationId = await invite(owner, first, email, "EDITOR");
    await invite(owner, second, email, "VIEWER");

    const { signUp: created } = await ok<{ signUp: { token: string; user: { id: string } } }>(
      h.gateway,
      null,
      SIGN_UP,
      { email: email.toUpperCase(), password: TEST_PASSWORD },
    );
    const { workspaces } = await ok<{ workspaces: { id: string; myRole: string }[] }>(
      h.gateway,
      created.token,
      "{ workspaces { id myRole } }",
    );
    expect(workspaces.sort((a, b) => a.myRole.localeCompare(b.myRole))).toEqual([
      { id: first, myRole: "EDITOR" },
      { id: second, myRole: "VIEWER" },
    ]);
    // No longer pending: the invitation row is accepted and the member is real.
    expect(await members(owner.token, first)).toEqual([
      expect.objectContaining({ pending: false, role: "OWNER" }),
      { pending: false, role: "EDITOR", user: { id: created.user.id, email } },
    ]);
    const invitation = await h.admin.invitation.findUniqueOrThrow({ where: { id: invitationId } });
    expect(invitation.acceptedAt).toBeInstanceOf(Date);
    const audit = await h.admin.auditEvent.findFirstOrThrow({
      where: { workspaceId: first, action: "member.join" },
    });
    expect(audit).toMatchObject({
      actorUserId: created.user.id,
      targetId: created.user.id,
      data: { invitationId, role: "EDITOR" },
    });
  });

  it("leaves expired and revoked invitations alone", async () => {
    const owner = await signUp(h.gateway, "owner");
    const workspaceId = await createWorkspace(h.gateway, owner);
    const expired = newEmail("expired");
    const expiredId = await invite(owner, workspaceId, expired);
    await h.admin.invitation.update({
      where: { id: expiredId },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const revoked = newEmail("revoked");
    const revokedId = await invite(owner, workspaceId, revoked);
    expect(await ok(h.gateway, owner.token, OPS.revokeInvitation, { w: workspaceId, id: revokedId })).toEqual(
      {
        revokeInvitation: true,
      },
    );
    expect((await members(owner.token, workspaceId)).map((m) => m.user.email)).toEqual([owner.email]);

    for (const email of [expired, revoked]) {
      const { signUp: created } = await ok<{ signUp: { token: string } }>(h.gateway, null, SIGN_UP, {
        email,
        password: TEST_PASSWORD,
      });
      const { workspaces } = await ok<{ workspaces: unknown[] }>(
        h.gateway,
        created.token,
        "{ workspaces { id } }",
      );
      expect(workspaces).toEqual([]);
    }
    expect(await h.admin.invitation.findUnique({ where: { id: revokedId } })).toBeNull();
    expect(
      await h.admin.auditEvent.findFirstOrThrow({ where: { workspaceId, action: "member.invite_revoke" } }),
    ).toMatchObject({ actorUserId: owner.id, targetId: revokedId, data: { email: revoked, role: "EDITOR" } });
  });

  it("also accepts on sign-in, for an invitation that raced the account's creation", async () => {
    const owner = await signUp(h.gateway, "owner");
    const workspaceId = await createWorkspace(h.gateway, owner);
    const late = await signUp(h.gateway, "late");
    // inviteMember adds existing accounts directly; an invitation row for an existing account only
    // arises when it was written while the account was being created.
    await h.admin.invitation.create({
      data: {
        workspaceId,
        email: late.email,
        role: "VIEWER",
        tokenHash: "f".repeat(64),
        expiresAt: new Date(Date.now() + 60_000),
      },
    });
    await ok(h.gateway, null, SIGN_IN, { email: late.email, password: TEST_PASSWORD });
    expect((await members(owner.token, workspaceId)).find((m) => m.user.id === late.id)).toMatchObject({
      role: "VIEWER",
      pending: false,
    });
  });

  it("never shows a user invitations addressed to someone else", async () => {
    const owner = await signUp(h.gateway, "owner");
    const workspaceId = await createWorkspace(h.gateway, owner);
    await invite(owner, workspaceId, newEmail("someone"));
    const other = await signUp(h.gateway, "other");
    await ok(h.gateway, null, SIGN_IN, { email: other.email, password: TEST_PASSWORD });
    const { workspaces } = await ok<{ workspaces: unknown[] }>(
      h.gateway,
      other.token,
      "{ workspaces { id } }",
    );
    expect(workspaces).toEqual([]);
  });
});

describe("revokeInvitation", () => {
  it("answers NOT_FOUND for accepted, unknown and malformed ids and FORBIDDEN above the caller's role", async () => {
    const owner = await signUp(h.gateway, "owner");
    const workspaceId = await createWorkspace(h.gateway, owner);
    const admin = await addMember(owner, workspaceId, "ADMIN");
    const email = newEmail();
    const acceptedId = await invite(owner, workspaceId, email);
    await ok(h.gateway, null, SIGN_UP, { email, password: TEST_PASSWORD });
    for (const id of [acceptedId, "00000000-0000-4000-8000-000000000000", "nope"]) {
      expect(
        errorCode(await gql(h.gateway, owner.token, OPS.revokeInvitation, { w: workspaceId, id })),
        id,
      ).toBe("NOT_FOUND");
    }
    const ownerInvite = await invite(owner, workspaceId, newEmail("future-owner"), "OWNER");
    expect(
      errorCode(await gql(h.gateway, admin.token, OPS.revokeInvitation, { w: workspaceId, id: ownerInvite })),
    ).toBe("FORBIDDEN");
    await ok(h.gateway, owner.token, OPS.revokeInvitation, { w: workspaceId, id: ownerInvite });
  });
});

describe("removeMember", () => {
  it("removes the membership at once and audits it", async () => {
    const owner = await signUp(h.gateway, "owner");
    const workspaceId = await createWorkspace(h.gateway, owner);
    const editor = await addMember(owner, workspaceId, "EDITOR");
    await ok(h.gateway, editor.token, OPS.workspace, { id: workspaceId });
    expect(await ok(h.gateway, owner.token, OPS.removeMember, { w: workspaceId, userId: editor.id })).toEqual(
      {
        removeMember: true,
      },
    );
    expect(errorCode(await gql(h.gateway, editor.token, OPS.workspace, { id: workspaceId }))).toBe(
      "NOT_FOUND",
    );
    expect((await members(owner.token, workspaceId)).map((m) => m.user.id)).toEqual([owner.id]);
    expect(
      await h.admin.auditEvent.findFirstOrThrow({ where: { workspaceId, action: "member.remove" } }),
    ).toMatchObject({
      actorUserId: owner.id,
      targetType: "user",
      targetId: editor.id,
      data: { role: "EDITOR" },
    });
    // Gone already: a second removal finds nobody.
    expect(
      errorCode(await gql(h.gateway, owner.token, OPS.removeMember, { w: workspaceId, userId: editor.id })),
    ).toBe("NOT_FOUND");
  });

  it("keeps the last OWNER and keeps ADMINs away from OWNERs; members may leave", async () => {
    const owner = await signUp(h.gateway, "owner");
    const workspaceId = await createWorkspace(h.gateway, owner);
    const admin = await addMember(owner, workspaceId, "ADMIN");
    const last = await gql(h.gateway, owner.token, OPS.removeMember, { w: workspaceId, userId: owner.id });
    expect(errorCode(last)).toBe("BAD_USER_INPUT");
    expect(last.json.errors?.[0]?.message).toMatch(/last OWNER/);
    expect(
      errorCode(await gql(h.gateway, admin.token, OPS.removeMember, { w: workspaceId, userId: owner.id })),
    ).toBe("FORBIDDEN");

    const coOwner = await addMember(owner, workspaceId, "OWNER");
    await ok(h.gateway, coOwner.token, OPS.removeMember, { w: workspaceId, userId: owner.id });
    await ok(h.gateway, admin.token, OPS.removeMember, { w: workspaceId, userId: admin.id });
    expect((await members(coOwner.token, workspaceId)).map((m) => [m.user.id, m.role])).toEqual([
      [coOwner.id, "OWNER"],
    ]);
  });

  it("revokes the keys the member created there, and only those; demotion lowers keys above the role", async () => {
    const owner = await signUp(h.gateway, "owner");
    const workspaceId = await createWorkspace(h.gateway, owner);
    const other = await createWorkspace(h.gateway, owner);
    const admin = await addMember(owner, workspaceId, "ADMIN");
    await ok(h.gateway, owner.token, OPS.inviteMember, { w: other, email: admin.email, role: "ADMIN" });
    const key = async (by: TestUser, w: string, role: string) =>
      (
        await ok<{ createApiKey: { token: string; apiKey: { id: string } } }>(
          h.gateway,
          by.token,
          OPS.createApiKey,
          { w, name: `${role} key`, role },
        )
      ).createApiKey;
    const adminKey = await key(admin, workspaceId, "ADMIN");
    const viewerKey = await key(admin, workspaceId, "VIEWER");
    const elsewhere = await key(admin, other, "ADMIN");
    const ownersKey = await key(owner, workspaceId, "ADMIN");
    // Minted with the admin's own key: it belongs to the admin just the same.
    const minted = (
      await ok<{ createApiKey: { token: string; apiKey: { id: string } } }>(
        h.gateway,
        adminKey.token,
        OPS.createApiKey,
        { w: workspaceId, name: "minted", role: "ADMIN" },
      )
    ).createApiKey;
    const listed = await ok<{
      workspace: { apiKeys: Array<{ id: string; createdBy: { id: string } | null }> };
    }>(
      h.gateway,
      owner.token,
      `query ($id: ID!) { workspace(id: $id) { apiKeys { id createdBy { id email } } } }`,
      { id: workspaceId },
    );
    expect(Object.fromEntries(listed.workspace.apiKeys.map((k) => [k.id, k.createdBy?.id]))).toEqual({
      [adminKey.apiKey.id]: admin.id,
      [viewerKey.apiKey.id]: admin.id,
      [minted.apiKey.id]: admin.id,
      [ownersKey.apiKey.id]: owner.id,
    });
    const works = async (token: string, w = workspaceId) =>
      (await gql(h.gateway, token, OPS.workspace, { id: w })).json.errors?.[0]?.extensions?.["code"] ?? "OK";

    await ok(h.gateway, owner.token, OPS.setMemberRole, { w: workspaceId, userId: admin.id, role: "EDITOR" });
    const roles = async () =>
      Object.fromEntries(
        (await h.admin.apiKey.findMany({ where: { createdById: admin.id } })).map((k) => [k.id, k.role]),
      );
    expect(await roles()).toEqual({
      [adminKey.apiKey.id]: "EDITOR",
      [viewerKey.apiKey.id]: "VIEWER",
      [minted.apiKey.id]: "EDITOR",
      [elsewhere.apiKey.id]: "ADMIN",
    });
    // The lowered key is refused what needs ADMIN, at once.
    expect(
      errorCode(
        await gql(h.gateway, adminKey.token, OPS.createApiKey, { w: workspaceId, name: "x", role: "VIEWER" }),
      ),
    ).toBe("FORBIDDEN");
    expect(
      await h.admin.auditEvent.findFirstOrThrow({
        where: { workspaceId, action: "api_key.set_role", targetId: adminKey.apiKey.id },
      }),
    ).toMatchObject({
      actorUserId: owner.id,
      data: { from: "ADMIN", to: "EDITOR", reason: "creator demoted" },
    });

    expect(await works(adminKey.token)).toBe("OK");
    await ok(h.gateway, owner.token, OPS.removeMember, { w: workspaceId, userId: admin.id });
    expect(await works(adminKey.token)).toBe("UNAUTHENTICATED");
    expect(await works(viewerKey.token)).toBe("UNAUTHENTICATED");
    expect(await works(minted.token)).toBe("UNAUTHENTICATED");
    expect(await works(ownersKey.token)).toBe("OK");
    expect(await works(elsewhere.token, other)).toBe("OK");
    const revoked = await h.admin.auditEvent.findMany({
      where: { workspaceId, action: "api_key.revoke" },
      orderBy: { targetId: "asc" },
    });
    expect(revoked.map((e) => e.targetId)).toEqual(
      [adminKey.apiKey.id, viewerKey.apiKey.id, minted.apiKey.id].sort(),
    );
    expect(revoked[0]?.data).toMatchObject({ reason: "creator removed" });
  });

  it("a key whose member is gone (from before keys followed their members) cannot mint keys", async () => {
    const owner = await signUp(h.gateway, "owner");
    const workspaceId = await createWorkspace(h.gateway, owner);
    const admin = await addMember(owner, workspaceId, "ADMIN");
    const { createApiKey } = await ok<{ createApiKey: { token: string } }>(
      h.gateway,
      admin.token,
      OPS.createApiKey,
      { w: workspaceId, name: "old", role: "ADMIN" },
    );
    // As a removal did before keys followed their member: the membership goes, the key stays.
    await h.admin.membership.deleteMany({ where: { workspaceId, userId: admin.id } });
    const minted = await gql(h.gateway, createApiKey.token, OPS.createApiKey, {
      w: workspaceId,
      name: "heir",
      role: "VIEWER",
    });
    expect(errorCode(minted)).toBe("NOT_FOUND");
    expect(await h.admin.apiKey.count({ where: { workspaceId, name: "heir" } })).toBe(0);
  });

  it("has reported no internal errors", () => {
    expect(h.logged).toEqual([]);
  });
});
