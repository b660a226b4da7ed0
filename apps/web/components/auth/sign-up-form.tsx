"use client";

import Link from "next/link";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Field } from "@/components/ui/field";
import { describeError, fieldErrors, toGatewayError, type GatewayErrorInfo } from "@/lib/gateway-error";
import { env } from "@/lib/env";
import { OAuthButtons } from "./oauth-buttons";

const MIN_PASSWORD = 10;

type Fields = { name?: string; email?: string; password?: string };

const SIGN_UP = `mutation SignUp($email: String!, $password: String!, $name: String) {
  signUp(email: $email, password: $password, name: $name) { token user { id } }
}`;

export function SignUpForm({ providers }: { providers: { id: string; name: string }[] }) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [fields, setFields] = useState<Fields>({});
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const next: Fields = {};
    if (!email.trim()) next.email = "Enter your email address.";
    else if (!/^\S+@\S+\.\S+$/.test(email.trim())) next.email = "Enter a valid email address.";
    if (password.length < MIN_PASSWORD) next.password = `Use at least ${MIN_PASSWORD} characters.`;
    if (name.length > 200) next.name = "Use at most 200 characters.";
    setFields(next);
    if (Object.keys(next).length > 0) return;

    setBusy(true);
    setError(undefined);
    let failure: GatewayErrorInfo | undefined;
    let token: string | undefined;
    try {
      const response = await fetch(env.gatewayUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          query: SIGN_UP,
          variables: { email: email.trim(), password, name: name.trim() || null },
        }),
      });
      const body = (await response.json()) as {
        data?: { signUp: { token: string } } | null;
        errors?: { message: string; extensions?: { code?: unknown; details?: unknown } }[];
      };
      if (body.errors?.[0]) failure = toGatewayError(body.errors[0]);
      token = body.data?.signUp.token;
    } catch {
      failure = { message: "The Weft API is unreachable. Try again.", code: undefined, details: undefined };
    }
    if (failure || !token) {
      setBusy(false);
      const perField = fieldErrors(failure);
      if (Object.keys(perField).length > 0) {
        setFields({ email: perField["email"], password: perField["password"], name: perField["name"] });
      } else if (failure?.code === "CONFLICT") {
        setFields({ email: "An account with this email already exists. Sign in instead." });
      } else {
        setError(describeError(failure));
      }
      return;
    }
    const result = await signIn("credentials", { token, redirect: false });
    if (!result || result.error) {
      setBusy(false);
      setError("Your account was created, but signing in failed. Sign in to continue.");
      return;
    }
    router.replace("/w");
    router.refresh();
  }

  return (
    <>
      <form className="form" noValidate onSubmit={(e) => void onSubmit(e)}>
        <div role="alert" className={error ? "form-error" : undefined}>
          {error}
        </div>
        <Field label="Name" hint="Optional. Shown to your teammates." error={fields.name}>
          {(props) => (
            <input {...props} autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
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
        <Field label="Password" hint={`At least ${MIN_PASSWORD} characters.`} error={fields.password}>
          {(props) => (
            <input
              {...props}
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <button className="button button-primary" type="submit" disabled={busy}>
          {busy ? "Creating account…" : "Create account"}
        </button>
      </form>
      <OAuthButtons providers={providers} callbackUrl="/w" verb="Sign up" />
      <p className="muted">
        Already have an account? <Link href="/signin">Sign in</Link>
      </p>
    </>
  );
}
