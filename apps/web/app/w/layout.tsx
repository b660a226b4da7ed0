import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { authOptions } from "@/lib/auth";

export const dynamic = "force-dynamic";

export default async function StudioLayout({ children }: { children: ReactNode }) {
  const session = await getServerSession(authOptions);
  if (!session?.gatewayToken || session.error) redirect("/signin");
  return children;
}
