import net from "node:net";
import { expect, test } from "vitest";
import { createPrisma } from "./client.ts";

/** A port nothing listens on (bound, read, released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

test("connectRetryMs keeps trying an unreachable server, telling onConnectRetry, then gives up", async () => {
  const retries: Error[] = [];
  const prisma = createPrisma(`postgres://nobody:x@127.0.0.1:${await closedPort()}/none`, {
    connectRetryMs: 800,
    onConnectRetry: (error) => retries.push(error),
  });
  try {
    await expect(prisma.$queryRaw`SELECT 1`).rejects.toThrow();
    expect(retries.length).toBeGreaterThan(1);
    expect(retries[0]).toMatchObject({ code: "ECONNREFUSED" });
  } finally {
    await prisma.$disconnect();
  }
});

test("without connectRetryMs the first refused connection fails the query", async () => {
  const prisma = createPrisma(`postgres://nobody:x@127.0.0.1:${await closedPort()}/none`);
  try {
    await expect(prisma.$queryRaw`SELECT 1`).rejects.toThrow(/reach|ECONNREFUSED/i);
  } finally {
    await prisma.$disconnect();
  }
});
