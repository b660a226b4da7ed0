import type { Metadata } from "next";
import { ProvidersPage } from "@/components/settings/providers";

export const metadata: Metadata = { title: "Providers" };

export default function Page() {
  return <ProvidersPage />;
}
