import { expect, test } from "@playwright/test";
import { collectPageErrors } from "./console-guard.ts";

test.describe("signed-out landing page", () => {
  test("renders the pitch, features and calls to action without errors", async ({ page }) => {
    const errors = collectPageErrors(page);
    await page.goto("/");

    await expect(page).toHaveTitle(/Weft/);
    await expect(
      page.getByRole("heading", { level: 1, name: "Build durable AI agents your whole team can trust" }),
    ).toBeVisible();
    for (const feature of [
      "Canvas, spec and English in sync",
      "Durable runs on Temporal",
      "Tenant isolation and versioning",
    ]) {
      await expect(page.getByRole("heading", { level: 3, name: feature })).toBeVisible();
    }
    await expect(page.getByRole("main")).toBeVisible();
    await expect(page.getByRole("banner")).toBeVisible();
    await expect(page.getByRole("contentinfo")).toBeVisible();

    await page.waitForLoadState("networkidle");
    expect(errors).toEqual([]);
  });

  test("Create account and Sign in are reachable with the keyboard", async ({ page }) => {
    const errors = collectPageErrors(page);
    await page.goto("/");
    const signUp = page.getByRole("link", { name: "Create account" });
    const signIn = page.getByRole("link", { name: "Sign in" });
    await expect(signUp).toHaveAttribute("href", "/signup");
    await expect(signIn).toHaveAttribute("href", "/signin");

    // Tab from the top of the document until both links have held focus;
    // the bound keeps a focus trap from looping forever.
    const reached = new Set<string>();
    for (let step = 0; step < 10 && reached.size < 2; step += 1) {
      await page.keyboard.press("Tab");
      const href = await page.locator(":focus").getAttribute("href", { timeout: 1_000 });
      if (href === "/signup" || href === "/signin") reached.add(href);
    }
    expect([...reached].sort()).toEqual(["/signin", "/signup"]);

    // Sign in is focused last; Enter must follow the link.
    await expect(signIn).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/signin$/);
    await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
    expect(errors).toEqual([]);
  });

  for (const [path, title] of [
    ["/signin", "Sign in"],
    ["/signup", "Create account"],
  ] as const) {
    test(`${path} renders without console errors`, async ({ page }) => {
      const errors = collectPageErrors(page);
      const response = await page.goto(path);
      expect(response?.status()).toBe(200);
      await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
      await page.waitForLoadState("networkidle");
      expect(errors).toEqual([]);
    });
  }
});
