"use client";

import type { ReactNode } from "react";
import type { CombinedError } from "urql";
import { describeError, toGatewayError } from "@/lib/gateway-error";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function errorMessage(error: CombinedError | undefined): string {
  if (!error) return "";
  const first = error.graphQLErrors[0];
  if (first) return describeError(toGatewayError(first));
  if (error.networkError) return "The Weft API is unreachable. Check your connection and try again.";
  return error.message;
}

export function ErrorState({
  error,
  retry,
  title = "Could not load this page",
}: {
  error: CombinedError | string | undefined;
  retry?: () => void;
  title?: string;
}) {
  const message = typeof error === "string" ? error : errorMessage(error);
  return (
    <div className="state state-error" role="alert">
      <strong>{title}</strong>
      <p>{message}</p>
      {retry && (
        <button type="button" className="button button-secondary button-small" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children}
    </div>
  );
}

/** Inline mutation error under a form. */
export function InlineError({ message }: { message: string | undefined }) {
  return (
    <p role="alert" className={message ? "form-error" : "visually-hidden"}>
      {message}
    </p>
  );
}
