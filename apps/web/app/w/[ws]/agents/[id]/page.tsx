import type { Metadata } from "next";
import { AgentEditorPage } from "@/components/editor/agent-editor";

export const metadata: Metadata = { title: "Agent editor" };

export default async function AgentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <AgentEditorPage agentId={id} />;
}
