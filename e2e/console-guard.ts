import type { Page } from "@playwright/test";

/**
 * Records console errors and uncaught page errors from the moment it is
 * attached; specs assert the list is empty so regressions (hydration
 * mismatches, 404ed assets, runtime exceptions) fail loudly.
 */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") {
      const { url, lineNumber } = message.location();
      errors.push(`console.error: ${message.text()}${url ? ` (${url}:${lineNumber})` : ""}`);
    }
  });
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  return errors;
}
