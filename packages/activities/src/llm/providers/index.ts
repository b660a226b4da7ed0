import type { ProviderAdapter } from "../types.ts";
import { anthropicAdapter } from "./anthropic.ts";
import { geminiAdapter } from "./gemini.ts";
import { openAiAdapter } from "./openai.ts";

export interface ProviderKind {
  adapter: ProviderAdapter;
  /** Used when the workspace's Provider row has no baseUrl. */
  defaultBaseUrl?: string;
  /** Local servers (Ollama, LM Studio, vLLM) usually run without a key. */
  keyOptional: boolean;
}

const official = openAiAdapter(true);
const compatible = openAiAdapter(false);

/**
 * Providers by the name used in model ids ("anthropic/claude-sonnet-4-5"). Any other name is an
 * OpenAI-compatible server, which then needs a baseUrl on its Provider row.
 */
const KNOWN: Record<string, ProviderKind> = {
  openai: { adapter: official, defaultBaseUrl: "https://api.openai.com/v1", keyOptional: false },
  anthropic: { adapter: anthropicAdapter, defaultBaseUrl: "https://api.anthropic.com", keyOptional: false },
  google: {
    adapter: geminiAdapter,
    defaultBaseUrl: "https://generativelanguage.googleapis.com",
    keyOptional: false,
  },
  groq: { adapter: compatible, defaultBaseUrl: "https://api.groq.com/openai/v1", keyOptional: false },
  openrouter: { adapter: compatible, defaultBaseUrl: "https://openrouter.ai/api/v1", keyOptional: false },
  mistral: { adapter: compatible, defaultBaseUrl: "https://api.mistral.ai/v1", keyOptional: false },
  together: { adapter: compatible, defaultBaseUrl: "https://api.together.xyz/v1", keyOptional: false },
  ollama: { adapter: compatible, defaultBaseUrl: "http://localhost:11434/v1", keyOptional: true },
  lmstudio: { adapter: compatible, defaultBaseUrl: "http://localhost:1234/v1", keyOptional: true },
  vllm: { adapter: compatible, keyOptional: true },
};
KNOWN.gemini = KNOWN.google!;

export function providerKind(name: string): ProviderKind {
  return KNOWN[name] ?? { adapter: compatible, keyOptional: true };
}
