import AxeBuilder from "@axe-core/playwright";
import { expect as baseExpect, test, type Page } from "@playwright/test";
import { collectPageErrors } from "./console-guard.ts";
import {
  GATEWAY_URL,
  PASSWORD,
  createWorkspace,
  gql,
  screenshot,
  signInViaUi,
  signUpViaApi,
  uniqueEmail,
} from "./helpers.ts";

const expect = baseExpect.configure({ timeout: 20_000 });

/** A GraphQL call whose errors are the point: returns the first error code instead of throwing. */
async function errorCodeOf(query: string, token: string): Promise<unknown> {
  const response = await fetch(GATEWAY_URL, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { errors?: { extensions?: { code?: unknown } }[] };
  return body.errors?.[0]?.extensions?.code ?? null;
}

async function seriousA11yViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

test("API keys: created once, listed, revoked, and dead right after", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const owner = await signUpViaApi("keys", "Kim Keys");
  const ws = await createWorkspace(owner.token, "Key team");
  const errors = collectPageErrors(page);
  await signInViaUi(page, owner.email);

  await page.goto(`/w/${ws}/settings/api-keys`);
  await expect(page.getByText("No API keys yet")).toBeVisible();
  await page.getByLabel("Key name").fill("CI pipeline");
  await page.getByLabel("Role").selectOption("VIEWER");
  await page.getByRole("button", { name: "Create key" }).click();

  // Shown once, in full.
  const tokenEl = page.getByTestId("api-key-token");
  await expect(tokenEl).toHaveText(/^weft_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
  const token = (await tokenEl.textContent())!;
  const prefix = token.slice(5, 13);
  await gql(`{ workspaces { id } }`, {}, token);

  // Listed with name, role, prefix, dates; the token itself is nowhere after "Done" or a reload.
  const row = page.getByRole("row", { name: /CI pipeline/ });
  await expect(row).toContainText("viewer");
  await expect(row).toContainText(`weft_${prefix}_…`);
  await page.getByRole("button", { name: "Done" }).click();
  await expect(tokenEl).toHaveCount(0);
  await page.reload();
  // Used once above: "last used" is filled in; the key acts for the member who made it.
  await expect(row.locator("td").nth(3)).toHaveText("Kim Keys");
  await expect(row.locator("td").nth(4)).not.toHaveText("Never");
  expect(await page.content()).not.toContain(token);
  expect(await seriousA11yViolations(page)).toEqual([]);

  // Revoke, after a confirmation.
  await page.getByRole("button", { name: "Revoke CI pipeline" }).click();
  const dialog = page.getByRole("dialog", { name: "Revoke API key" });
  await expect(dialog).toContainText(`weft_${prefix}_…`);
  await screenshot(page, testInfo, "api-key-revoke-dialog");
  await dialog.getByRole("button", { name: "Revoke key" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: "Revoked “CI pipeline”" })).toBeVisible();
  await expect(page.getByRole("row", { name: /CI pipeline/ })).toHaveCount(0);
  await expect(page.getByText("No API keys yet")).toBeVisible();

  expect(await errorCodeOf(`{ workspaces { id } }`, token)).toBe("UNAUTHENTICATED");

  // The audit log says what was revoked, not only that something was.
  await page.goto(`/w/${ws}/settings/audit`);
  const revoked = page.getByRole("row").filter({ hasText: "api_key.revoke" });
  await expect(revoked).toContainText("name: CI pipeline");
  await expect(revoked).toContainText(`prefix: ${prefix}`);
  expect(await page.content()).not.toContain(token);
  expect(errors).toEqual([]);
});

test("a VIEWER sees no API keys and no member controls", async ({ page }) => {
  test.setTimeout(90_000);
  const owner = await signUpViaApi("owner", "Olive Owner");
  const ws = await createWorkspace(owner.token, "Quiet team");
  await gql(
    `mutation($ws: ID!) { createApiKey(workspaceId: $ws, name: "secret CI", role: VIEWER) { token } }`,
    { ws },
    owner.token,
  );
  const viewer = await signUpViaApi("viewer", "Vic Viewer");
  await gql(
    `mutation($ws: ID!, $email: String!) { inviteMember(workspaceId: $ws, email: $email, role: VIEWER) { role } }`,
    { ws, email: viewer.email },
    owner.token,
  );
  const errors = collectPageErrors(page);
  await signInViaUi(page, viewer.email);

  await page.goto(`/w/${ws}/settings/api-keys`);
  await expect(page.getByText("Only admins can create API keys")).toBeVisible();
  await expect(page.getByText("secret CI")).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Revoke|Create key/ })).toHaveCount(0);

  await page.goto(`/w/${ws}/settings/members`);
  await expect(page.getByRole("row", { name: /Olive Owner/ })).toBeVisible();
  await expect(page.getByRole("button", { name: /Remove|Revoke|Invite/ })).toHaveCount(0);
  // No role pickers in the members table (the shell's workspace switcher is not ours).
  await expect(page.getByRole("main").getByRole("table").getByRole("combobox")).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("invitations: revoke one, accept another by signing up, then remove the member", async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(150_000);
  const owner = await signUpViaApi("inviter", "Ines Inviter");
  const ws = await createWorkspace(owner.token, "Growing team");
  const errors = collectPageErrors(page);
  await signInViaUi(page, owner.email);
  await page.goto(`/w/${ws}/settings/members`);

  const dropped = uniqueEmail("dropped");
  const joiner = uniqueEmail("joiner");
  for (const email of [dropped, joiner]) {
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Role", { exact: true }).selectOption("EDITOR");
    await page.getByRole("button", { name: "Invite", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: `Invited ${email}` })).toBeVisible();
    await expect(page.getByRole("row", { name: new RegExp(email) })).toContainText("Invited");
  }
  expect(await seriousA11yViolations(page)).toEqual([]);

  // Withdraw the first invitation.
  await page.getByRole("button", { name: `Revoke invitation of ${dropped}` }).click();
  const revokeDialog = page.getByRole("dialog", { name: "Revoke invitation" });
  await revokeDialog.getByRole("button", { name: "Revoke invitation" }).click();
  await expect(revokeDialog).toBeHidden();
  await expect(page.getByRole("row", { name: new RegExp(dropped) })).toHaveCount(0);

  // The second person signs up with the invited email and lands in the workspace.
  const joinerContext = await browser.newContext();
  const joinerPage = await joinerContext.newPage();
  const joinerErrors = collectPageErrors(joinerPage);
  await joinerPage.goto("/signup");
  await joinerPage.getByLabel("Name").fill("Jo Joiner");
  await joinerPage.getByLabel("Email", { exact: true }).fill(joiner);
  await joinerPage.getByLabel("Password").fill(PASSWORD);
  await joinerPage.getByRole("button", { name: "Create account" }).click();
  await expect(joinerPage).toHaveURL(new RegExp(`/w/${ws}$`), { timeout: 30_000 });
  await expect(joinerPage.getByText("Your role: editor")).toBeVisible();
  await screenshot(joinerPage, testInfo, "invited-member-lands");
  expect(joinerErrors).toEqual([]);
  await joinerContext.close();

  // The owner sees a real member now, and removes them.
  await page.reload();
  const joinerRow = page.getByRole("row", { name: /Jo Joiner/ });
  await expect(joinerRow).toContainText("Active");
  const joinerRole = joinerRow.getByRole("combobox", { name: `Role of ${joiner}` });
  await expect(joinerRole).toHaveValue("EDITOR");
  // A demotion says what it does to the member's keys.
  await joinerRole.selectOption("VIEWER");
  await expect(page.getByRole("status")).toContainText(
    `${joiner} is now viewer. Their API keys here hold at most viewer now.`,
  );
  await expect(joinerRole).toHaveValue("VIEWER");
  await page.getByRole("button", { name: `Remove ${joiner}` }).click();
  const removeDialog = page.getByRole("dialog", { name: "Remove member" });
  await expect(removeDialog).toContainText("Jo Joiner");
  await removeDialog.getByRole("button", { name: "Remove member" }).click();
  await expect(removeDialog).toBeHidden();
  await expect(page.getByRole("row", { name: /Jo Joiner/ })).toHaveCount(0);
  // The owner cannot remove themselves from here (no button on their own row).
  await expect(page.getByRole("button", { name: `Remove ${owner.email}` })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("OAuth buttons stay hidden while no provider is configured", async ({ page }) => {
  const errors = collectPageErrors(page);
  for (const path of ["/signin", "/signup"]) {
    await page.goto(path);
    await expect(page.getByRole("button", { name: /GitHub|Google/ })).toHaveCount(0);
    await expect(page.getByText("Or continue with")).toHaveCount(0);
  }
  expect(errors).toEqual([]);
});
