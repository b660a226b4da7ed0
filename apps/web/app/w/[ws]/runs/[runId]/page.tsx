import type { Metadata } from "next";
import { RunView } from "@/components/runs/run-view";

export const metadata: Metadata = { title: "Run" };

export default async function RunPage({ params }: { params: Promise<{ runId: string }> }) {
  const { runId } = await params;
  // Keyed: another run (e.g. after a retry) starts with a fresh live state.
  return <RunView key={runId} runId={runId} />;
}
