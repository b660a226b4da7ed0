// Fixtures written straight into the apps' database (as the owner, scoped like the app would be),
// so that scenarios do not spend the gateway's own rate limits (signUp, createWorkspace) on set-up.
import { randomUUID } from "node:crypto";
import { hashPassword, withScope, withWorkspace, type PrismaClient } from "@weft/db";
import { validateGraph, type Graph } from "@weft/schema";
import { signSessionToken } from "../../apps/gateway/src/auth/tokens.ts";

export const BENCH_PASSWORD = "bench-password-0123";

export interface Tenant {
  userId: string;
  email: string;
  workspaceId: string;
  /** A session token the gateway accepts (signed with its secret, as signIn would). */
  token: string;
}

export interface SeededAgent {
  agentId: string;
  versionId: string;
  graph: Graph;
}

let passwordHash: Promise<string> | null = null;

/** A user (password BENCH_PASSWORD), a workspace they own, and a session token. */
export async function seedTenant(admin: PrismaClient, authSecret: string, label: string): Promise<Tenant> {
  passwordHash ??= hashPassword(BENCH_PASSWORD);
  const suffix = randomUUID().slice(0, 8);
  const user = await admin.user.create({
    data: {
      email: `${label}-${suffix}@bench.weft.dev`,
      name: `Bench ${label}`,
      passwordHash: await passwordHash,
    },
  });
  const workspaceId = randomUUID();
  await withScope(admin, { workspaceId, userId: user.id }, async (tx) => {
    await tx.workspace.create({
      data: { id: workspaceId, name: `Bench ${label}`, slug: `bench-${label}-${suffix}` },
    });
    await tx.membership.create({ data: { workspaceId, userId: user.id, role: "OWNER" } });
  });
  const token = await signSessionToken(user.id, {
    secret: new TextEncoder().encode(authSecret),
    ttlSeconds: 6 * 3600,
  });
  return { userId: user.id, email: user.email, workspaceId, token };
}

/** An agent whose live version 1 is `graph` (checked by the same validator the gateway uses). */
export async function seedAgent(
  admin: PrismaClient,
  tenant: Tenant,
  graphInput: unknown,
  name = "Bench agent",
): Promise<SeededAgent> {
  const checked = validateGraph(graphInput);
  if (!checked.ok) throw new Error(`bench graph is invalid: ${JSON.stringify(checked.errors)}`);
  const graph = checked.graph;
  return withWorkspace(admin, tenant.workspaceId, async (tx) => {
    const agent = await tx.agent.create({
      data: {
        workspaceId: tenant.workspaceId,
        name,
        draftGraph: graph as object,
        draftUpdatedById: tenant.userId,
      },
    });
    const version = await tx.agentVersion.create({
      data: {
        workspaceId: tenant.workspaceId,
        agentId: agent.id,
        number: 1,
        graph: graph as object,
        spec: "",
        checksum: "bench",
        createdById: tenant.userId,
      },
    });
    await tx.agent.update({ where: { id: agent.id }, data: { liveVersionId: version.id } });
    return { agentId: agent.id, versionId: version.id, graph };
  });
}

/** `count` finished runs of `agent`, one second apart, newest last. */
export async function seedRuns(admin: PrismaClient, tenant: Tenant, agent: SeededAgent, count: number) {
  const start = Date.now() - count * 1000;
  await withWorkspace(admin, tenant.workspaceId, (tx) =>
    tx.run.createMany({
      data: Array.from({ length: count }, (_, i) => ({
        workspaceId: tenant.workspaceId,
        agentId: agent.agentId,
        versionId: agent.versionId,
        status: "SUCCEEDED" as const,
        trigger: "API" as const,
        input: {},
        output: { value: i },
        createdById: tenant.userId,
        createdAt: new Date(start + i * 1000),
        startedAt: new Date(start + i * 1000),
        finishedAt: new Date(start + i * 1000 + 200),
      })),
    }),
  );
}

/** A chain of `n` no-op transform nodes (n0 → n1 → …), laid out left to right. */
export function transformChain(n: number, prefix = "n") {
  return {
    version: 1,
    inputs: {},
    nodes: Array.from({ length: n }, (_, i) => ({
      id: `${prefix}${i}`,
      type: "transform",
      config: { expression: `${i}` },
      position: { x: i * 260, y: 0 },
    })),
    edges: Array.from({ length: n - 1 }, (_, i) => ({ from: `${prefix}${i}`, to: `${prefix}${i + 1}` })),
  };
}
