import { afterAll, beforeAll, expect, test } from "vitest";
import { createHarness, type Harness } from "./testing/harness.ts";
import { ConnectorServer } from "./testing/connector-server.ts";
import { LlmServer } from "./testing/llm-server.ts";
import { MailServer } from "./testing/mail-server.ts";
import { putProvider, putSecret } from "./testing/workspace-setup.ts";
import { startWorker, type RunningWorker } from "./worker.ts";

/**
 * Issue 7's "done when": a workspace configures a provider and runs an agent that fetches Reddit
 * posts, summarises them with an LLM and emails the digest, with tokens and cost visible per node
 * and per run. Every service is local: Reddit- and OpenAI-shaped HTTP servers and a real SMTP
 * server; Postgres and Temporal are the real ones.
 */
let h: Harness;
let reddit: ConnectorServer;
let llm: LlmServer;
let mail: MailServer;
let worker: RunningWorker;

beforeAll(async () => {
  [h, reddit, llm, mail] = await Promise.all([
    createHarness({ worker: false }),
    new ConnectorServer().start(),
    new LlmServer().start(),
    new MailServer().start(),
  ]);
  worker = await startWorker({ ...h.workerEnv, WEFT_REDDIT_BASE_URL: reddit.origin });
  // What a workspace admin does in Settings: two secrets and a provider.
  await putSecret(h, "OPENAI_API_KEY", llm.keys.openai);
  await putSecret(h, "SMTP_URL", mail.url);
  await putProvider(h, {
    provider: "openai",
    secretName: "OPENAI_API_KEY",
    baseUrl: `${llm.origin}/v1`,
    defaultModel: "openai/gpt-4o-mini",
    requestsPerMinute: 60,
  });
});
afterAll(async () => {
  await worker?.shutdown();
  await h?.close();
  await Promise.all([reddit?.stop(), llm?.stop(), mail?.stop()]);
});

test("Reddit → LLM summary → email digest, with tokens and cost per node and per run", async () => {
  llm.answer = (req) => {
    const posts = req.prompt.split("\n").filter((l) => l.startsWith("- "));
    return `This week ${posts.length} posts stood out. Top: ${posts[0]?.slice(2)}.`;
  };
  const agent = await h.createAgent({
    version: 1,
    inputs: {
      subreddit: { type: "string", default: "typescript" },
      to: { type: "string", default: "team@example.com" },
    },
    nodes: [
      { id: "fetch", type: "reddit.top", config: { subreddit: "{{input.subreddit}}", t: "week", limit: 3 } },
      {
        id: "list",
        type: "transform",
        config: {
          expression:
            '$join(nodes.fetch.output.posts.("- " & title & " (" & $string(score) & " points)"), "\n")',
        },
      },
      {
        id: "summarize",
        type: "llm.generate",
        config: {
          system: "You write short, friendly weekly digests.",
          prompt: "Summarise these posts for the team:\n{{nodes.list.output}}",
          maxTokens: 400,
          stream: true,
        },
      },
      {
        id: "email",
        type: "email.send",
        config: {
          to: ["{{input.to}}"],
          subject: "r/{{input.subreddit}} weekly digest",
          text: "{{nodes.summarize.output.text}}\n\n(model {{nodes.summarize.output.model}})",
          smtpSecret: "SMTP_URL",
        },
      },
    ],
    edges: [
      { from: "fetch", to: "list" },
      { from: "list", to: "summarize" },
      { from: "summarize", to: "email" },
    ],
  });
  const runId = await h.startRun(agent, { subreddit: "typescript", to: "digest-readers@example.com" });
  const { run, nodes, events } = await h.finish(runId);
  expect(run.status).toBe("SUCCEEDED");

  // The posts went to the model...
  const prompt = llm.requests.at(-1)!.prompt;
  expect(prompt).toContain("- Post 1 about week & <things> (100 points)");
  // ...and its summary went out by email.
  const digest = "This week 3 posts stood out. Top: Post 1 about week & <things> (100 points).";
  const msg = mail.messages.at(-1)!;
  expect(msg.to).toEqual(["digest-readers@example.com"]);
  expect(msg.subject).toBe("r/typescript weekly digest");
  expect(msg.text).toBe(`${digest}\n\n(model openai/gpt-4o-mini)`);

  // Tokens and cost: on the LLM node, nowhere else, and the same totals on the run.
  const s = nodes.summarize!;
  expect(s.tokensIn).toBeGreaterThan(0);
  expect(s.tokensOut).toBe(LlmServer.tokens(digest));
  const expectedCost = Math.round(((s.tokensIn * 0.15 + s.tokensOut * 0.6) / 1e6) * 1e8) / 1e8;
  expect(Number(s.costUsd)).toBe(expectedCost);
  expect(s.output).toMatchObject({
    usage: { tokensIn: s.tokensIn, tokensOut: s.tokensOut, costUsd: expectedCost },
  });
  for (const id of ["fetch", "list", "email"])
    expect([nodes[id]!.tokensIn, Number(nodes[id]!.costUsd)]).toEqual([0, 0]);
  expect([run.tokensIn, run.tokensOut, Number(run.costUsd)]).toEqual([s.tokensIn, s.tokensOut, expectedCost]);
  // The run view saw the summary being written.
  const deltas = events.filter((e) => e.type === "node.output.delta" && e.nodeId === "summarize");
  expect(deltas.map((e) => (e.data as { delta: string }).delta).join("")).toBe(digest);
  // And the day's usage roll-up has the run under its model.
  const usage = await h.admin.usageRecord.findMany({ where: { workspaceId: h.workspaceId } });
  expect(usage).toHaveLength(1);
  expect(usage[0]).toMatchObject({
    model: "openai/gpt-4o-mini",
    provider: "openai",
    runs: 1,
    succeeded: 1,
    failed: 0,
  });
  expect([usage[0]!.tokensIn, usage[0]!.tokensOut, Number(usage[0]!.costUsd)]).toEqual([
    s.tokensIn,
    s.tokensOut,
    expectedCost,
  ]);
  console.log(
    `[digest] run ${run.id}: summarize ${s.tokensIn} in / ${s.tokensOut} out tokens, $${expectedCost}; ` +
      `${deltas.length} delta events; ${Date.parse(String(run.finishedAt?.toISOString())) - Date.parse(String(run.startedAt?.toISOString()))} ms`,
  );
});
