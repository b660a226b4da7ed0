import { withWorkspace } from "@weft/db";
import type { ActivityDeps } from "../deps.ts";
import { NodeFailure } from "../errors.ts";

export interface ProviderSettings {
  provider: string;
  secretName: string;
  baseUrl: string | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  defaultModel: string | null;
}

export interface LlmSettings {
  providers: Map<string, ProviderSettings>;
  budgetUsd: number | null;
  priceOverrides: unknown;
}

/** The workspace's providers, budget and price overrides, read once per node attempt. */
export async function loadLlmSettings(deps: ActivityDeps, workspaceId: string): Promise<LlmSettings> {
  return withWorkspace(deps.prisma, workspaceId, async (tx) => {
    const [rows, workspace] = await Promise.all([
      tx.provider.findMany({ where: { workspaceId }, orderBy: { createdAt: "asc" } }),
      tx.workspace.findUnique({
        where: { id: workspaceId },
        select: { monthlyBudgetUsd: true, llmPrices: true },
      }),
    ]);
    return {
      providers: new Map(rows.map((p) => [p.provider, p])),
      budgetUsd: workspace?.monthlyBudgetUsd == null ? null : Number(workspace.monthlyBudgetUsd),
      priceOverrides: workspace?.llmPrices ?? null,
    };
  });
}

export interface ModelRef {
  /** "provider/model" */
  id: string;
  provider: string;
  /** The provider's own id, which may itself contain slashes (OpenRouter's "meta-llama/..."). */
  name: string;
}

export function parseModel(id: string): ModelRef {
  const slash = id.indexOf("/");
  if (slash <= 0 || slash === id.length - 1) {
    throw new NodeFailure(
      `model "${id}" must look like "provider/model", e.g. openai/gpt-4o-mini`,
      false,
      "INVALID_CONFIG",
    );
  }
  return { id, provider: id.slice(0, slash), name: id.slice(slash + 1) };
}

/** The node's model, else the default of the first provider that has one. */
export function resolveModel(nodeModel: string | undefined, settings: LlmSettings): ModelRef {
  if (nodeModel) return parseModel(nodeModel);
  for (const p of settings.providers.values()) {
    if (p.defaultModel)
      return parseModel(p.defaultModel.includes("/") ? p.defaultModel : `${p.provider}/${p.defaultModel}`);
  }
  throw new NodeFailure(
    "This node names no model and the workspace has no default model: set `model` on the node " +
      '(e.g. "openai/gpt-4o-mini") or a default model under Settings → Providers',
    false,
    "NO_MODEL",
  );
}

export function providerSettings(settings: LlmSettings, provider: string): ProviderSettings {
  const found = settings.providers.get(provider);
  if (!found) {
    throw new NodeFailure(
      `No provider "${provider}" is configured for this workspace: add one under Settings → Providers ` +
        "(setProvider) with a secret holding its API key",
      false,
      "PROVIDER_NOT_CONFIGURED",
    );
  }
  return found;
}
