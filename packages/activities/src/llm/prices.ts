/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
}

/**
 * List prices (USD per million tokens) as published by the providers; dated snapshots
 * ("gpt-4o-mini-2024-07-18") match their family by longest prefix. Workspaces override or add
 * entries with Workspace.llmPrices, which also accepts "provider/*" (e.g. "ollama/*": 0 for a
 * self-hosted server). Unknown models cost 0 and say so in the node's log.
 */
export const PRICES: Readonly<Record<string, ModelPrice>> = {
  "openai/gpt-5": { input: 1.25, output: 10 },
  "openai/gpt-5-mini": { input: 0.25, output: 2 },
  "openai/gpt-5-nano": { input: 0.05, output: 0.4 },
  "openai/gpt-4.1": { input: 2, output: 8 },
  "openai/gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "openai/gpt-4.1-nano": { input: 0.1, output: 0.4 },
  "openai/gpt-4o": { input: 2.5, output: 10 },
  "openai/gpt-4o-mini": { input: 0.15, output: 0.6 },
  "openai/o3": { input: 2, output: 8 },
  "openai/o3-mini": { input: 1.1, output: 4.4 },
  "openai/o4-mini": { input: 1.1, output: 4.4 },
  "anthropic/claude-opus-4": { input: 15, output: 75 },
  "anthropic/claude-sonnet-4": { input: 3, output: 15 },
  "anthropic/claude-haiku-4-5": { input: 1, output: 5 },
  "anthropic/claude-3-7-sonnet": { input: 3, output: 15 },
  "anthropic/claude-3-5-sonnet": { input: 3, output: 15 },
  "anthropic/claude-3-5-haiku": { input: 0.8, output: 4 },
  "google/gemini-2.5-pro": { input: 1.25, output: 10 },
  "google/gemini-2.5-flash": { input: 0.3, output: 2.5 },
  "google/gemini-2.5-flash-lite": { input: 0.1, output: 0.4 },
  "google/gemini-2.0-flash": { input: 0.1, output: 0.4 },
  "google/gemini-2.0-flash-lite": { input: 0.075, output: 0.3 },
  "groq/llama-3.3-70b-versatile": { input: 0.59, output: 0.79 },
  "groq/llama-3.1-8b-instant": { input: 0.05, output: 0.08 },
  "ollama/*": { input: 0, output: 0 },
  "lmstudio/*": { input: 0, output: 0 },
  "vllm/*": { input: 0, output: 0 },
};

/** `gemini/x` and `google/x` are the same models. */
function aliases(model: string): string[] {
  return model.startsWith("gemini/") ? [model, `google/${model.slice("gemini/".length)}`] : [model];
}

function lookup(table: Readonly<Record<string, ModelPrice>>, model: string): ModelPrice | undefined {
  for (const id of aliases(model)) {
    if (table[id]) return table[id];
    let best: string | undefined;
    for (const key of Object.keys(table)) {
      if (key.endsWith("/*")) continue;
      if (id.startsWith(`${key}-`) && (!best || key.length > best.length)) best = key;
    }
    if (best) return table[best];
    const wildcard = table[`${id.slice(0, id.indexOf("/"))}/*`];
    if (wildcard) return wildcard;
  }
  return undefined;
}

/** Workspace overrides first, then the built-in table. */
export function priceFor(model: string, overrides: unknown): ModelPrice | undefined {
  return lookup(parseOverrides(overrides), model) ?? lookup(PRICES, model);
}

export function costUsd(price: ModelPrice | undefined, tokensIn: number, tokensOut: number): number {
  if (!price) return 0;
  // Rounded to the column's precision (Decimal(18, 8)) so sums in Postgres and here agree.
  return Math.round(((tokensIn * price.input + tokensOut * price.output) / 1_000_000) * 1e8) / 1e8;
}

/** Workspace.llmPrices is free-form JSON: anything malformed is ignored rather than fatal. */
function parseOverrides(raw: unknown): Record<string, ModelPrice> {
  const out: Record<string, ModelPrice> = {};
  if (!raw || typeof raw !== "object") return out;
  for (const [model, value] of Object.entries(raw as Record<string, unknown>)) {
    const v = value as { input?: unknown; output?: unknown } | null;
    if (v && typeof v.input === "number" && typeof v.output === "number" && v.input >= 0 && v.output >= 0) {
      out[model] = { input: v.input, output: v.output };
    }
  }
  return out;
}
