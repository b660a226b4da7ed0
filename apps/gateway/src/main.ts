import { loadEnvOrExit } from "./env.ts";
import { PortInUseError, createGateway, type Gateway } from "./server.ts";

const env = loadEnvOrExit();

let gateway: Gateway;
try {
  gateway = await createGateway(env);
} catch (error) {
  if (error instanceof PortInUseError) {
    console.error(`gateway: port ${error.port} is already in use (set GATEWAY_PORT to another port)`);
    process.exit(1);
  }
  throw error;
}
console.log(`gateway listening on ${gateway.url}`);

const { close } = gateway;
let stopping = false;
const shutdown = (signal: NodeJS.Signals) => {
  // A second Ctrl-C means "now": skip the drain.
  if (stopping) process.exit(130);
  stopping = true;
  console.log(`gateway: ${signal} received, draining`);
  close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error("gateway: shutdown failed", error);
      process.exit(1);
    },
  );
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
