import type { ReactNode } from "react";
import { WorkspaceShell } from "@/components/shell/workspace-shell";

export default async function WorkspaceLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ ws: string }>;
}) {
  const { ws } = await params;
  return <WorkspaceShell workspaceId={ws}>{children}</WorkspaceShell>;
}
