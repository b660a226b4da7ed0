import type { Metadata } from "next";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { authOptions, oauthProviders } from "@/lib/auth";

export const metadata: Metadata = { title: "Create account" };

export default async function SignUpPage() {
  const session = await getServerSession(authOptions);
  if (session?.gatewayToken && !session.error) redirect("/w");
  return (
    <section className="auth-card" aria-labelledby="signup-title">
      <h1 id="signup-title">Create account</h1>
      <SignUpForm providers={oauthProviders} />
    </section>
  );
}
