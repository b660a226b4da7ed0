"use client";

import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { useWorkspace } from "@/components/shell/workspace-context";
import { Field } from "@/components/ui/field";
import { EmptyState, ErrorState, InlineError, Loading, errorMessage } from "@/components/ui/states";
import { PROVIDERS, SET_PROVIDER, type ProvidersData } from "@/lib/graphql";

export function ProvidersPage() {
  const ws = useWorkspace();
  const [{ data, error }, reexecute] = useQuery<ProvidersData>({
    query: PROVIDERS,
    variables: { id: ws.id },
  });
  const refresh = () => reexecute({ requestPolicy: "network-only" });
  const providers = data?.workspace?.providers ?? [];
  return (
    <div className="page">
      <div className="page-head">
        <h1>Providers</h1>
      </div>
      <p className="muted">
        LLM providers this workspace can call, the secret that holds each key, and rate limits.
      </p>
      {ws.canAdmin && <ProviderForm onSaved={refresh} />}
      {error ? (
        <ErrorState error={error} retry={refresh} />
      ) : !data ? (
        <Loading label="Loading providers…" />
      ) : providers.length === 0 ? (
        <EmptyState title="No providers configured" />
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">Secret</th>
              <th scope="col">Base URL</th>
              <th scope="col">Requests/min</th>
              <th scope="col">Tokens/min</th>
            </tr>
          </thead>
          <tbody>
            {providers.map((p) => (
              <tr key={p.id}>
                <td>{p.provider}</td>
                <td className="mono">{p.secretName}</td>
                <td>{p.baseUrl ?? "default"}</td>
                <td>{p.requestsPerMinute ?? "—"}</td>
                <td>{p.tokensPerMinute ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function ProviderForm({ onSaved }: { onSaved: () => void }) {
  const ws = useWorkspace();
  const [provider, setProvider] = useState("openai");
  const [secretName, setSecretName] = useState("");
  const [baseUrl, setBaseUrl] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [{ fetching }, save] = useMutation(SET_PROVIDER);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const result = await save(
      {
        workspaceId: ws.id,
        provider: provider.trim(),
        secretName: secretName.trim(),
        baseUrl: baseUrl.trim() || null,
      },
      { additionalTypenames: ["Provider"] },
    );
    if (result.error) setError(errorMessage(result.error));
    else {
      setError(undefined);
      onSaved();
    }
  }

  return (
    <form
      className="form form-inline card"
      onSubmit={(e) => void onSubmit(e)}
      aria-label="Configure a provider"
    >
      <Field label="Provider">
        {(props) => (
          <input {...props} value={provider} onChange={(e) => setProvider(e.target.value)} required />
        )}
      </Field>
      <Field label="Secret name">
        {(props) => (
          <input
            {...props}
            className="mono"
            value={secretName}
            onChange={(e) => setSecretName(e.target.value.toUpperCase())}
            placeholder="OPENAI_API_KEY"
            required
          />
        )}
      </Field>
      <Field label="Base URL (optional)">
        {(props) => (
          <input {...props} type="url" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} />
        )}
      </Field>
      <button type="submit" className="button button-primary" disabled={fetching}>
        Save provider
      </button>
      <InlineError message={error} />
    </form>
  );
}
