/**
 * Run control, the live run view, the runs list and the agents overview: operations named as in
 * /shared/design/API.md, with hand-written result types (see ../graphql.ts for the shared ones).
 */
import { gql } from "urql";
import type { RunStatus, RunSummary } from "@/lib/graphql";

export const APPROVE_NODE = gql`
  mutation ApproveNode($runId: ID!, $nodeId: ID!, $approved: Boolean!, $comment: String) {
    approveNode(runId: $runId, nodeId: $nodeId, approved: $approved, comment: $comment) {
      id
      nodeId
      status
    }
  }
`;
export type ApproveNodeData = { approveNode: { id: string; nodeId: string; status: string } };

/** The full event, data included (attempt numbers, approval message, streamed output). */
export const RUN_EVENT_STREAM = gql`
  subscription RunEventStream($runId: ID!, $afterSeq: Int) {
    runEvents(runId: $runId, afterSeq: $afterSeq) {
      seq
      runId
      type
      nodeId
      status
      at
      data
    }
  }
`;
export interface RunEventItem {
  seq: number;
  runId: string;
  type: string;
  nodeId: string | null;
  status: string | null;
  at: string;
  data: unknown;
}
export type RunEventStreamData = { runEvents: RunEventItem };

const RUN_SUMMARY_FIELDS = `
  id
  status
  trigger
  createdAt
  startedAt
  finishedAt
  tokens
  costUsd
  error
  agent {
    id
    name
  }
  version {
    id
    number
  }
`;

export const RUNS_PAGE = gql`
  query RunsPage($workspaceId: ID!, $agentId: ID, $status: RunStatus, $first: Int, $after: String) {
    runs(workspaceId: $workspaceId, agentId: $agentId, status: $status, first: $first, after: $after) {
      edges {
        cursor
        node {
          ${RUN_SUMMARY_FIELDS}
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;
export type RunsPageData = {
  runs: {
    edges: { cursor: string; node: RunSummary }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
};

export const WORKSPACE_RUNS = gql`
  subscription WorkspaceRuns($workspaceId: ID!) {
    workspaceRuns(workspaceId: $workspaceId) {
      ${RUN_SUMMARY_FIELDS}
    }
  }
`;
export type WorkspaceRunsData = { workspaceRuns: RunSummary };

export const AGENT_NAMES = gql`
  query AgentNames($workspaceId: ID!) {
    agents(workspaceId: $workspaceId) {
      id
      name
    }
  }
`;
export type AgentNamesData = { agents: { id: string; name: string }[] };

export interface ScheduleSummary {
  id: string;
  cron: string;
  timezone: string;
  enabled: boolean;
  nextFireTimes: string[];
}
export interface AgentOverview {
  id: string;
  name: string;
  description: string | null;
  draftRevision: number;
  liveVersion: { id: string; number: number; createdAt: string } | null;
  versions: { id: string; number: number; createdAt: string }[];
  schedules: ScheduleSummary[];
}
export const AGENTS_OVERVIEW = gql`
  query AgentsOverview($workspaceId: ID!) {
    agents(workspaceId: $workspaceId) {
      id
      name
      description
      draftRevision
      liveVersion {
        id
        number
        createdAt
      }
      versions {
        id
        number
        createdAt
      }
      schedules {
        id
        cron
        timezone
        enabled
        nextFireTimes
      }
    }
  }
`;
export type AgentsOverviewData = { agents: AgentOverview[] };

export interface LastRun {
  id: string;
  status: RunStatus;
  startedAt: string | null;
  finishedAt: string | null;
}

/**
 * The newest run of each agent in one request: one aliased `runs(agentId, first: 1)` field per
 * agent (the API has no per-agent "last run" field, and one query per table row would be N
 * round trips). Agent ids travel as variables, never spliced into the document.
 */
export function lastRunsQuery(agentIds: readonly string[]): string {
  // Still parsed while paused (no agents yet), so it must be a valid document.
  if (agentIds.length === 0) return "query AgentLastRunsNone { __typename }";
  const vars = agentIds.map((_, i) => `$a${i}: ID!`).join(", ");
  const fields = agentIds
    .map(
      (_, i) =>
        `a${i}: runs(workspaceId: $workspaceId, agentId: $a${i}, first: 1) { edges { node { id status startedAt finishedAt } } }`,
    )
    .join("\n    ");
  return `query AgentLastRuns($workspaceId: ID!, ${vars}) {\n    ${fields}\n  }`;
}
export type LastRunsData = Record<string, { edges: { node: LastRun }[] }>;
