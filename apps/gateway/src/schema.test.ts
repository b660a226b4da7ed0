import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { SCHEMA_FILE, buildGatewaySchema, printGatewaySchema } from "./schema.ts";

describe("schema.graphql", () => {
  it("matches the schema built from the resolvers", async () => {
    const built = printGatewaySchema(await buildGatewaySchema());
    const committed = await readFile(SCHEMA_FILE, "utf8").catch(() => "");
    expect(
      committed,
      "apps/gateway/schema.graphql is out of date: run `npm run schema:emit -w @weft/gateway` and commit it",
    ).toBe(built);
  });
});
