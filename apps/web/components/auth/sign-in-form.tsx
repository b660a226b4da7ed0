"use client";

import Link from "next/link";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Field } from "@/components/ui/field";
import { OAuthButtons } from "./oauth-buttons";

const MESSAGES: Record<string, string> = {
  CredentialsSignin: "That email and password do not match an account.",
  SessionExpired: "Your session ended. Sign in again.",
  OAuthUnavailable: "Signing in with that provider is not available. Use your email and password.",
  OAuthEmail:
    "That account has no verified email address. Verify one with the provider, or use your email and password.",
  OAuthFailed: "Signing in with that provider failed. Try again, or use your email and password.",
  OAuthSignin: "Could not start signing in with that provider. Try again.",
  OAuthCallback: "The provider's answer could not be checked. Try again.",
  Callback: "Signing in with that provider failed. Try again.",
  AccessDenied: "Signing in was cancelled.",
};

export function SignInForm({
  initialError,
  callbackUrl,
  providers,
}: {
  initialError: string | undefined;
  callbackUrl: string;
  providers: { id: string; name: string }[];
}) {
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [fields, setFields] = useState<{ email?: string; password?: string }>({});
  const [error, setError] = useState<string | undefined>(
    initialError ? (MESSAGES[initialError] ?? "Sign-in failed. Try again.") : undefined,
  );
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const next: typeof fields = {};
    if (!email.trim()) next.email = "Enter your email address.";
    else if (!/^\S+@\S+\.\S+$/.test(email.trim())) next.email = "Enter a valid email address.";
    if (!password) next.password = "Enter your password.";
    setFields(next);
    if (next.email || next.password) return;
    setBusy(true);
    setError(undefined);
    const result = await signIn("credentials", { email: email.trim(), password, redirect: false });
    if (!result || result.error) {
      setBusy(false);
      setError(MESSAGES[result?.error ?? ""] ?? result?.error ?? "Sign-in failed. Try again.");
      return;
    }
    router.replace(callbackUrl);
    router.refresh();
  }

  return (
    <>
      <form className="form" noValidate onSubmit={(e) => void onSubmit(e)} aria-describedby="signin-error">
        <div id="signin-error" role="alert" className={error ? "form-error" : undefined}>
          {error}
        </div>
        <Field label="Email" error={fields.email}>
          {(props) => (
            <input
              {...props}
              type="email"
              autoComplete="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <Field label="Password" error={fields.password}>
          {(props) => (
            <input
              {...props}
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <button className="button button-primary" type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <OAuthButtons providers={providers} callbackUrl={callbackUrl} verb="Sign in" />
      <p className="muted">
        New to Weft? <Link href="/signup">Create an account</Link>
      </p>
    </>
  );
}
