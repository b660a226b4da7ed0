import type { Metadata } from "next";
import { WorkspaceIndex } from "@/components/shell/workspace-index";

export const metadata: Metadata = { title: "Workspaces" };

export default function WorkspacesPage() {
  return <WorkspaceIndex />;
}
