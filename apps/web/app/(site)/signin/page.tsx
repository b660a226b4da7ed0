import type { Metadata } from "next";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { authOptions, oauthProviders } from "@/lib/auth";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ error?: string; callbackUrl?: string }>;
}) {
  const session = await getServerSession(authOptions);
  if (session?.gatewayToken && !session.error) redirect("/w");
  const { error, callbackUrl } = await searchParams;
  return (
    <section className="auth-card" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in</h1>
      <SignInForm initialError={error} callbackUrl={safeCallback(callbackUrl)} providers={oauthProviders} />
    </section>
  );
}

/** Only same-site paths, so the link cannot bounce people to another origin. */
function safeCallback(value: string | undefined): string {
  return value && value.startsWith("/") && !value.startsWith("//") ? value : "/w";
}
