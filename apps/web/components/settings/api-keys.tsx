"use client";

import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { useWorkspace } from "@/components/shell/workspace-context";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { formatDateTime, formatRelative } from "@/components/ui/format";
import { EmptyState, ErrorState, InlineError, Loading, errorMessage } from "@/components/ui/states";
import { fieldErrors, toGatewayError } from "@/lib/gateway-error";
import { CREATE_API_KEY, ROLES, atLeast, type ApiKey, type CreateApiKeyData, type Role } from "@/lib/graphql";
import { API_KEYS, REVOKE_API_KEY, type ApiKeysData } from "@/lib/graphql-settings";

export function ApiKeysPage() {
  const ws = useWorkspace();
  return (
    <div className="page">
      <div className="page-head">
        <h1>API keys</h1>
      </div>
      <p className="muted">
        Keys let scripts and CI call the Weft API as this workspace, with the key&apos;s role. The token is
        shown once, right after you create it; Weft stores only a hash. A key never holds more than the member
        who created it: removing that member revokes their keys, lowering their role lowers them.
      </p>
      {ws.canAdmin ? (
        <ManageKeys />
      ) : (
        <EmptyState title="Only admins can create API keys">
          <p className="muted">
            Admins and owners also see and revoke the workspace&apos;s keys. Ask one of them for a key.
          </p>
        </EmptyState>
      )}
    </div>
  );
}

function ManageKeys() {
  const ws = useWorkspace();
  const [{ data, error }, reexecute] = useQuery<ApiKeysData>({ query: API_KEYS, variables: { id: ws.id } });
  const [created, setCreated] = useState<{ token: string; apiKey: ApiKey } | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [revoked, setRevoked] = useState<string | undefined>();
  const refresh = () => reexecute({ requestPolicy: "network-only" });
  const keys = data?.workspace?.apiKeys ?? [];

  return (
    <>
      <CreateKeyForm
        onCreated={(result) => {
          setCreated(result);
          setRevoked(undefined);
          refresh();
        }}
      />
      {created && <TokenBanner created={created} onDone={() => setCreated(null)} />}
      {revoked && (
        <p role="status" className="form-ok">
          {revoked}
        </p>
      )}
      <h2 className="section-title" id="api-keys-title">
        Active keys
      </h2>
      {error ? (
        <ErrorState error={error} retry={refresh} title="Could not load the API keys" />
      ) : !data ? (
        <Loading label="Loading API keys…" />
      ) : keys.length === 0 ? (
        <EmptyState title="No API keys yet">
          <p className="muted">Create one above for each script or CI system that calls the API.</p>
        </EmptyState>
      ) : (
        <div className="table-scroll">
          <table className="table keys-table" aria-labelledby="api-keys-title">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Prefix</th>
                <th scope="col">Created</th>
                <th scope="col">Created by</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id} data-key-id={k.id}>
                  <th scope="row">{k.name}</th>
                  <td>
                    <span className="badge">{k.role.toLowerCase()}</span>
                  </td>
                  <td className="mono">weft_{k.prefix}_…</td>
                  <td>
                    <time dateTime={k.createdAt}>{formatDateTime(k.createdAt)}</time>
                  </td>
                  <td>
                    {k.createdBy ? (
                      <span title={k.createdBy.email}>{k.createdBy.name ?? k.createdBy.email}</span>
                    ) : (
                      <span className="muted">A deleted account</span>
                    )}
                  </td>
                  <td>
                    {k.lastUsedAt ? (
                      <time dateTime={k.lastUsedAt} title={formatDateTime(k.lastUsedAt)}>
                        {formatRelative(k.lastUsedAt)}
                      </time>
                    ) : (
                      <span className="muted">Never</span>
                    )}
                  </td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="button button-danger button-small"
                      aria-label={`Revoke ${k.name}`}
                      onClick={() => setRevoking(k)}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <RevokeDialog
        apiKey={revoking}
        onClose={() => setRevoking(null)}
        onRevoked={(key) => {
          setRevoking(null);
          if (created?.apiKey.id === key.id) setCreated(null);
          setRevoked(`Revoked “${key.name}”. Calls with it now fail.`);
          refresh();
        }}
      />
    </>
  );
}

function CreateKeyForm({ onCreated }: { onCreated: (created: { token: string; apiKey: ApiKey }) => void }) {
  const ws = useWorkspace();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("EDITOR");
  const [nameError, setNameError] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [{ fetching }, create] = useMutation<CreateApiKeyData>(CREATE_API_KEY);
  // A key never gets more power than its creator (the API refuses it too).
  const grantable = ROLES.filter((r) => atLeast(ws.myRole, r));

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
      onCreated(result.data.createApiKey);
      setName("");
      return;
    }
    const first = result.error?.graphQLErrors[0];
    const perField = first ? fieldErrors(toGatewayError(first)) : {};
    if (perField["name"]) setNameError(perField["name"]);
    else setError(errorMessage(result.error));
  }

  return (
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
            {grantable.map((r) => (
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
  );
}

function TokenBanner({
  created,
  onDone,
}: {
  created: { token: string; apiKey: ApiKey };
  onDone: () => void;
}) {
  const [copied, setCopied] = useState(false);
  return (
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
        <button type="button" className="button button-secondary button-small" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

function RevokeDialog({
  apiKey,
  onClose,
  onRevoked,
}: {
  apiKey: ApiKey | null;
  onClose: () => void;
  onRevoked: (key: ApiKey) => void;
}) {
  const [{ fetching }, revoke] = useMutation<{ revokeApiKey: boolean }>(REVOKE_API_KEY);
  const [error, setError] = useState<string | undefined>();

  async function confirm() {
    if (!apiKey) return;
    setError(undefined);
    const result = await revoke({ id: apiKey.id });
    if (result.data?.revokeApiKey) onRevoked(apiKey);
    else setError(errorMessage(result.error));
  }

  return (
    <ConfirmDialog
      open={apiKey !== null}
      onClose={() => {
        setError(undefined);
        onClose();
      }}
      title="Revoke API key"
      confirmLabel="Revoke key"
      busyLabel="Revoking…"
      busy={fetching}
      error={error}
      onConfirm={() => void confirm()}
    >
      {apiKey && (
        <p>
          Revoke <strong>{apiKey.name}</strong> (<span className="mono">weft_{apiKey.prefix}_…</span>)?
          Anything that uses it stops working at once. This cannot be undone.
        </p>
      )}
    </ConfirmDialog>
  );
}
