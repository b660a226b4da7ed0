/**
 * Settings-area operations (usage over a period, API key list and revocation, member removal,
 * invitation withdrawal); the older settings operations live in ./graphql.ts.
 */
import { gql } from "urql";
import type { ApiKey } from "./graphql";

export const USAGE_RANGE = gql`
  query UsageRange($workspaceId: ID!, $from: DateTime, $to: DateTime) {
    usage(workspaceId: $workspaceId, from: $from, to: $to) {
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
export interface UsageTotals {
  runs: number;
  succeeded: number;
  failed: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}
export type UsageRangeData = { usage: UsageTotals & { byDay: unknown } };

export const API_KEYS = gql`
  query ApiKeys($id: ID!) {
    workspace(id: $id) {
      id
      apiKeys {
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
export type ApiKeysData = { workspace: { id: string; apiKeys: ApiKey[] } | null };

export const REVOKE_API_KEY = gql`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id)
  }
`;

export const REMOVE_MEMBER = gql`
  mutation RemoveMember($workspaceId: ID!, $userId: ID!) {
    removeMember(workspaceId: $workspaceId, userId: $userId)
  }
`;

export const REVOKE_INVITATION = gql`
  mutation RevokeInvitation($workspaceId: ID!, $id: ID!) {
    revokeInvitation(workspaceId: $workspaceId, id: $id)
  }
`;
