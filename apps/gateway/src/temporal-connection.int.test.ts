import { Client, Connection } from "@temporalio/client";
import { afterAll, describe, expect, it } from "vitest";
import { lazyConnection } from "./temporal-connection.ts";

const address = process.env.TEMPORAL_ADDRESS!;
const opened: Connection[] = [];
afterAll(async () => {
  for (const c of opened) await c.close();
});

/** Node 20's AsyncLocalStorage sets `enabled` on its first run; async hooks stay on from then. */
const hooksTurnedOn = (c: Connection) => (c.callContextStorage as unknown as { enabled: boolean }).enabled;

async function startAndSignal(connection: Connection) {
  const client = new Client({ connection, namespace: "default" });
  const handle = await client.workflow.start("nothingPollsThis", {
    taskQueue: `no-worker-${process.pid}`,
    workflowId: `temporal-connection-test-${crypto.randomUUID()}`,
  });
  await handle.signal("poke");
  expect((await handle.describe()).status.name).toBe("RUNNING");
  await handle.terminate("test over");
}

describe("lazyConnection", () => {
  it("starts, signals and describes workflows without entering an AsyncLocalStorage", async () => {
    const stock = Connection.lazy({ address });
    const ours = lazyConnection({ address });
    opened.push(stock, ours);
    await startAndSignal(stock);
    await startAndSignal(ours);
    expect(hooksTurnedOn(stock)).toBe(true);
    expect(hooksTurnedOn(ours)).toBe(false);
  });

  it("still hands a call its deadline, abort signal and metadata, as the stock connection does", async () => {
    const stock = Connection.lazy({ address });
    const ours = lazyConnection({ address });
    opened.push(stock, ours);
    const outcome = (p: Promise<unknown>) =>
      p.then(
        () => "answered",
        (err: Error) =>
          /DEADLINE_EXCEEDED/.test(err.message)
            ? "deadline"
            : /CANCELLED|cancel/i.test(err.message)
              ? "cancelled"
              : err.message,
      );
    const client = new Client({ connection: ours, namespace: "default" });
    const handle = await client.workflow.start("nothingPollsThis", {
      taskQueue: `no-worker-${process.pid}`,
      workflowId: `temporal-connection-test-${crypto.randomUUID()}`,
    });
    try {
      for (const c of [stock, ours]) {
        await c.workflowService.getSystemInfo({});
        expect(await outcome(c.withDeadline(Date.now() - 1, () => c.workflowService.getSystemInfo({})))).toBe(
          "deadline",
        );
        // A long poll on a workflow nobody runs waits for new events until the signal aborts it.
        const stop = new AbortController();
        setTimeout(() => stop.abort(), 200);
        const poll = c.withAbortSignal(stop.signal, () =>
          c.workflowService.getWorkflowExecutionHistory({
            namespace: "default",
            execution: { workflowId: handle.workflowId },
            waitNewEvent: true,
            historyEventFilterType: 2, // close event only
          }),
        );
        expect(await outcome(poll)).toBe("cancelled");
      }
    } finally {
      await handle.terminate("test over");
    }
    // Nested scopes merge and unwind like the client's own.
    await ours.withMetadata({ a: "1" }, () =>
      ours.withMetadata({ b: "2" }, async () => {
        expect(ours.callContextStorage.getStore()?.metadata).toEqual({ a: "1", b: "2" });
      }),
    );
    expect(ours.callContextStorage.getStore()).toBeUndefined();
  });
});
