import { randomUUID } from "node:crypto";

/** One GraphQL error as the gateway sends it. */
export interface GqlError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; details?: unknown; [key: string]: unknown };
}

export interface GqlResponse<T = Record<string, unknown>> {
  /** HTTP status. */
  status: number;
  /** The raw body (the canary drill searches it). */
  text: string;
  /** Parsed body; null when it was not JSON (an unstructured error). */
  json: { data?: T | null; errors?: GqlError[] } | null;
}

/** The public API over HTTP, as any script would call it (Bearer token). */
export class Api {
  /** Every response body, in order (the canary drill searches them). */
  readonly transcript: string[] = [];

  constructor(
    readonly url: string,
    public token: string | null = null,
  ) {}

  async request<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<GqlResponse<T>> {
    const response = await fetch(this.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    this.transcript.push(text);
    let json: GqlResponse<T>["json"] = null;
    try {
      json = JSON.parse(text) as GqlResponse<T>["json"];
    } catch {
      json = null;
    }
    return { status: response.status, text, json };
  }

  /** Data of a call that must succeed; throws with the errors otherwise. */
  async ok<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const r = await this.request<T>(query, variables);
    if (!r.json?.data || r.json.errors?.length) {
      throw new Error(`${query.trim().split(/\s+/).slice(0, 3).join(" ")} failed: ${r.text.slice(0, 2000)}`);
    }
    return r.json.data;
  }
}

export const OPS = {
  signUp: `mutation ($email: String!, $password: String!) { signUp(email: $email, password: $password, name: "Drill") { token user { id } } }`,
  createWorkspace: `mutation ($name: String!) { createWorkspace(name: $name) { id } }`,
  createAgent: `mutation ($w: ID!, $name: String!, $graph: JSON) { createAgent(workspaceId: $w, name: $name, graph: $graph) { id draftRevision } }`,
  updateDraft: `mutation ($a: ID!, $graph: JSON, $spec: String) { updateDraft(agentId: $a, graph: $graph, spec: $spec) { id draftRevision } }`,
  compileSpec: `query ($spec: String!) { compileSpec(spec: $spec) { ok spec graph diagnostics { severity message line nodeId } } }`,
  publishAgent: `mutation ($a: ID!) { publishAgent(agentId: $a) { id number } }`,
  startRun: `mutation ($a: ID!, $input: JSON) { startRun(agentId: $a, input: $input) { id status } }`,
  approveNode: `mutation ($r: ID!, $n: ID!) { approveNode(runId: $r, nodeId: $n, approved: true) { nodeId status } }`,
  setSecret: `mutation ($w: ID!, $name: String!, $value: String!) { setSecret(workspaceId: $w, name: $name, value: $value) { id name createdAt updatedAt } }`,
  setProvider: `mutation ($w: ID!, $provider: String!, $secretName: String!, $baseUrl: String) {
    setProvider(workspaceId: $w, provider: $provider, secretName: $secretName, baseUrl: $baseUrl) { id provider secretName baseUrl } }`,
} as const;

export const DRILL_PASSWORD = "drill-password-0123456789";

/** A new user with a workspace of their own; `api` carries the user's token afterwards. */
export async function signUpWithWorkspace(
  api: Api,
  label: string,
): Promise<{ userId: string; workspaceId: string }> {
  const email = `${label}-${randomUUID()}@drills.test`;
  const { signUp } = await api.ok<{ signUp: { token: string; user: { id: string } } }>(OPS.signUp, {
    email,
    password: DRILL_PASSWORD,
  });
  api.token = signUp.token;
  const { createWorkspace } = await api.ok<{ createWorkspace: { id: string } }>(OPS.createWorkspace, {
    name: `${label} drill`,
  });
  return { userId: signUp.user.id, workspaceId: createWorkspace.id };
}

/** createAgent + publishAgent: an agent with a live version. */
export async function publishedAgent(
  api: Api,
  workspaceId: string,
  graph: unknown,
  name = "Drill agent",
): Promise<string> {
  const { createAgent } = await api.ok<{ createAgent: { id: string } }>(OPS.createAgent, {
    w: workspaceId,
    name,
    graph,
  });
  await api.ok(OPS.publishAgent, { a: createAgent.id });
  return createAgent.id;
}

export async function startRun(api: Api, agentId: string, input: unknown = {}): Promise<string> {
  const { startRun } = await api.ok<{ startRun: { id: string } }>(OPS.startRun, { a: agentId, input });
  return startRun.id;
}
