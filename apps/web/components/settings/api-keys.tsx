"use client";

import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { useWorkspace } from "@/components/shell/workspace-context";
import { Field } from "@/components/ui/field";
import { EmptyState, InlineError, errorMessage } from "@/components/ui/states";
import { CREATE_API_KEY, ROLES, type ApiKey, type CreateApiKeyData, type Role } from "@/lib/graphql";

export function ApiKeysPage() {
  const ws = useWorkspace();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("EDITOR");
  const [nameError, setNameError] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [created, setCreated] = useState<{ token: string; apiKey: ApiKey } | null>(null);
  const [copied, setCopied] = useState(false);
  const [session, setSession] = useState<ApiKey[]>([]);
  const [{ fetching }, create] = useMutation<CreateApiKeyData>(CREATE_API_KEY);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) {
      setNameError("Name the key after where it is used, e.g. “CI”.");
      return;
    }
    setNameError(undefined);
    setError(undefined);
    const result = await create({ workspaceId: ws.id, name: name.trim(), role });
    if (result.data) {
      setCreated(result.data.createApiKey);
      setSession((s) => [result.data!.createApiKey.apiKey, ...s]);
      setCopied(false);
      setName("");
    } else setError(errorMessage(result.error));
  }

  return (
    <div className="page">
      <div className="page-head">
        <h1>API keys</h1>
      </div>
      <p className="muted">
        Keys let scripts and CI call the Weft API as this workspace. The token is shown once, right after you
        create it; Weft stores only a hash.
      </p>
      {!ws.canAdmin ? (
        <EmptyState title="Only admins can create API keys" />
      ) : (
        <form
          className="form form-inline card"
          noValidate
          onSubmit={(e) => void onSubmit(e)}
          aria-label="Create an API key"
        >
          <Field label="Key name" error={nameError}>
            {(props) => (
              <input {...props} value={name} onChange={(e) => setName(e.target.value)} placeholder="CI" />
            )}
          </Field>
          <Field label="Role">
            {(props) => (
              <select {...props} value={role} onChange={(e) => setRole(e.target.value as Role)}>
                {ROLES.filter((r) => r !== "OWNER").map((r) => (
                  <option key={r} value={r}>
                    {r.toLowerCase()}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit" className="button button-primary" disabled={fetching}>
            {fetching ? "Creating…" : "Create key"}
          </button>
          <InlineError message={error} />
        </form>
      )}
      {created && (
        <div className="banner banner-success token-banner" role="status">
          <div>
            <strong>Copy the token for “{created.apiKey.name}” now.</strong> It will not be shown again.
          </div>
          <div className="token-row">
            <code className="token" data-testid="api-key-token">
              {created.token}
            </code>
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() => {
                void navigator.clipboard.writeText(created.token).then(
                  () => setCopied(true),
                  () => setCopied(false),
                );
              }}
            >
              {copied ? "Copied" : "Copy"}
            </button>
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() => setCreated(null)}
            >
              Done
            </button>
          </div>
        </div>
      )}
      <h2 className="section-title">Created in this session</h2>
      {session.length === 0 ? (
        <p className="muted small">
          None yet. (The API has no operation to list existing keys yet, so only keys created here are shown.)
        </p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Prefix</th>
            </tr>
          </thead>
          <tbody>
            {session.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td>{k.role.toLowerCase()}</td>
                <td className="mono">{k.prefix}…</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
