import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVER_SECRET_HEADER } from "../context.ts";
import { OPS } from "../testing/fixtures.ts";
import {
  createWorkspace,
  errorCode,
  gql,
  ok,
  post,
  signUp,
  startHarness,
  TEST_PASSWORD,
  type Harness,
} from "../testing/harness.ts";

const SERVER_SECRET = "weft-test-server-secret-0123456789abcdef";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ serverSecret: SERVER_SECRET });
});
afterAll(() => h.close());

let n = 0;
const newEmail = (tag = "oauth") => `${tag}-${++n}-${Date.now()}@example.test`;

interface Payload {
  oauthSignIn: { token: string; user: { id: string; email: string; name: string | null } };
}

function oauthSignIn(variables: Record<string, unknown>, headers: Record<string, string>) {
  return post<Payload>(h.gateway, { query: OPS.oauthSignIn, variables }, headers);
}

const asServer = { [SERVER_SECRET_HEADER]: SERVER_SECRET };

async function signInAsServer(variables: Record<string, unknown>) {
  const { json } = await oauthSignIn(variables, asServer);
  if (!json.data) throw new Error(JSON.stringify(json.errors));
  return json.data.oauthSignIn;
}

describe("oauthSignIn", () => {
  it("is refused without the exact server secret, even with a valid user token, and writes nothing", async () => {
    const user = await signUp(h.gateway);
    const email = newEmail("intruder");
    const variables = { provider: "github", providerAccountId: "1", email, name: null };
    const attempts: Record<string, string>[] = [
      {},
      { [SERVER_SECRET_HEADER]: "" },
      { [SERVER_SECRET_HEADER]: `${SERVER_SECRET}x` },
      { [SERVER_SECRET_HEADER]: SERVER_SECRET.toUpperCase() },
      { authorization: `Bearer ${user.token}` },
      // The secret is a header of its own, never a bearer token.
      { authorization: `Bearer ${SERVER_SECRET}` },
    ];
    for (const headers of attempts) {
      const response = await oauthSignIn(variables, headers);
      expect(errorCode(response), JSON.stringify(headers)).toBe("UNAUTHENTICATED");
      expect(response.json.data).toBeNull();
    }
    expect(await h.admin.user.findUnique({ where: { email } })).toBeNull();
    expect(await h.admin.oAuthAccount.count()).toBe(0);
  });

  it("creates a password-less account for a new email and finds it again by the provider id", async () => {
    const email = newEmail();
    const first = await signInAsServer({
      provider: "github",
      providerAccountId: "4242",
      email: `  ${email.toUpperCase()} `,
      name: "Octo Cat",
    });
    expect(first.user).toMatchObject({ email, name: "Octo Cat" });
    const { me } = await ok<{ me: { id: string } }>(h.gateway, first.token, "{ me { id } }");
    expect(me.id).toBe(first.user.id);
    const row = await h.admin.user.findUniqueOrThrow({ where: { id: first.user.id } });
    expect(row.passwordHash).toBeNull();
    // No password: the credentials door stays shut for this account.
    expect(
      errorCode(
        await gql(
          h.gateway,
          null,
          `mutation ($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }`,
          {
            e: email,
            p: TEST_PASSWORD,
          },
        ),
      ),
    ).toBe("UNAUTHENTICATED");

    // The person changed their email at GitHub: still the same Weft account.
    const again = await signInAsServer({
      provider: "github",
      providerAccountId: "4242",
      email: newEmail("renamed"),
      name: "Octo Cat",
    });
    expect(again.user.id).toBe(first.user.id);
    expect(await h.admin.oAuthAccount.findMany({ where: { userId: first.user.id } })).toMatchObject([
      { provider: "github", providerAccountId: "4242" },
    ]);
  });

  it("links a provider identity to the existing account with that email, which keeps its password", async () => {
    const existing = await signUp(h.gateway, "linked");
    const google = await signInAsServer({
      provider: "google",
      providerAccountId: "g-1",
      email: existing.email,
      name: "Someone Else",
    });
    expect(google.user).toEqual({ id: existing.id, email: existing.email, name: "Test" });
    const github = await signInAsServer({
      provider: "github",
      providerAccountId: "77",
      email: existing.email,
    });
    expect(github.user.id).toBe(existing.id);
    expect(
      (
        await h.admin.oAuthAccount.findMany({ where: { userId: existing.id }, orderBy: { provider: "asc" } })
      ).map((a) => [a.provider, a.providerAccountId]),
    ).toEqual([
      ["github", "77"],
      ["google", "g-1"],
    ]);
    await ok(
      h.gateway,
      null,
      `mutation ($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }`,
      { e: existing.email, p: TEST_PASSWORD },
    );
  });

  it("accepts pending invitations for the email", async () => {
    const owner = await signUp(h.gateway, "owner");
    const workspaceId = await createWorkspace(h.gateway, owner);
    const email = newEmail("invited");
    await ok(h.gateway, owner.token, OPS.inviteMember, { w: workspaceId, email, role: "EDITOR" });
    const { token } = await signInAsServer({ provider: "google", providerAccountId: "g-invited", email });
    const { workspaces } = await ok<{ workspaces: { id: string; myRole: string }[] }>(
      h.gateway,
      token,
      "{ workspaces { id myRole } }",
    );
    expect(workspaces).toEqual([{ id: workspaceId, myRole: "EDITOR" }]);
  });

  it("names the wrong field in bad input", async () => {
    for (const [variables, field] of [
      [{ provider: "github", providerAccountId: "1", email: "not-an-email" }, "email"],
      [{ provider: "GitHub!", providerAccountId: "1", email: newEmail() }, "provider"],
      [{ provider: "github", providerAccountId: " ", email: newEmail() }, "providerAccountId"],
    ] as const) {
      const response = await oauthSignIn(variables, asServer);
      expect(errorCode(response)).toBe("BAD_USER_INPUT");
      const details = response.json.errors?.[0]?.extensions?.["details"] as { fields: { path: string }[] };
      expect(details.fields.map((f) => f.path)).toEqual([field]);
    }
  });

  it("has reported no internal errors", () => {
    expect(h.logged).toEqual([]);
  });
});
