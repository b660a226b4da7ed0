/**
 * Ready-made LLM patterns as Graph v1 documents, for the studio's "new from template" and for
 * docs. Each uses only the catalogue's node types and the workspace's default model, so it runs
 * as soon as a provider is configured:
 *
 * - critic: scores a draft against criteria and lists concrete issues (structured output);
 * - improver: critic, then a rewrite that only runs when the critic asks for a revision;
 * - selector: picks the best of several candidates and says why;
 * - synthesizer: three independent perspectives in parallel, merged into one answer.
 */
const CRITIQUE_SCHEMA = {
  type: "object",
  properties: {
    score: { type: "integer", minimum: 1, maximum: 10 },
    issues: { type: "array", items: { type: "string" } },
    verdict: { type: "string", enum: ["accept", "revise"] },
  },
  required: ["score", "issues", "verdict"],
};

const critique = {
  id: "critique",
  type: "llm.structured",
  config: {
    system: "You are a demanding editor. Judge only against the criteria given.",
    prompt:
      "Criteria: {{input.criteria}}\n\nDraft:\n{{input.draft}}\n\n" +
      "Score the draft from 1 to 10, list concrete issues, and answer revise unless it is ready.",
    jsonSchema: CRITIQUE_SCHEMA,
  },
  position: { x: 0, y: 0 },
};

const draftInputs = {
  draft: { type: "string" },
  criteria: { type: "string", default: "clear, correct, concise" },
};

export const LLM_PATTERNS = {
  critic: {
    version: 1,
    inputs: draftInputs,
    nodes: [critique],
    edges: [],
  },
  improver: {
    version: 1,
    inputs: draftInputs,
    nodes: [
      critique,
      {
        id: "improve",
        type: "llm.generate",
        config: {
          system: "You revise drafts. Keep what works; fix exactly the issues listed.",
          prompt:
            "Draft:\n{{input.draft}}\n\nIssues to fix:\n{{nodes.critique.output.data.issues}}\n\nReturn only the revised draft.",
          temperature: 0.4,
        },
        position: { x: 300, y: 0 },
      },
    ],
    edges: [{ from: "critique", to: "improve", condition: 'nodes.critique.output.data.verdict = "revise"' }],
  },
  selector: {
    version: 1,
    inputs: { candidates: { type: "array" }, goal: { type: "string" } },
    nodes: [
      {
        id: "select",
        type: "llm.structured",
        config: {
          system: "You compare options fairly and pick one.",
          prompt:
            "Goal: {{input.goal}}\n\nCandidates (0-based):\n{{input.candidates}}\n\nPick the best candidate for the goal.",
          jsonSchema: {
            type: "object",
            properties: { best: { type: "integer", minimum: 0 }, reason: { type: "string" } },
            required: ["best", "reason"],
          },
        },
        position: { x: 0, y: 0 },
      },
    ],
    edges: [],
  },
  synthesizer: {
    version: 1,
    inputs: { question: { type: "string" } },
    nodes: [
      ...(["an optimist", "a sceptic", "a domain expert"] as const).map((who, i) => ({
        id: `view${i + 1}`,
        type: "llm.generate",
        config: {
          system: `Answer as ${who}, in at most five sentences.`,
          prompt: "{{input.question}}",
          temperature: 0.9,
        },
        position: { x: 0, y: i * 150 },
      })),
      {
        id: "synthesize",
        type: "llm.generate",
        config: {
          system: "You merge several answers into one balanced answer, noting real disagreements.",
          prompt:
            "Question: {{input.question}}\n\nAnswer A:\n{{nodes.view1.output.text}}\n\nAnswer B:\n{{nodes.view2.output.text}}\n\n" +
            "Answer C:\n{{nodes.view3.output.text}}\n\nWrite the combined answer.",
          temperature: 0.3,
        },
        position: { x: 300, y: 150 },
      },
    ],
    edges: [1, 2, 3].map((i) => ({ from: `view${i}`, to: "synthesize" })),
  },
} as const;

export type LlmPattern = keyof typeof LLM_PATTERNS;
