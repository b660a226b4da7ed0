/** English → AgentSpec (generateSpec), as in API.md. */
import { gql } from "urql";

export interface SpecDiagnosticInfo {
  severity: string;
  message: string;
  line: number | null;
  column: number | null;
  nodeId: string | null;
}

export interface SpecResultData {
  ok: boolean;
  /** Canonical when ok; the model's last attempt otherwise. */
  spec: string | null;
  graph: unknown;
  diagnostics: SpecDiagnosticInfo[];
}

export const GENERATE_SPEC = gql`
  mutation GenerateSpec($workspaceId: ID!, $prompt: String!, $currentSpec: String) {
    generateSpec(workspaceId: $workspaceId, prompt: $prompt, currentSpec: $currentSpec) {
      ok
      spec
      graph
      diagnostics {
        severity
        message
        line
        column
        nodeId
      }
    }
  }
`;
export type GenerateSpecData = { generateSpec: SpecResultData };
