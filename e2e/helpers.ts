import { expect, type Page, type TestInfo } from "@playwright/test";

export const GATEWAY_URL = process.env.GATEWAY_URL ?? "http://localhost:4000/graphql";
export const PASSWORD = "correct-horse-battery";

/** A unique address per call so specs never share users, even across retries. */
export function uniqueEmail(tag: string): string {
  return `${tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@e2e.weft.dev`;
}

export async function gql<T>(
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const response = await fetch(GATEWAY_URL, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(`GraphQL error: ${body.errors.map((e) => e.message).join("; ")}`);
  return body.data as T;
}

export interface SeededUser {
  email: string;
  token: string;
  id: string;
}

export async function signUpViaApi(tag: string, name?: string): Promise<SeededUser> {
  const email = uniqueEmail(tag);
  const data = await gql<{ signUp: { token: string; user: { id: string } } }>(
    `mutation($email: String!, $password: String!, $name: String) {
      signUp(email: $email, password: $password, name: $name) { token user { id } }
    }`,
    { email, password: PASSWORD, name: name ?? null },
  );
  return { email, token: data.signUp.token, id: data.signUp.user.id };
}

export async function createWorkspace(token: string, name: string): Promise<string> {
  const data = await gql<{ createWorkspace: { id: string } }>(
    `mutation($name: String!) { createWorkspace(name: $name) { id } }`,
    { name },
    token,
  );
  return data.createWorkspace.id;
}

export async function createAgent(
  token: string,
  workspaceId: string,
  name: string,
  graph: unknown,
): Promise<string> {
  const data = await gql<{ createAgent: { id: string } }>(
    `mutation($ws: ID!, $name: String!, $graph: JSON) { createAgent(workspaceId: $ws, name: $name, graph: $graph) { id } }`,
    { ws: workspaceId, name, graph },
    token,
  );
  return data.createAgent.id;
}

export const TWO_STEP_GRAPH = {
  version: 1,
  inputs: {},
  nodes: [
    {
      id: "write",
      type: "llm.generate",
      config: { model: "openai/gpt-4o-mini", prompt: "Write a haiku" },
      position: { x: 0, y: 0 },
    },
    { id: "announce", type: "log", config: { message: "done" }, position: { x: 320, y: 0 } },
  ],
  edges: [{ from: "write", to: "announce" }],
};

export async function signInViaUi(page: Page, email: string): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  // Generous: the first visit compiles the route when specs run against `next dev`.
  await expect(page).toHaveURL(/\/w\/[0-9a-f-]{36}/, { timeout: 20_000 });
}

export async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  // Written under the test's output folder (kept as a CI artifact) and attached to the report.
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: false });
  await testInfo.attach(name, { path, contentType: "image/png" });
}
