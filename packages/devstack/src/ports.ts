import net from "node:net";

function canListen(port: number, host?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/**
 * True when nothing listens on `port`. Both the wildcard and the loopback
 * address are tried: a server bound only to 127.0.0.1 does not always block a
 * wildcard bind, and PostgreSQL binds to loopback by default.
 */
export async function isPortFree(port: number): Promise<boolean> {
  return (await canListen(port)) && (await canListen(port, "127.0.0.1"));
}

/** A port the kernel considers free right now (listen on 0, read, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ port: 0, host: "127.0.0.1" }, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("Could not obtain a free port"))));
    });
  });
}

/** Resolves once something accepts TCP connections on host:port, or rejects after timeoutMs. */
export async function waitForPort(port: number, host = "127.0.0.1", timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${host}:${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One-line error for a taken port, naming the variable that moves it. */
export class PortInUseError extends Error {
  constructor(port: number, service: string, envVar: string) {
    super(`Port ${port} (${service}) is already in use; stop what holds it or set ${envVar} to another port`);
    this.name = "PortInUseError";
  }
}

export async function assertPortFree(port: number, service: string, envVar: string): Promise<void> {
  if (!(await isPortFree(port))) throw new PortInUseError(port, service, envVar);
}
