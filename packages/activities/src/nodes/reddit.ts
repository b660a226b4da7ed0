import type { RedditSearchConfig, RedditTopConfig } from "@weft/schema";
import { NodeFailure } from "../errors.ts";
import { retryAfter } from "../llm/gateway.ts";
import type { NodeContext, NodeImplementation } from "./types.ts";

const REDDIT = "https://www.reddit.com";
// Reddit throttles generic user agents hard and asks for "<platform>:<app id>:<version> (by ...)".
const USER_AGENT = "server:dev.weft.agents:1.0 (by /u/weft-agents)";

interface Listing {
  data?: { children?: Array<{ kind?: string; data?: Record<string, unknown> }> };
}

export const redditTop: NodeImplementation<RedditTopConfig> = (ctx) =>
  fetchListing(ctx, `/r/${encodeURIComponent(ctx.config.subreddit)}/top.json`, {
    t: ctx.config.t,
    limit: String(ctx.config.limit),
  });

export const redditSearch: NodeImplementation<RedditSearchConfig> = (ctx) => {
  const c = ctx.config;
  const path = c.subreddit ? `/r/${encodeURIComponent(c.subreddit)}/search.json` : "/search.json";
  return fetchListing(ctx, path, {
    q: c.query,
    sort: c.sort,
    t: c.t,
    limit: String(c.limit),
    ...(c.subreddit ? { restrict_sr: "1" } : {}),
  });
};

/** Reddit's public JSON listings, through the SSRF-safe client like any HTTP node. */
async function fetchListing(ctx: NodeContext<unknown>, path: string, query: Record<string, string>) {
  const url = new URL(`${(ctx.deps.endpoints?.reddit ?? REDDIT).replace(/\/+$/, "")}${path}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  // Without raw_json Reddit HTML-escapes &, < and > in titles and text.
  url.searchParams.set("raw_json", "1");
  const res = await ctx.deps.http.fetch(url.href, {
    headers: { "user-agent": USER_AGENT, accept: "application/json" },
    // An unknown subreddit redirects to a search page; that is "not found", not data.
    followRedirects: false,
    timeoutMs: 20_000,
    signal: ctx.signal,
  });
  ctx.log(`GET ${url.pathname} → ${res.status}`);
  if (res.status >= 300 && res.status < 400) {
    throw new NodeFailure(
      `Reddit has no ${path.split("/").slice(0, 3).join("/")} (redirected)`,
      false,
      "NOT_FOUND",
    );
  }
  if (res.status === 404 || res.status === 403) {
    throw new NodeFailure(
      `Reddit answered ${res.status} for ${url.pathname}: the subreddit does not exist, is private or is banned`,
      false,
      res.status === 404 ? "NOT_FOUND" : "FORBIDDEN",
    );
  }
  if (res.status === 429) {
    // Reddit announces its window reset in x-ratelimit-reset (seconds).
    const reset = Number(res.headers["x-ratelimit-reset"]);
    const wait = retryAfter(res.headers) ?? (Number.isFinite(reset) ? reset * 1000 : undefined);
    throw new NodeFailure("Reddit is rate-limiting requests (429)", true, "RATE_LIMITED", undefined, wait);
  }
  if (res.status !== 200) {
    throw new NodeFailure(`Reddit answered ${res.status}`, res.status >= 500, `HTTP_${res.status}`);
  }
  let listing: Listing;
  try {
    listing = JSON.parse(res.body.toString("utf8")) as Listing;
  } catch {
    throw new NodeFailure("Reddit's answer was not JSON", true, "BAD_RESPONSE");
  }
  const posts = (listing.data?.children ?? [])
    .filter((c) => c.kind === "t3" && c.data)
    .map(({ data: d }) => ({
      id: String(d!.id ?? ""),
      title: String(d!.title ?? ""),
      url: String(d!.url ?? ""),
      permalink: `https://www.reddit.com${String(d!.permalink ?? "")}`,
      author: String(d!.author ?? "[deleted]"),
      score: Math.trunc(Number(d!.score ?? 0)),
      numComments: Math.trunc(Number(d!.num_comments ?? 0)),
      createdUtc: Number(d!.created_utc ?? 0),
      selftext: String(d!.selftext ?? ""),
    }));
  return { output: { posts } };
}
