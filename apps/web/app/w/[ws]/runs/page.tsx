import type { Metadata } from "next";
import { RunsPage } from "@/components/settings/runs";

export const metadata: Metadata = { title: "Runs" };

export default function Page() {
  return <RunsPage />;
}
