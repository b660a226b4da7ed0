"use client";

import { createContext, useContext } from "react";
import type { Role, WorkspaceSummary } from "@/lib/graphql";
import { atLeast } from "@/lib/graphql";

export interface WorkspaceInfo extends WorkspaceSummary {
  /** EDITOR and above: may change agents. */
  canEdit: boolean;
  /** ADMIN and above: may manage members, keys, secrets and providers. */
  canAdmin: boolean;
}

export const WorkspaceContext = createContext<WorkspaceInfo | null>(null);

export function useWorkspace(): WorkspaceInfo {
  const ws = useContext(WorkspaceContext);
  if (!ws) throw new Error("useWorkspace outside a workspace");
  return ws;
}

export function workspaceInfo(ws: WorkspaceSummary): WorkspaceInfo {
  const role: Role = ws.myRole;
  return { ...ws, canEdit: atLeast(role, "EDITOR"), canAdmin: atLeast(role, "ADMIN") };
}
