import { createPrisma } from "@weft/db";
import { KeyringError, loadKeyring } from "@weft/db/secrets";
import { loadEnvOrExit } from "./env.ts";
import { PortInUseError, createGateway, type Gateway } from "./server.ts";

const env = loadEnvOrExit();

let keyring;
try {
  keyring = loadKeyring(env);
} catch (error) {
  if (error instanceof KeyringError) {
    console.error(`gateway: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

// One client (and pool) per process, shared by every request.
const prisma = createPrisma(env.APP_DATABASE_URL);

let gateway: Gateway;
try {
  gateway = await createGateway(env, {
    prisma,
    keyring,
    ...(env.GATEWAY_RATE_LIMIT_ANONYMOUS
      ? { rateLimits: { anonymous: env.GATEWAY_RATE_LIMIT_ANONYMOUS } }
      : {}),
  });
} catch (error) {
  await prisma.$disconnect();
  if (error instanceof PortInUseError) {
    console.error(`gateway: port ${error.port} is already in use (set GATEWAY_PORT to another port)`);
    process.exit(1);
  }
  throw error;
}
console.log(`gateway listening on ${gateway.url}`);

let stopping = false;
const shutdown = (signal: NodeJS.Signals) => {
  // A second Ctrl-C means "now": skip the drain.
  if (stopping) process.exit(130);
  stopping = true;
  console.log(`gateway: ${signal} received, draining`);
  // Requests finish first, then the pool closes under nobody's feet.
  gateway
    .close()
    .then(() => prisma.$disconnect())
    .then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("gateway: shutdown failed", error);
        process.exit(1);
      },
    );
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
