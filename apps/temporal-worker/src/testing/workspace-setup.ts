import { randomUUID } from "node:crypto";
import { withWorkspace } from "@weft/db";
import { encryptSecret, loadKeyring } from "@weft/db/secrets";
import type { Harness } from "./harness.ts";

/** Stores a workspace secret the way setSecret does (encrypted with the worker's keyring). */
export async function putSecret(h: Harness, name: string, value: string): Promise<void> {
  const id = randomUUID();
  const enc = encryptSecret(
    { workspaceId: h.workspaceId, secretId: id, value },
    loadKeyring(h.workerEnv, { warn: () => {} }),
  );
  await withWorkspace(h.admin, h.workspaceId, async (tx) => {
    await tx.secret.deleteMany({ where: { workspaceId: h.workspaceId, name } });
    await tx.secret.create({ data: { id, workspaceId: h.workspaceId, name, ...enc } });
  });
}

export interface ProviderRow {
  provider: string;
  secretName: string;
  baseUrl?: string | null;
  requestsPerMinute?: number | null;
  tokensPerMinute?: number | null;
  defaultModel?: string | null;
}

/** What setProvider writes: one row per (workspace, provider). */
export async function putProvider(h: Harness, p: ProviderRow): Promise<void> {
  await withWorkspace(h.admin, h.workspaceId, (tx) =>
    tx.provider.upsert({
      where: { workspaceId_provider: { workspaceId: h.workspaceId, provider: p.provider } },
      create: { workspaceId: h.workspaceId, ...p },
      update: p,
    }),
  );
}

export async function setWorkspaceLlm(
  h: Harness,
  data: { monthlyBudgetUsd?: number | null; llmPrices?: Record<string, { input: number; output: number }> },
): Promise<void> {
  await withWorkspace(h.admin, h.workspaceId, (tx) =>
    tx.workspace.update({ where: { id: h.workspaceId }, data }),
  );
}
