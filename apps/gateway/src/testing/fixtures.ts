// Test-only building blocks shared by the integration suites.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@weft/db";
import { EXAMPLE_GRAPH } from "@weft/schema/examples";
import type { Gateway } from "../server.ts";
import { ok, signUp, type TestUser } from "./harness.ts";

export { EXAMPLE_GRAPH };

export const OPS = {
  inviteMember: `mutation ($w: ID!, $email: String!, $role: Role!) {
    inviteMember(workspaceId: $w, email: $email, role: $role) { role pending user { id email } workspace { id } } }`,
  setMemberRole: `mutation ($w: ID!, $userId: ID!, $role: Role!) {
    setMemberRole(workspaceId: $w, userId: $userId, role: $role) { role user { id } } }`,
  createApiKey: `mutation ($w: ID!, $name: String!, $role: Role!) {
    createApiKey(workspaceId: $w, name: $name, role: $role) { token apiKey { id role } } }`,
  apiKeys: `query ($id: ID!) { workspace(id: $id) { id apiKeys { id name role prefix createdAt lastUsedAt } } }`,
  revokeApiKey: `mutation ($id: ID!) { revokeApiKey(id: $id) }`,
  removeMember: `mutation ($w: ID!, $userId: ID!) { removeMember(workspaceId: $w, userId: $userId) }`,
  revokeInvitation: `mutation ($w: ID!, $id: ID!) { revokeInvitation(workspaceId: $w, id: $id) }`,
  oauthSignIn: `mutation ($provider: String!, $providerAccountId: String!, $email: String!, $name: String) {
    oauthSignIn(provider: $provider, providerAccountId: $providerAccountId, email: $email, name: $name) {
      token user { id email name } } }`,
  createAgent: `mutation ($w: ID!, $name: String!, $graph: JSON, $spec: String) {
    createAgent(workspaceId: $w, name: $name, graph: $graph, spec: $spec) { id name draftGraph draftSpec draftRevision } }`,
  updateDraft: `mutation ($agentId: ID!, $graph: JSON, $spec: String, $expectedRevision: Int) {
    updateDraft(agentId: $agentId, graph: $graph, spec: $spec, expectedRevision: $expectedRevision) { id draftRevision draftGraph draftSpec } }`,
  publishAgent: `mutation ($agentId: ID!, $note: String) {
    publishAgent(agentId: $agentId, note: $note) { id number graph spec note createdAt createdBy { id } } }`,
  setLiveVersion: `mutation ($agentId: ID!, $versionId: ID!) {
    setLiveVersion(agentId: $agentId, versionId: $versionId) { id liveVersion { id number } } }`,
  setSecret: `mutation ($w: ID!, $name: String!, $value: String!) {
    setSecret(workspaceId: $w, name: $name, value: $value) { id name createdAt updatedAt } }`,
  deleteSecret: `mutation ($id: ID!) { deleteSecret(id: $id) }`,
  setProvider: `mutation ($w: ID!, $provider: String!, $secretName: String!, $baseUrl: String, $rpm: Int, $tpm: Int) {
    setProvider(workspaceId: $w, provider: $provider, secretName: $secretName, baseUrl: $baseUrl,
      requestsPerMinute: $rpm, tokensPerMinute: $tpm) { id provider secretName baseUrl requestsPerMinute tokensPerMinute } }`,
  workspace: `query ($id: ID!) { workspace(id: $id) { id name slug myRole members { role pending user { id email } }
    secrets { id name } providers { provider secretName } } }`,
  agents: `query ($w: ID!) { agents(workspaceId: $w) { id name } }`,
  agent: `query ($id: ID!) { agent(id: $id) { id name draftRevision liveVersion { id number } versions { id number } } }`,
  runs: `query ($w: ID!, $agentId: ID, $status: RunStatus, $first: Int, $after: String) {
    runs(workspaceId: $w, agentId: $agentId, status: $status, first: $first, after: $after) {
      edges { cursor node { id status } } pageInfo { hasNextPage endCursor } } }`,
  run: `query ($id: ID!) { run(id: $id) { id status trigger tokens costUsd agent { id } version { id number }
    nodeRuns { nodeId status attempt tokensIn tokensOut costUsd logs output } } }`,
  auditEvents: `query ($w: ID!, $first: Int, $after: String) { auditEvents(workspaceId: $w, first: $first, after: $after) {
    edges { cursor node { id action targetType targetId data at actor { id } } } pageInfo { hasNextPage endCursor } } }`,
  usage: `query ($w: ID!, $from: DateTime, $to: DateTime) { usage(workspaceId: $w, from: $from, to: $to) {
    runs succeeded failed tokensIn tokensOut costUsd byDay } }`,
  startRun: `mutation ($a: ID!, $input: JSON) { startRun(agentId: $a, input: $input) { id status } }`,
  cancelRun: `mutation ($r: ID!) { cancelRun(runId: $r) { id status } }`,
  retryRun: `mutation ($r: ID!) { retryRun(runId: $r) { id status } }`,
  approveNode: `mutation ($r: ID!, $n: ID!) { approveNode(runId: $r, nodeId: $n, approved: true) { nodeId status } }`,
  upsertSchedule: `mutation ($a: ID!) { upsertSchedule(agentId: $a, cron: "0 8 * * *") { id } }`,
  generateSpec: `mutation ($w: ID!) { generateSpec(workspaceId: $w, prompt: "anything") { ok } }`,
} as const;

/** A published agent (with a live version), a secret, a provider and a finished run. */
export interface Tenant {
  owner: TestUser;
  workspaceId: string;
  agentId: string;
  versionId: string;
  secretId: string;
  runId: string;
}

export async function seedTenant(gateway: Gateway, admin: PrismaClient, label: string): Promise<Tenant> {
  const owner = await signUp(gateway, label);
  const { createWorkspace } = await ok<{ createWorkspace: { id: string } }>(
    gateway,
    owner.token,
    `mutation ($name: String!) { createWorkspace(name: $name) { id } }`,
    { name: `Tenant ${label}` },
  );
  const workspaceId = createWorkspace.id;
  const agentId = await createAgent(gateway, owner.token, workspaceId);
  const { publishAgent } = await ok<{ publishAgent: { id: string } }>(
    gateway,
    owner.token,
    OPS.publishAgent,
    {
      agentId,
    },
  );
  const { setSecret } = await ok<{ setSecret: { id: string } }>(gateway, owner.token, OPS.setSecret, {
    w: workspaceId,
    name: "OPENAI_API_KEY",
    value: `sk-${label}`,
  });
  await ok(gateway, owner.token, OPS.setProvider, {
    w: workspaceId,
    provider: "openai",
    secretName: "OPENAI_API_KEY",
  });
  const runId = await insertRun(admin, { workspaceId, agentId, versionId: publishAgent.id });
  return { owner, workspaceId, agentId, versionId: publishAgent.id, secretId: setSecret.id, runId };
}

export async function createAgent(
  gateway: Gateway,
  token: string,
  workspaceId: string,
  graph: unknown = EXAMPLE_GRAPH,
) {
  const { createAgent } = await ok<{ createAgent: { id: string } }>(gateway, token, OPS.createAgent, {
    w: workspaceId,
    name: "Digest",
    graph,
  });
  return createAgent.id;
}

/** Runs are written by the worker, never by the API: tests insert them directly. */
export async function insertRun(
  admin: PrismaClient,
  ids: { workspaceId: string; agentId: string; versionId: string },
  overrides: { status?: "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED"; createdAt?: Date } = {},
): Promise<string> {
  const id = randomUUID();
  await admin.run.create({
    data: {
      id,
      ...ids,
      status: overrides.status ?? "SUCCEEDED",
      input: { subreddit: "typescript" },
      tokensIn: 100,
      tokensOut: 20,
      costUsd: "0.0015",
      ...(overrides.createdAt ? { createdAt: overrides.createdAt } : {}),
    },
  });
  await admin.nodeRun.create({
    data: {
      workspaceId: ids.workspaceId,
      runId: id,
      nodeId: "fetch",
      status: "SUCCEEDED",
      attempt: 1,
      output: { status: 200 },
    },
  });
  return id;
}

/** Every row of a workspace in every tenant table, for "nothing changed" checks. */
export async function snapshot(admin: PrismaClient, workspaceId: string): Promise<string> {
  const where = { workspaceId };
  const rows = await Promise.all([
    admin.workspace.findMany({ where: { id: workspaceId } }),
    admin.membership.findMany({ where, orderBy: { id: "asc" } }),
    admin.invitation.findMany({ where, orderBy: { id: "asc" } }),
    admin.apiKey.findMany({ where, orderBy: { id: "asc" } }),
    admin.agent.findMany({ where, orderBy: { id: "asc" } }),
    admin.agentVersion.findMany({ where, orderBy: { id: "asc" } }),
    admin.run.findMany({ where, orderBy: { id: "asc" } }),
    admin.nodeRun.findMany({ where, orderBy: { id: "asc" } }),
    admin.secret.findMany({ where, orderBy: { id: "asc" } }),
    admin.provider.findMany({ where, orderBy: { id: "asc" } }),
    admin.auditEvent.findMany({ where, orderBy: { id: "asc" } }),
  ]);
  return JSON.stringify(rows, (_key, value: unknown) =>
    typeof value === "bigint" ? value.toString() : value,
  );
}
