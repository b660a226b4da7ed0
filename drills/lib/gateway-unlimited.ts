// The gateway as apps/gateway/src/main.ts starts it, minus the per-workspace mutation rate limits:
// the fuzz drill sends thousands of mutations a minute to one workspace. Same schema, resolvers,
// validation, error formatting and logging (INTERNAL errors go to stderr, where the drill looks).
import { createPrisma } from "@weft/db";
import { loadKeyring } from "@weft/db/secrets";
import { loadEnvOrExit } from "../../apps/gateway/src/env.ts";
import { createGateway } from "../../apps/gateway/src/server.ts";

const UNLIMITED = { burst: 1_000_000, perMinute: 1_000_000 };
const env = loadEnvOrExit();
const prisma = createPrisma(env.APP_DATABASE_URL);
const gateway = await createGateway(env, {
  prisma,
  keyring: loadKeyring(env),
  rateLimits: { workspace: UNLIMITED, user: UNLIMITED, anonymous: UNLIMITED },
});
console.log(`gateway listening on ${gateway.url}`);

const shutdown = () => {
  void gateway
    .close()
    .then(() => prisma.$disconnect())
    .finally(() => process.exit(0));
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
