import { expect, test } from "vitest";
import { loadStackEnv } from "./env.ts";
import { DEV_TRANSFER_POLL_RPS, devServerArgs } from "./temporal.ts";

const dynamicConfig = (args: string[]) =>
  args.flatMap((arg, i) => (args[i - 1] === "--dynamic-config-value" ? [arg] : []));

test("the dev server reads new transfer tasks up to DEV_TRANSFER_POLL_RPS times a second unless told otherwise", () => {
  expect(DEV_TRANSFER_POLL_RPS).toBeGreaterThan(20); // Temporal's own default, ~51 ms per chain step here
  expect(dynamicConfig(devServerArgs({ port: 7233, uiPort: null }))).toEqual([
    `history.transferProcessorMaxPollRPS=${DEV_TRANSFER_POLL_RPS}`,
  ]);
  expect(dynamicConfig(devServerArgs({ port: 7233, uiPort: null, transferPollRps: 20 }))).toEqual([
    "history.transferProcessorMaxPollRPS=20",
  ]);
});

test("the dev server's other arguments follow its options", () => {
  expect(devServerArgs({ port: 7999, uiPort: 8999, dbFile: "/tmp/t.db", namespace: "weft" })).toEqual([
    "server",
    "start-dev",
    "--ip",
    "127.0.0.1",
    "--port",
    "7999",
    "--log-level",
    "warn",
    "--db-filename",
    "/tmp/t.db",
    "--ui-port",
    "8999",
    "--ui-disable-news-fetch",
    "--namespace",
    "weft",
    "--dynamic-config-value",
    `history.transferProcessorMaxPollRPS=${DEV_TRANSFER_POLL_RPS}`,
  ]);
});

test("TEMPORAL_DEV_TRANSFER_POLL_RPS is read as a whole number of reads a second, and a bad one is named", () => {
  expect(loadStackEnv("/x", { TEMPORAL_DEV_TRANSFER_POLL_RPS: "500" }).TEMPORAL_DEV_TRANSFER_POLL_RPS).toBe(
    500,
  );
  expect(loadStackEnv("/x", {}).TEMPORAL_DEV_TRANSFER_POLL_RPS).toBeUndefined();
  for (const bad of ["0", "2.5", "fast"]) {
    expect(() => loadStackEnv("/x", { TEMPORAL_DEV_TRANSFER_POLL_RPS: bad })).toThrow(
      /TEMPORAL_DEV_TRANSFER_POLL_RPS: /,
    );
  }
});
