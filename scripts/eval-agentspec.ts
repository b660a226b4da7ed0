// Runs docs/agentspec-examples/cases.json against a Weft gateway's generateSpec and prints a pass
// rate. See docs/agentspec-examples/README.md. Talks to the public API only.
import fs from "node:fs";
import path from "node:path";

interface Case {
  id: string;
  prompt: string;
  expect: { nodeTypes: string[]; edges: Array<[string, string]> };
}
interface Graph {
  nodes: Array<{ id: string; type: string }>;
  edges: Array<{ from: string; to: string }>;
}

const url = process.env.WEFT_API_URL ?? "http://localhost:4000/graphql";
const token = process.env.WEFT_API_TOKEN;
const workspaceId = process.env.WEFT_WORKSPACE_ID;
if (!token || !workspaceId) {
  console.error(
    "Set WEFT_API_TOKEN (a session token or API key) and WEFT_WORKSPACE_ID; WEFT_API_URL is optional.",
  );
  process.exit(2);
}

const file = path.resolve(import.meta.dirname, "../docs/agentspec-examples/cases.json");
const only = new Set(process.argv.slice(2));
const cases = (JSON.parse(fs.readFileSync(file, "utf8")) as Case[]).filter(
  (c) => !only.size || only.has(c.id),
);

/** Every expected type present (as a multiset) and every expected edge realised by some edge. */
export function shapeMatches(graph: Graph, expect: Case["expect"]): string | null {
  const counts = new Map<string, number>();
  for (const n of graph.nodes) counts.set(n.type, (counts.get(n.type) ?? 0) + 1);
  for (const t of expect.nodeTypes) {
    const left = counts.get(t) ?? 0;
    if (left === 0) return `missing a ${t} node`;
    counts.set(t, left - 1);
  }
  const typeOf = new Map(graph.nodes.map((n) => [n.id, n.type]));
  for (const [from, to] of expect.edges) {
    if (!graph.edges.some((e) => typeOf.get(e.from) === from && typeOf.get(e.to) === to))
      return `no ${from} → ${to} edge`;
  }
  return null;
}

const query = `mutation ($w: ID!, $p: String!) { generateSpec(workspaceId: $w, prompt: $p) { ok graph diagnostics { message line } } }`;
const rows: Array<{ id: string; compiled: boolean; shape: string; ms: number }> = [];
for (const c of cases) {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables: { w: workspaceId, p: c.prompt } }),
  });
  const json = (await res.json()) as {
    data?: { generateSpec: { ok: boolean; graph: Graph | null; diagnostics: Array<{ message: string }> } };
    errors?: Array<{ message: string }>;
  };
  const ms = performance.now() - t0;
  const result = json.data?.generateSpec;
  if (!result) {
    rows.push({ id: c.id, compiled: false, shape: `error: ${json.errors?.[0]?.message ?? res.status}`, ms });
    continue;
  }
  const shape =
    result.ok && result.graph
      ? (shapeMatches(result.graph, c.expect) ?? "ok")
      : (result.diagnostics[0]?.message ?? "did not compile");
  rows.push({ id: c.id, compiled: result.ok, shape, ms });
}

console.log(`\n${"case".padEnd(26)}${"compiled".padEnd(10)}${"time".padEnd(9)}shape`);
for (const r of rows) {
  console.log(
    `${r.id.padEnd(26)}${(r.compiled ? "yes" : "no").padEnd(10)}${`${(r.ms / 1000).toFixed(1)}s`.padEnd(9)}${r.shape}`,
  );
}
const passed = rows.filter((r) => r.compiled && r.shape === "ok").length;
console.log(
  `\npass rate: ${passed}/${rows.length} (${((100 * passed) / Math.max(1, rows.length)).toFixed(0)}%)`,
);
