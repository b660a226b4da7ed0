"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";

/** GitHub/Google buttons; the server passes only providers it can complete (lib/oauth.ts). */
export function OAuthButtons({
  providers,
  callbackUrl,
  verb,
}: {
  providers: { id: string; name: string }[];
  callbackUrl: string;
  verb: "Sign in" | "Sign up";
}) {
  const [pending, setPending] = useState<string | null>(null);
  if (providers.length === 0) return null;
  return (
    <div className="oauth" role="group" aria-label={`${verb} with another account`}>
      <p className="muted">Or continue with</p>
      {providers.map((p) => (
        <button
          key={p.id}
          type="button"
          className="button button-secondary"
          disabled={pending !== null}
          onClick={() => {
            setPending(p.id);
            void signIn(p.id, { callbackUrl });
          }}
        >
          {pending === p.id ? `Opening ${p.name}…` : `${verb} with ${p.name}`}
        </button>
      ))}
    </div>
  );
}
