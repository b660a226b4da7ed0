// npx tsx packages/db/scripts/generate.ts [--force]
import { generateClient } from "../src/generate.ts";

const started = Date.now();
const result = await generateClient({ force: process.argv.includes("--force") });
console.log(
  result.generated
    ? `Generated Prisma client in ${result.outputDir} (${Date.now() - started} ms)`
    : `Prisma client is up to date (${result.outputDir})`,
);
