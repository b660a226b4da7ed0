import { nodeTypeCatalogue } from "@weft/schema";
import {
  compileSpec,
  printSpec,
  type GenerateSpecInput,
  type GenerateSpecResult,
  type SpecDiagnostic,
} from "@weft/schema/spec/index";
import { withWorkspace } from "@weft/db";
import type { ActivityDeps } from "./deps.ts";
import { NodeFailure, classifyError, toApplicationFailure } from "./errors.ts";
import { complete } from "./llm/gateway.ts";
import { loadLlmSettings, parseModel, resolveModel } from "./llm/settings.ts";
import type { NodeContext } from "./nodes/types.ts";

/** Attempts per request: the first answer plus repairs fed with the compiler's diagnostics. */
export const MAX_GENERATION_ATTEMPTS = 3;

/** Used when the workspace has a provider but no default model. */
const DEFAULT_MODELS: Record<string, string> = {
  openai: "openai/gpt-4o-mini",
  anthropic: "anthropic/claude-3-5-haiku-latest",
  gemini: "gemini/gemini-2.0-flash",
};

const EXAMPLE = `---
name: Reddit digest
description: Summarise the top posts of a subreddit.
inputs:
  subreddit: { type: string, default: typescript }
---

## fetch · http.request

Fetch this week's top posts.

\`\`\`yaml
method: GET
url: https://www.reddit.com/r/{{input.subreddit}}/top.json?t=week
\`\`\`

## summarize · llm.generate

Summarise them.

after: fetch when \`nodes.fetch.output.status = 200\`

\`\`\`yaml
prompt: "Summarise: {{nodes.fetch.output.body}}"
\`\`\`
`;

function systemPrompt(secretNames: string[]): string {
  const catalogue = nodeTypeCatalogue().map((t) => ({
    type: t.type,
    title: t.title,
    description: t.description,
    config: t.configSchema,
  }));
  return [
    "You write Weft AgentSpecs: markdown documents that define an agent as a graph of steps.",
    "Answer with exactly one AgentSpec inside a ```markdown fenced block and nothing else.",
    "Format: YAML front matter (name, description, inputs), then one `## <id> · <node type>` section per step",
    "with a one-line description, optional `after: <step>[, <step>] [when `<JSONata condition>`]` (add `(on error)` after a",
    "step name for error branches), one ```yaml config block, optional `retry: 3 attempts, wait 1s, backoff 2` and `timeout: 30s`.",
    "Templates: {{input.NAME}}, {{nodes.STEP.output.PATH}}, {{secrets.NAME}}.",
    secretNames.length
      ? `Secrets that exist in this workspace (refer to them only by these names): ${secretNames.join(", ")}.`
      : "This workspace has no secrets yet: where a credential is needed, use {{secrets.NAME}} with a descriptive UPPER_SNAKE name.",
    "Never invent API keys, passwords or other secret values.",
    `Example:\n\`\`\`markdown\n${EXAMPLE}\`\`\``,
    `Node types (config is JSON Schema):\n${JSON.stringify(catalogue)}`,
  ].join("\n");
}

/**
 * The spec inside the answer's outer ```markdown fence (which itself contains ```yaml fences, so
 * the outer block ends at the *last* fence), or the whole answer when it has none.
 */
export function extractSpec(answer: string): string {
  const text = answer.trim();
  const open =
    /```(?:markdown|md)[^\n]*\n/.exec(text) ?? (text.startsWith("```\n") ? /```\n/.exec(text) : null);
  let body = text;
  if (open) {
    const start = open.index + open[0].length;
    const close = text.lastIndexOf("\n```");
    body = close >= start ? text.slice(start, close) : text.slice(start);
  }
  return body.endsWith("\n") ? body : `${body}\n`;
}

function diagnosticsText(diagnostics: SpecDiagnostic[]): string {
  return diagnostics
    .filter((d) => d.severity === "error")
    .map((d) => `- line ${d.line}${d.nodeId ? ` (step ${d.nodeId})` : ""}: ${d.message}`)
    .join("\n");
}

/**
 * English → AgentSpec through the workspace's LLM provider (inside an activity: the provider key is
 * decrypted only here). The answer is compiled; while diagnostics remain they are fed back and the
 * model tries again, up to MAX_GENERATION_ATTEMPTS. With a current spec, only the requested change
 * is asked for.
 */
export async function generateSpec(
  deps: ActivityDeps,
  input: GenerateSpecInput,
  /** The activity's cancellation: aborts the model call in flight. */
  signal: AbortSignal = new AbortController().signal,
): Promise<GenerateSpecResult> {
  try {
    const settings = await loadLlmSettings(deps, input.workspaceId);
    let model;
    try {
      model = resolveModel(undefined, settings);
    } catch {
      const first = [...settings.providers.values()][0];
      if (!first) {
        throw new NodeFailure(
          "Describing an agent in English needs an LLM provider, and this workspace has none: add one under " +
            'Settings → Providers (setProvider(workspaceId, provider: "openai", secretName: "OPENAI_API_KEY")) ' +
            "after storing its API key as a secret",
          false,
          "PROVIDER_NOT_CONFIGURED",
        );
      }
      model = parseModel(DEFAULT_MODELS[first.provider] ?? `${first.provider}/default`);
    }
    const secretNames = await withWorkspace(deps.prisma, input.workspaceId, async (tx) =>
      (await tx.secret.findMany({ where: {}, select: { name: true }, orderBy: { name: "asc" } })).map(
        (s) => s.name,
      ),
    );
    const secrets: string[] = [];
    const ctx = {
      runId: null,
      nodeId: null,
      workspaceId: input.workspaceId,
      deps,
      signal,
      attempt: 1,
      log: () => {},
      addSecret: (v: string) => secrets.push(v),
      redact: (t: string) => secrets.reduce((acc, s) => acc.split(s).join("[REDACTED]"), t),
      reportUsage: () => {},
    } as unknown as NodeContext<unknown>;

    const messages: Array<{ role: "user" | "assistant"; content: string }> = [
      {
        role: "user",
        content: input.currentSpec
          ? `Here is the current AgentSpec:\n\`\`\`markdown\n${input.currentSpec}\n\`\`\`\nChange only what this request asks for and keep everything else exactly as it is:\n${input.prompt}`
          : `Write an AgentSpec for this request:\n${input.prompt}`,
      },
    ];
    let last: ReturnType<typeof compileSpec> | null = null;
    let spec = "";
    for (let attempt = 1; attempt <= MAX_GENERATION_ATTEMPTS; attempt++) {
      const answer = await complete(ctx, {
        model: model.id,
        request: { system: systemPrompt(secretNames), messages, maxTokens: 4000, temperature: 0.2 },
      });
      spec = extractSpec(answer.text);
      last = compileSpec(spec);
      if (last.ok && last.graph) {
        return {
          ok: true,
          spec: printSpec(last.graph, last.meta),
          graph: last.graph,
          diagnostics: last.diagnostics,
          attempts: attempt,
          model: answer.model,
        };
      }
      messages.push(
        { role: "assistant", content: answer.text },
        {
          role: "user",
          content: `That spec does not compile:\n${diagnosticsText(last.diagnostics)}\nFix these problems and answer with the whole corrected AgentSpec.`,
        },
      );
    }
    return {
      ok: false,
      spec,
      graph: null,
      diagnostics: last?.diagnostics ?? [],
      attempts: MAX_GENERATION_ATTEMPTS,
      model: model.id,
    };
  } catch (err) {
    // Cancelled (the activity's CancelledFailure): report it as such, not as a model failure.
    if (signal.aborted) throw signal.reason;
    throw toApplicationFailure(classifyError(err));
  }
}
