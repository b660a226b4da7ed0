import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Client, Connection } from "@temporalio/client";
import { afterAll, expect, test } from "vitest";
import { freePort } from "./ports.ts";
import { DEV_TRANSFER_POLL_RPS, ensureTemporalCli, startTemporal } from "./temporal.ts";

const toolsDir = path.resolve(import.meta.dirname, "../../../.tools");
const cli = process.env.TEMPORAL_CLI ?? ensureTemporalCli(toolsDir, () => {});
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-temporal-test-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test("the dev server keeps its data across a restart", async () => {
  const dbFile = path.join(dir, "temporal.db");
  const port = await freePort();
  const workflowId = `kept-${Date.now()}`;

  const first = await startTemporal({ cli, dbFile, port, uiPort: null });
  expect(first.dynamicConfig).toEqual([`history.transferProcessorMaxPollRPS=${DEV_TRANSFER_POLL_RPS}`]);
  let connection = await Connection.connect({ address: first.address });
  // No worker polls this queue: the workflow simply stays open, which is what we want to find again.
  await new Client({ connection }).workflow.start("anything", { taskQueue: "nobody-polls", workflowId });
  await connection.close();
  await first.stop();
  expect(first.process.exitCode !== null || first.process.signalCode !== null).toBe(true);

  const second = await startTemporal({ cli, dbFile, port, uiPort: null });
  try {
    connection = await Connection.connect({ address: second.address });
    const description = await new Client({ connection }).workflow.getHandle(workflowId).describe();
    expect(description.status.name).toBe("RUNNING");
    await connection.close();
  } finally {
    await second.stop();
  }
});

test("a taken port is reported in one line naming the port and the variable", async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    const error = await startTemporal({ cli, port, uiPort: null }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      `Port ${port} (Temporal frontend) is already in use; stop what holds it or set TEMPORAL_PORT to another port`,
    );
  } finally {
    blocker.close();
  }
});
