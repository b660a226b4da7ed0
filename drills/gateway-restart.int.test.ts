import { expect, test } from "vitest";
import { gatewayRestart } from "./gateway-restart.ts";

// The short version of `npm run drills -- --only gateway-restart`: the same code, fewer clients.
test("restart the gateway while clients follow runs: they resume by sequence number and miss nothing", async () => {
  const result = await gatewayRestart.run(gatewayRestart.short);
  console.log(result.results.join("\n"));
  expect(result.failures).toEqual([]);
  expect(result.numbers).toMatchObject({
    completed: gatewayRestart.short.runs,
    clientsEnded: gatewayRestart.short.clients,
    missed: 0,
    duplicates: 0,
    outOfOrder: 0,
  });
  expect(result.numbers["received"]).toBe(result.numbers["expected"]);
}, 240_000);
