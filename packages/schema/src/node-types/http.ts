import { z } from "zod";
import { JsonValueSchema, defineNodeType, templatedMatching } from "./define.ts";

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;
/** RFC 9110 safe methods: no side effects, so no idempotency key and free retries. */
const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

const StatusSchema = z.int().min(100).max(599);

export const HttpRequestConfigSchema = z.strictObject({
  method: z.enum(HTTP_METHODS).default("GET").describe("HTTP method"),
  url: templatedMatching(
    "Absolute http(s) URL.",
    /^https?:\/\/\S+$/i,
    "must be an absolute http:// or https:// URL",
  ),
  headers: z.record(z.string(), z.string()).default({}).describe("Request headers; values may use templates"),
  query: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .default({})
    .describe("Query parameters appended to the URL"),
  body: JsonValueSchema.optional().describe("Request body: an object is sent as JSON, a string as-is"),
  timeoutMs: z.int().min(100).max(300_000).default(30_000).describe("Per-request timeout in milliseconds"),
  followRedirects: z.boolean().default(true).describe("Follow 3xx redirects (each hop is SSRF-checked)"),
  expectStatus: z
    .union([StatusSchema, z.array(StatusSchema).min(1)])
    .optional()
    .describe("Fail unless the response status is one of these; default: fail on 4xx/5xx"),
});

export const HttpResponseSchema = z.object({
  status: z.int(),
  headers: z.record(z.string(), z.string()),
  body: z.unknown().describe("Parsed JSON when the response is JSON, else text"),
  url: z.string().describe("Final URL after redirects"),
});

export const httpRequest = defineNodeType({
  type: "http.request",
  category: "integration",
  kind: "activity",
  title: "HTTP request",
  description:
    "Calls an HTTP endpoint. Private and internal addresses are blocked. Non-GET requests carry an idempotency key.",
  config: HttpRequestConfigSchema,
  output: HttpResponseSchema,
  sideEffects: true,
  hasSideEffects: (config) => !SAFE_METHODS.has(config.method),
  example: { url: "https://example.com/api" },
});

export type HttpRequestConfig = z.output<typeof HttpRequestConfigSchema>;
