import type { Metadata } from "next";
import { ComingSoon } from "@/components/coming-soon";

export const metadata: Metadata = { title: "Create account" };

export default function SignUpPage() {
  return <ComingSoon title="Create account" />;
}
