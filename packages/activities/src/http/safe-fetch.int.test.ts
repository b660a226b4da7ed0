import dns from "node:dns";
import http from "node:http";
import os from "node:os";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AddressPolicy } from "./address-policy.ts";
import { BlockedDestinationError, ResponseTooLargeError, SafeHttpClient } from "./safe-fetch.ts";

let server: http.Server;
let port: number;
let hits = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits++;
    if (req.url === "/redirect-to-metadata") {
      res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end();
    } else if (req.url === "/redirect-local") {
      res.writeHead(302, { location: `/hello` }).end();
    } else if (req.url === "/big") {
      res.end("x".repeat(5000));
    } else {
      res.writeHead(200, { "content-type": "text/plain" }).end(`hello ${req.method}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("blocked without an allowlist", () => {
  const client = new SafeHttpClient(new AddressPolicy());
  afterAll(() => client.close());

  const corpus = [
    "http://127.0.0.1/",
    "http://127.1/",
    "http://0x7f.1/",
    "http://0x7f000001/",
    "http://017700000001/",
    "http://2130706433/",
    "http://0/",
    "http://0.0.0.0/",
    "http://localhost/",
    "http://app.localhost/",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.100.100.200/",
    "http://[::1]/",
    "http://[::]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[fd00:ec2::254]/",
    "http://[fe80::1]/",
    "http://[2002:7f00:1::]/",
    "http://[64:ff9b::7f00:1]/",
    "http://224.0.0.1/",
    "http://255.255.255.255/",
    "file:///etc/passwd",
    "ftp://example.com/",
    "gopher://127.0.0.1:25/",
    "not a url",
  ];
  test.each(corpus)("%s is refused", async (url) => {
    const before = hits;
    await expect(client.fetch(url, { timeoutMs: 2_000 })).rejects.toBeInstanceOf(BlockedDestinationError);
    expect(hits).toBe(before);
  });

  test("a host name that resolves to a private address is refused at connect time", async () => {
    // The machine's own name resolves through /etc/hosts to a loopback or private address here,
    // which exercises the DNS-time check (no literal IP and no "localhost" in the URL).
    const name = os.hostname();
    const { address } = await dns.promises.lookup(name);
    expect(new AddressPolicy().check(address)).not.toBeNull();
    const before = hits;
    await expect(client.fetch(`http://${name}:${port}/`, { timeoutMs: 2_000 })).rejects.toBeInstanceOf(
      BlockedDestinationError,
    );
    expect(hits).toBe(before);
  });
});

describe("with the test server allowlisted", () => {
  const client = new SafeHttpClient(new AddressPolicy(["127.0.0.1"]));
  afterAll(() => client.close());

  test("requests reach it", async () => {
    const res = await client.fetch(`http://127.0.0.1:${port}/hello`, { method: "POST", body: "x" });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe("hello POST");
  });

  test("a redirect to a metadata address is refused on the hop", async () => {
    await expect(client.fetch(`http://127.0.0.1:${port}/redirect-to-metadata`)).rejects.toBeInstanceOf(
      BlockedDestinationError,
    );
  });

  test("redirects are followed and recorded; 302 after POST becomes GET", async () => {
    const res = await client.fetch(`http://127.0.0.1:${port}/redirect-local`, { method: "POST", body: "x" });
    expect(res.body.toString()).toBe("hello GET");
    expect(res.redirects).toEqual([`http://127.0.0.1:${port}/hello`]);
  });

  test("redirects can be turned off", async () => {
    const res = await client.fetch(`http://127.0.0.1:${port}/redirect-local`, { followRedirects: false });
    expect(res.status).toBe(302);
  });

  test("an oversized body is cut off", async () => {
    await expect(
      client.fetch(`http://127.0.0.1:${port}/big`, { maxResponseBytes: 1000 }),
    ).rejects.toBeInstanceOf(ResponseTooLargeError);
  });
});
