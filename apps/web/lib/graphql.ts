/**
 * Operations the studio sends to the gateway, named as in /shared/design/API.md, with
 * hand-written result types (the contract is small and stable; no codegen step).
 */
import { gql } from "urql";

export type Role = "OWNER" | "ADMIN" | "EDITOR" | "VIEWER";
export const ROLES: readonly Role[] = ["OWNER", "ADMIN", "EDITOR", "VIEWER"];
const RANK: Record<Role, number> = { VIEWER: 0, EDITOR: 1, ADMIN: 2, OWNER: 3 };
export function atLeast(role: Role | undefined, needed: Role): boolean {
  return role !== undefined && RANK[role] >= RANK[needed];
}

export interface UserRef {
  id: string;
  email: string;
  name: string | null;
}

export interface WorkspaceSummary {
  id: string;
  name: string;
  slug: string;
  myRole: Role;
}

export const WORKSPACES = gql`
  query Workspaces {
    workspaces {
      id
      name
      slug
      myRole
    }
  }
`;
export type WorkspacesData = { workspaces: WorkspaceSummary[] };

export const CREATE_WORKSPACE = gql`
  mutation CreateWorkspace($name: String!) {
    createWorkspace(name: $name) {
      id
      name
      slug
      myRole
    }
  }
`;

export interface Member {
  user: UserRef;
  role: Role;
  pending: boolean;
}
export const MEMBERS = gql`
  query Members($id: ID!) {
    workspace(id: $id) {
      id
      myRole
      members {
        role
        pending
        user {
          id
          email
          name
        }
      }
    }
  }
`;
export type MembersData = { workspace: { id: string; myRole: Role; members: Member[] } | null };

export const INVITE_MEMBER = gql`
  mutation InviteMember($workspaceId: ID!, $email: String!, $role: Role!) {
    inviteMember(workspaceId: $workspaceId, email: $email, role: $role) {
      role
      pending
      user {
        id
        email
        name
      }
    }
  }
`;
export const SET_MEMBER_ROLE = gql`
  mutation SetMemberRole($workspaceId: ID!, $userId: ID!, $role: Role!) {
    setMemberRole(workspaceId: $workspaceId, userId: $userId, role: $role) {
      role
      pending
      user {
        id
        email
        name
      }
    }
  }
`;

export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** The member the key acts for (it is revoked when they leave). */
  createdBy: { id: string; email: string; name: string | null } | null;
}
export const CREATE_API_KEY = gql`
  mutation CreateApiKey($workspaceId: ID!, $name: String!, $role: Role!) {
    createApiKey(workspaceId: $workspaceId, name: $name, role: $role) {
      token
      apiKey {
        id
        name
        role
        prefix
        createdAt
        lastUsedAt
        createdBy {
          id
          email
          name
        }
      }
    }
  }
`;
export type CreateApiKeyData = { createApiKey: { token: string; apiKey: ApiKey } };

export interface Secret {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}
export const SECRETS = gql`
  query Secrets($id: ID!) {
    workspace(id: $id) {
      id
      secrets {
        id
        name
        createdAt
        updatedAt
      }
    }
  }
`;
export type SecretsData = { workspace: { id: string; secrets: Secret[] } | null };
export const SET_SECRET = gql`
  mutation SetSecret($workspaceId: ID!, $name: String!, $value: String!) {
    setSecret(workspaceId: $workspaceId, name: $name, value: $value) {
      id
      name
      createdAt
      updatedAt
    }
  }
`;
export const DELETE_SECRET = gql`
  mutation DeleteSecret($id: ID!) {
    deleteSecret(id: $id)
  }
`;

export interface Provider {
  id: string;
  provider: string;
  secretName: string;
  baseUrl: string | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
}
export const PROVIDERS = gql`
  query Providers($id: ID!) {
    workspace(id: $id) {
      id
      providers {
        id
        provider
        secretName
        baseUrl
        requestsPerMinute
        tokensPerMinute
      }
    }
  }
`;
export type ProvidersData = { workspace: { id: string; providers: Provider[] } | null };
export const SET_PROVIDER = gql`
  mutation SetProvider(
    $workspaceId: ID!
    $provider: String!
    $secretName: String!
    $baseUrl: String
    $requestsPerMinute: Int
    $tokensPerMinute: Int
  ) {
    setProvider(
      workspaceId: $workspaceId
      provider: $provider
      secretName: $secretName
      baseUrl: $baseUrl
      requestsPerMinute: $requestsPerMinute
      tokensPerMinute: $tokensPerMinute
    ) {
      id
      provider
      secretName
      baseUrl
      requestsPerMinute
      tokensPerMinute
    }
  }
`;

export interface AuditEvent {
  id: string;
  action: string;
  actor: UserRef | null;
  targetType: string;
  targetId: string | null;
  at: string;
  data: unknown;
}
export const AUDIT_EVENTS = gql`
  query AuditEvents($workspaceId: ID!, $first: Int, $after: String) {
    auditEvents(workspaceId: $workspaceId, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          action
          targetType
          targetId
          at
          data
          actor {
            id
            email
            name
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;
export type AuditEventsData = {
  auditEvents: {
    edges: { cursor: string; node: AuditEvent }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
};

export const USAGE = gql`
  query Usage($workspaceId: ID!) {
    usage(workspaceId: $workspaceId) {
      runs
      succeeded
      failed
      tokensIn
      tokensOut
      costUsd
      byDay
    }
  }
`;
export type UsageData = {
  usage: {
    runs: number;
    succeeded: number;
    failed: number;
    tokensIn: number;
    tokensOut: number;
    costUsd: number;
    byDay: unknown;
  };
};

export type RunStatus = "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
export const RUN_STATUSES: readonly RunStatus[] = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"];
export interface RunSummary {
  id: string;
  status: RunStatus;
  trigger: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  tokens: number;
  costUsd: number;
  error: string | null;
  agent: { id: string; name: string };
  version: { id: string; number: number };
}
export interface AgentSummary {
  id: string;
  name: string;
  description: string | null;
  draftRevision: number;
  liveVersion: { id: string; number: number; createdAt: string } | null;
  versions: { id: string; number: number; createdAt: string }[];
}
export const AGENTS = gql`
  query Agents($workspaceId: ID!) {
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
    }
  }
`;
export type AgentsData = { agents: AgentSummary[] };

export const CREATE_AGENT = gql`
  mutation CreateAgent($workspaceId: ID!, $name: String!, $graph: JSON) {
    createAgent(workspaceId: $workspaceId, name: $name, graph: $graph) {
      id
      name
    }
  }
`;

export interface AgentVersion {
  id: string;
  number: number;
  note: string | null;
  createdAt: string;
  createdBy: UserRef | null;
  graph: unknown;
}
export interface AgentDetail {
  id: string;
  name: string;
  description: string | null;
  draftGraph: unknown;
  draftSpec: string;
  draftRevision: number;
  liveVersion: { id: string; number: number } | null;
}
export const AGENT = gql`
  query Agent($id: ID!) {
    agent(id: $id) {
      id
      name
      description
      draftGraph
      draftSpec
      draftRevision
      liveVersion {
        id
        number
      }
    }
  }
`;
export type AgentData = { agent: AgentDetail | null };

export const AGENT_VERSIONS = gql`
  query AgentVersions($id: ID!) {
    agent(id: $id) {
      id
      liveVersion {
        id
        number
      }
      versions {
        id
        number
        note
        createdAt
        graph
        createdBy {
          id
          email
          name
        }
      }
    }
  }
`;
export type AgentVersionsData = {
  agent: { id: string; liveVersion: { id: string; number: number } | null; versions: AgentVersion[] } | null;
};

export const UPDATE_DRAFT = gql`
  mutation UpdateDraft($agentId: ID!, $graph: JSON, $spec: String, $expectedRevision: Int) {
    updateDraft(agentId: $agentId, graph: $graph, spec: $spec, expectedRevision: $expectedRevision) {
      id
      draftRevision
    }
  }
`;
export type UpdateDraftData = { updateDraft: { id: string; draftRevision: number } };

export const PUBLISH_AGENT = gql`
  mutation PublishAgent($agentId: ID!, $note: String) {
    publishAgent(agentId: $agentId, note: $note) {
      id
      number
      note
      createdAt
    }
  }
`;
export const SET_LIVE_VERSION = gql`
  mutation SetLiveVersion($agentId: ID!, $versionId: ID!) {
    setLiveVersion(agentId: $agentId, versionId: $versionId) {
      id
      liveVersion {
        id
        number
      }
    }
  }
`;

export interface NodeTypeInfo {
  type: string;
  category: string;
  title: string;
  description: string;
  configSchema: Record<string, unknown>;
  sideEffects: boolean;
  defaultRetry: unknown;
  defaultTimeoutMs: number | null;
}
export const NODE_TYPES = gql`
  query NodeTypes {
    nodeTypes {
      type
      category
      title
      description
      configSchema
      sideEffects
      defaultRetry
      defaultTimeoutMs
    }
  }
`;
export type NodeTypesData = { nodeTypes: NodeTypeInfo[] };

export const AGENT_LIVE_INPUTS = gql`
  query AgentLiveInputs($id: ID!) {
    agent(id: $id) {
      id
      liveVersion {
        id
        number
        graph
      }
    }
  }
`;
export type AgentLiveInputsData = {
  agent: { id: string; liveVersion: { id: string; number: number; graph: unknown } | null } | null;
};

export const START_RUN = gql`
  mutation StartRun($agentId: ID!, $input: JSON) {
    startRun(agentId: $agentId, input: $input) {
      id
      status
    }
  }
`;
export type StartRunData = { startRun: { id: string; status: RunStatus } };

export type NodeRunStatus = "PENDING" | "RUNNING" | "SUCCEEDED" | "FAILED" | "SKIPPED" | "CANCELLED";
export interface NodeRunDetail {
  id: string;
  nodeId: string;
  status: NodeRunStatus;
  attempt: number;
  input: unknown;
  output: unknown;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  logs: string[];
}
export interface RunDetail {
  id: string;
  status: RunStatus;
  trigger: string;
  input: unknown;
  output: unknown;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  tokens: number;
  costUsd: number;
  agent: { id: string; name: string };
  version: { id: string; number: number; graph: unknown };
  nodeRuns: NodeRunDetail[];
}
export const RUN = gql`
  query Run($id: ID!) {
    run(id: $id) {
      id
      status
      trigger
      input
      output
      error
      startedAt
      finishedAt
      tokens
      costUsd
      agent {
        id
        name
      }
      version {
        id
        number
        graph
      }
      nodeRuns {
        id
        nodeId
        status
        attempt
        input
        output
        error
        startedAt
        finishedAt
        tokensIn
        tokensOut
        costUsd
        logs
      }
    }
  }
`;
export type RunData = { run: RunDetail | null };

/** The run event stream is RUN_EVENT_STREAM in ./graphql/runs.ts (with each event's data). */
export const CANCEL_RUN = gql`
  mutation CancelRun($runId: ID!) {
    cancelRun(runId: $runId) {
      id
      status
    }
  }
`;
export const RETRY_RUN = gql`
  mutation RetryRun($runId: ID!) {
    retryRun(runId: $runId) {
      id
      status
    }
  }
`;
