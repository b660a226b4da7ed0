/** AgentSpec: the markdown form of an agent. Reference: docs/agentspec.md. */
export { compileSpec } from "./compile.ts";
export { printSpec } from "./print.ts";
export type {
  CompileSpecResult,
  SpecDiagnostic,
  SpecMeta,
  GenerateSpecInput,
  GenerateSpecResult,
} from "./types.ts";
