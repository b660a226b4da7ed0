// Demo data for `npm start`: one user, one workspace, one agent. Idempotent;
// re-running never duplicates rows or overwrites edits to the demo agent.
import { createPrisma, withScope } from "./client.ts";
import type { PrismaClient } from "./generated/prisma/client.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";

export const DEMO_EMAIL = "demo@weft.dev";
export const DEMO_PASSWORD = "weft-demo-password";
export const DEMO_WORKSPACE_SLUG = "demo";
// Fixed ids: the seed can scope itself to the workspace before it exists
// (RLS WITH CHECK needs the id up front), and it then works for any role,
// including ones without BYPASSRLS.
export const DEMO_WORKSPACE_ID = "00000000-0000-4000-8000-00000000de70";
export const DEMO_AGENT_ID = "00000000-0000-4000-8000-0000000a9e17";

/** The Graph v1 example from ARCHITECTURE.md. */
export const DEMO_GRAPH = {
  version: 1,
  inputs: { subreddit: { type: "string", default: "typescript" } },
  nodes: [
    {
      id: "fetch",
      type: "http.request",
      config: { method: "GET", url: "https://www.reddit.com/r/{{input.subreddit}}/top.json" },
      retry: { maxAttempts: 3, initialIntervalMs: 1000, backoff: 2 },
      timeoutMs: 30000,
      position: { x: 0, y: 0 },
    },
    {
      id: "summarize",
      type: "llm.generate",
      config: { model: "openai/gpt-4o-mini", prompt: "Summarize: {{nodes.fetch.output.body}}" },
      position: { x: 320, y: 0 },
    },
  ],
  edges: [{ from: "fetch", to: "summarize", condition: "nodes.fetch.output.status = 200" }],
};

export const DEMO_SPEC = `# Reddit digest

Fetches the top posts of a subreddit and summarises them.

## Inputs
- subreddit (string, default "typescript")

## Steps
1. **fetch** — http.request GET https://www.reddit.com/r/{{input.subreddit}}/top.json (3 attempts, 30 s timeout)
2. **summarize** — llm.generate with openai/gpt-4o-mini, when \`nodes.fetch.output.status = 200\`
`;

export interface SeedResult {
  userId: string;
  workspaceId: string;
  agentId: string;
}

/** Accepts an admin URL or an existing client (which is left open). */
export async function seedDemo(target: string | PrismaClient): Promise<SeedResult> {
  const prisma = typeof target === "string" ? createPrisma(target, { poolMax: 2 }) : target;
  try {
    const user = await ensureDemoUser(prisma);
    await withScope(prisma, { workspaceId: DEMO_WORKSPACE_ID, userId: user.id }, async (tx) => {
      await tx.workspace.upsert({
        where: { id: DEMO_WORKSPACE_ID },
        create: { id: DEMO_WORKSPACE_ID, name: "Demo workspace", slug: DEMO_WORKSPACE_SLUG },
        update: {},
      });
      await tx.membership.upsert({
        where: { workspaceId_userId: { workspaceId: DEMO_WORKSPACE_ID, userId: user.id } },
        create: { workspaceId: DEMO_WORKSPACE_ID, userId: user.id, role: "OWNER" },
        update: { role: "OWNER" },
      });
      await tx.agent.upsert({
        where: { id: DEMO_AGENT_ID },
        create: {
          id: DEMO_AGENT_ID,
          workspaceId: DEMO_WORKSPACE_ID,
          name: "Reddit digest",
          description: "Summarises the top posts of a subreddit.",
          draftGraph: DEMO_GRAPH,
          draftSpec: DEMO_SPEC,
          draftUpdatedById: user.id,
        },
        update: {},
      });
    });
    return { userId: user.id, workspaceId: DEMO_WORKSPACE_ID, agentId: DEMO_AGENT_ID };
  } finally {
    if (typeof target === "string") await prisma.$disconnect();
  }
}

async function ensureDemoUser(prisma: PrismaClient) {
  const existing = await prisma.user.findUnique({ where: { email: DEMO_EMAIL } });
  // Hashing costs ~50 ms of argon2; skip it when the stored hash still works.
  if (existing && (await verifyPassword(existing.passwordHash, DEMO_PASSWORD))) return existing;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return prisma.user.upsert({
    where: { email: DEMO_EMAIL },
    create: { email: DEMO_EMAIL, name: "Demo User", passwordHash },
    update: { passwordHash },
  });
}
