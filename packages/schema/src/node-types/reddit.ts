import { z } from "zod";
import { defineNodeType, templatedMatching, templateString } from "./define.ts";

const Subreddit = templatedMatching(
  "Subreddit name without r/.",
  /^[A-Za-z0-9_]{2,21}$/,
  "must be a subreddit name such as typescript (no r/)",
);
const TIME_RANGES = ["hour", "day", "week", "month", "year", "all"] as const;

const PostSchema = z.object({
  id: z.string(),
  title: z.string(),
  url: z.string(),
  permalink: z.string(),
  author: z.string(),
  score: z.int(),
  numComments: z.int(),
  createdUtc: z.number(),
  selftext: z.string(),
});
const PostsOutput = z.object({ posts: z.array(PostSchema) });

export const RedditTopConfigSchema = z.strictObject({
  subreddit: Subreddit,
  t: z.enum(TIME_RANGES).default("day").describe("Time range"),
  limit: z.int().min(1).max(100).default(25).describe("Number of posts"),
});

export const redditTop = defineNodeType({
  type: "reddit.top",
  category: "integration",
  kind: "activity",
  title: "Reddit: top posts",
  description: "Fetches the top posts of a subreddit.",
  config: RedditTopConfigSchema,
  output: PostsOutput,
  sideEffects: false,
  example: { subreddit: "typescript" },
});

export const RedditSearchConfigSchema = z.strictObject({
  query: templateString("Search query.").min(1).max(512),
  subreddit: Subreddit.optional().describe("Restrict to one subreddit"),
  sort: z.enum(["relevance", "hot", "top", "new", "comments"]).default("relevance").describe("Result order"),
  t: z.enum(TIME_RANGES).default("all").describe("Time range"),
  limit: z.int().min(1).max(100).default(25).describe("Number of posts"),
});

export const redditSearch = defineNodeType({
  type: "reddit.search",
  category: "integration",
  kind: "activity",
  title: "Reddit: search",
  description: "Searches Reddit posts.",
  config: RedditSearchConfigSchema,
  output: PostsOutput,
  sideEffects: false,
  example: { query: "temporal workflows" },
});
export type RedditTopConfig = z.output<typeof RedditTopConfigSchema>;
export type RedditSearchConfig = z.output<typeof RedditSearchConfigSchema>;
