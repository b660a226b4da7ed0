import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { SCHEMA_FILE, buildGatewaySchema, printGatewaySchema } from "./schema.ts";

const sdl = printGatewaySchema(await buildGatewaySchema());
await writeFile(SCHEMA_FILE, sdl);
console.log(`wrote ${fileURLToPath(SCHEMA_FILE)}`);
