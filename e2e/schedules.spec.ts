import AxeBuilder from "@axe-core/playwright";
import { expect as baseExpect, test } from "@playwright/test";
import { collectPageErrors } from "./console-guard.ts";
import { createAgent, createWorkspace, gql, screenshot, signInViaUi, signUpViaApi } from "./helpers.ts";

const expect = baseExpect.configure({ timeout: 20_000 });

const DIGEST = {
  version: 1,
  inputs: { city: { type: "string", default: "Berlin", description: "Whose weather" } },
  nodes: [
    { id: "hello", type: "log", config: { message: "weather in {{input.city}}" }, position: { x: 0, y: 0 } },
  ],
  edges: [],
};

interface ApiSchedule {
  id: string;
  cron: string;
  timezone: string;
  enabled: boolean;
  input: unknown;
  nextFireTimes: string[];
}

async function schedules(token: string, ws: string): Promise<ApiSchedule[]> {
  const data = await gql<{ workspace: { schedules: ApiSchedule[] } }>(
    `query($ws: ID!) { workspace(id: $ws) { schedules { id cron timezone enabled input nextFireTimes } } }`,
    { ws },
    token,
  );
  return data.workspace.schedules;
}

async function publish(token: string, agentId: string) {
  await gql(
    `mutation($id: ID!) { publishAgent(agentId: $id, note: "v1") { number } }`,
    { id: agentId },
    token,
  );
}

test("schedule a published agent: preview, validation, disable, change the zone, delete", async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  const owner = await signUpViaApi("scheduler", "Sky Scheduler");
  const ws = await createWorkspace(owner.token, "Clockwork");
  const digest = await createAgent(owner.token, ws, "Morning digest", DIGEST);
  await publish(owner.token, digest);
  await createAgent(owner.token, ws, "Draft only", DIGEST);
  const errors = collectPageErrors(page);
  await signInViaUi(page, owner.email);

  await page
    .getByRole("navigation", { name: "Workspace sections" })
    .getByRole("link", { name: "Schedules" })
    .click();
  await expect(page).toHaveURL(new RegExp(`/w/${ws}/schedules$`));
  await expect(page.getByRole("heading", { level: 1, name: "Schedules" })).toBeVisible();
  await expect(page.getByText("No schedules yet")).toBeVisible();

  await page.getByRole("button", { name: "New schedule" }).click();
  const dialog = page.getByRole("dialog", { name: "New schedule" });
  const agent = dialog.getByLabel("Agent");
  await expect(agent).toHaveValue(digest);
  await expect(agent.locator("option", { hasText: "Draft only (not published)" })).toBeDisabled();

  // The default expression previews at once, with five fire times.
  const cron = dialog.getByLabel("Cron expression");
  const preview = dialog.getByRole("region", { name: "Schedule preview" });
  await expect(cron).toHaveValue("0 9 * * 1-5");
  await expect(preview.getByTestId("cron-human")).toContainText("At 09:00, Monday through Friday");
  await expect(preview.getByRole("list", { name: "Next runs" }).getByRole("listitem")).toHaveCount(5);

  // Invalid expressions name the field and hide the preview.
  await cron.fill("0 9 * *");
  await expect(
    dialog.getByText("Needs 5 fields (minute hour day-of-month month day-of-week); this has 4."),
  ).toBeVisible();
  await expect(cron).toHaveAttribute("aria-invalid", "true");
  await cron.fill("61 * * * *");
  await expect(dialog.getByText(/Not a valid cron expression: .*59/)).toBeVisible();
  await expect(preview.getByRole("list", { name: "Next runs" })).toHaveCount(0);
  await dialog.getByRole("button", { name: "Create schedule" }).click();
  await expect(dialog).toBeVisible();

  // Every day at 08:30 in New York: the preview is in that zone.
  await cron.fill("30 8 * * *");
  await dialog.getByLabel("Time zone").selectOption("America/New_York");
  await expect(preview.getByTestId("cron-human")).toContainText("At 08:30");
  await expect(preview.getByTestId("cron-human")).toContainText("America/New_York");
  const times = preview.getByRole("list", { name: "Next runs" }).getByRole("listitem");
  await expect(times).toHaveCount(5);
  for (const item of await times.all()) await expect(item).toContainText("08:30");

  // The input is checked against the live version's declared inputs.
  const input = dialog.getByLabel("Run input (JSON, optional)");
  await expect(dialog.getByText("Inputs of the live version:")).toContainText("city");
  await input.fill('{"cty": "Paris"}');
  await expect(dialog.getByText(/input "cty" is not declared by this agent/)).toBeVisible();
  await input.fill('{"city": "Paris"');
  await expect(dialog.getByText(/Not valid JSON/)).toBeVisible();
  await input.fill('{"city": "Paris"}');
  await expect(input).not.toHaveAttribute("aria-invalid", "true");

  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  expect(
    axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id),
  ).toEqual([]);
  await screenshot(page, testInfo, "schedule-dialog");

  // Someone publishes a version with a new required input while the dialog is open: the server's
  // check (against the live version as it is now) names the field, and the hint catches up.
  await gql(
    `mutation($id: ID!, $g: JSON) { updateDraft(agentId: $id, graph: $g) { id } }`,
    {
      id: digest,
      g: { ...DIGEST, inputs: { ...DIGEST.inputs, country: { type: "string", required: true } } },
    },
    owner.token,
  );
  await publish(owner.token, digest);
  await dialog.getByRole("button", { name: "Create schedule" }).click();
  await expect(dialog.getByText('input "country" is required')).toBeVisible();
  await expect(input).toHaveAttribute("aria-invalid", "true");
  await expect(dialog.getByText("Inputs of the live version:")).toContainText("country");
  await input.fill('{"city": "Paris", "country": "FR"}');
  await expect(input).not.toHaveAttribute("aria-invalid", "true");
  await dialog.getByRole("button", { name: "Create schedule" }).click();
  await expect(dialog).toHaveCount(0);

  const row = page.getByRole("row", { name: /Morning digest/ });
  await expect(row).toContainText("30 8 * * *");
  await expect(row).toContainText("At 08:30");
  await expect(row).toContainText("America/New_York");
  await expect(row.getByRole("cell").nth(3)).toContainText("08:30");
  let [saved] = await schedules(owner.token, ws);
  expect(saved).toMatchObject({
    cron: "30 8 * * *",
    timezone: "America/New_York",
    enabled: true,
    input: { city: "Paris", country: "FR" },
  });
  expect(saved!.nextFireTimes).toHaveLength(5);
  await screenshot(page, testInfo, "schedules-list");

  // Disable from the list.
  const enabled = row.getByRole("switch", { name: "Enabled: Morning digest" });
  await expect(enabled).toBeChecked();
  await enabled.click();
  await expect(enabled).not.toBeChecked();
  await expect(row.getByRole("cell").nth(3)).toHaveText("Paused");
  await expect.poll(async () => (await schedules(owner.token, ws))[0]?.enabled).toBe(false);

  // Edit: another zone; the other settings stay.
  await row.getByRole("button", { name: "Edit the schedule of Morning digest" }).click();
  const edit = page.getByRole("dialog", { name: "Edit schedule" });
  await expect(edit.getByLabel("Cron expression")).toHaveValue("30 8 * * *");
  await expect(edit.getByRole("switch", { name: "Enabled" })).not.toBeChecked();
  await edit.getByLabel("Time zone").selectOption("Asia/Tokyo");
  await expect(edit.getByTestId("cron-human")).toContainText("Asia/Tokyo");
  await edit.getByRole("button", { name: "Save schedule" }).click();
  await expect(edit).toHaveCount(0);
  await expect(row).toContainText("Asia/Tokyo");
  [saved] = await schedules(owner.token, ws);
  expect(saved).toMatchObject({
    cron: "30 8 * * *",
    timezone: "Asia/Tokyo",
    enabled: false,
    input: { city: "Paris", country: "FR" },
  });

  // One schedule per agent: the published agent is no longer offered for a new one.
  await page.getByRole("button", { name: "New schedule" }).click();
  const another = page.getByRole("dialog", { name: "New schedule" });
  await expect(
    another.getByLabel("Agent").locator("option", { hasText: "Morning digest (already scheduled)" }),
  ).toBeDisabled();
  await expect(another.getByLabel("Agent")).toHaveValue("");
  await another.getByRole("button", { name: "Cancel" }).click();

  // Delete, after a confirmation that can be declined.
  await row.getByRole("button", { name: "Delete the schedule of Morning digest" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete schedule?" });
  await confirm.getByRole("button", { name: "Keep it" }).click();
  await expect(row).toBeVisible();
  await row.getByRole("button", { name: "Delete the schedule of Morning digest" }).click();
  await confirm.getByRole("button", { name: "Delete schedule" }).click();
  await expect(page.getByText("No schedules yet")).toBeVisible();
  expect(await schedules(owner.token, ws)).toEqual([]);
  expect(errors).toEqual([]);
});

test("a VIEWER sees the schedules but no controls", async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const owner = await signUpViaApi("schedule-owner");
  const ws = await createWorkspace(owner.token, "Watched clocks");
  const digest = await createAgent(owner.token, ws, "Morning digest", DIGEST);
  await publish(owner.token, digest);
  await gql(
    `mutation($id: ID!) { upsertSchedule(agentId: $id, cron: "0 7 * * *", timezone: "Europe/Berlin") { id } }`,
    { id: digest },
    owner.token,
  );
  const viewer = await signUpViaApi("schedule-viewer");
  await gql(
    `mutation($ws: ID!, $email: String!) { inviteMember(workspaceId: $ws, email: $email, role: VIEWER) { role } }`,
    { ws, email: viewer.email },
    owner.token,
  );
  const errors = collectPageErrors(page);
  await signInViaUi(page, viewer.email);
  await page.goto(`/w/${ws}/schedules`);
  const row = page.getByRole("row", { name: /Morning digest/ });
  await expect(row).toContainText("0 7 * * *");
  await expect(row).toContainText("At 07:00");
  await expect(row).toContainText("Europe/Berlin");
  await expect(row).toContainText("Enabled");
  await expect(page.getByRole("button", { name: "New schedule" })).toHaveCount(0);
  await expect(page.getByRole("switch")).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Edit|Delete/ })).toHaveCount(0);
  await screenshot(page, testInfo, "schedules-viewer");
  // The API refuses it too.
  await expect(
    gql(
      `mutation($id: ID!) { upsertSchedule(agentId: $id, cron: "0 8 * * *") { id } }`,
      { id: digest },
      viewer.token,
    ),
  ).rejects.toThrow(/role/);
  expect(errors).toEqual([]);
});
