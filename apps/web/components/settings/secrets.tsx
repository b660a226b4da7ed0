"use client";

import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { useWorkspace } from "@/components/shell/workspace-context";
import { Field } from "@/components/ui/field";
import { formatDateTime } from "@/components/ui/format";
import { EmptyState, ErrorState, InlineError, Loading, errorMessage } from "@/components/ui/states";
import { fieldErrors, toGatewayError } from "@/lib/gateway-error";
import { DELETE_SECRET, SECRETS, SET_SECRET, type Secret, type SecretsData } from "@/lib/graphql";

const NAME = /^[A-Z][A-Z0-9_]*$/;

export function SecretsPage() {
  const ws = useWorkspace();
  const [{ data, error }, reexecute] = useQuery<SecretsData>({ query: SECRETS, variables: { id: ws.id } });
  const [, remove] = useMutation(DELETE_SECRET);
  const [rowError, setRowError] = useState<string | undefined>();
  const refresh = () => reexecute({ requestPolicy: "network-only" });
  const secrets = data?.workspace?.secrets ?? [];

  async function onDelete(secret: Secret) {
    if (
      !window.confirm(`Delete the secret ${secret.name}? Agents that use it will fail until it is set again.`)
    )
      return;
    const result = await remove({ id: secret.id }, { additionalTypenames: ["Secret"] });
    setRowError(result.error ? errorMessage(result.error) : undefined);
    refresh();
  }

  return (
    <div className="page">
      <div className="page-head">
        <h1>Secrets</h1>
      </div>
      <p className="muted">
        Values are encrypted and write-only: nobody can read them back, and agents see them only inside a
        running step as <code>{"{{secrets.NAME}}"}</code>.
      </p>
      {ws.canAdmin && <SetSecretForm onSaved={refresh} />}
      <InlineError message={rowError} />
      {error ? (
        <ErrorState error={error} retry={refresh} />
      ) : !data ? (
        <Loading label="Loading secrets…" />
      ) : secrets.length === 0 ? (
        <EmptyState title="No secrets yet" />
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Value</th>
              <th scope="col">Updated</th>
              {ws.canAdmin && (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {secrets.map((s) => (
              <tr key={s.id}>
                <td className="mono">{s.name}</td>
                <td className="muted">•••••• (write-only)</td>
                <td>{formatDateTime(s.updatedAt)}</td>
                {ws.canAdmin && (
                  <td>
                    <button
                      type="button"
                      className="button button-danger button-small"
                      onClick={() => void onDelete(s)}
                      aria-label={`Delete ${s.name}`}
                    >
                      Delete
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function SetSecretForm({ onSaved }: { onSaved: () => void }) {
  const ws = useWorkspace();
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const [fields, setFields] = useState<{ name?: string; value?: string }>({});
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const [{ fetching }, set] = useMutation(SET_SECRET);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setDone(undefined);
    const next: typeof fields = {};
    if (!NAME.test(name)) next.name = "Use upper-case letters, digits and _ (e.g. OPENAI_API_KEY).";
    if (!value) next.value = "Enter the value.";
    setFields(next);
    if (next.name || next.value) return;
    const result = await set({ workspaceId: ws.id, name, value }, { additionalTypenames: ["Secret"] });
    if (result.error) {
      const first = result.error.graphQLErrors[0];
      const perField = first ? fieldErrors(toGatewayError(first)) : {};
      if (perField["name"] || perField["value"])
        setFields({ name: perField["name"], value: perField["value"] });
      else setError(errorMessage(result.error));
      return;
    }
    setError(undefined);
    setDone(`Saved ${name}.`);
    setName("");
    setValue("");
    onSaved();
  }

  return (
    <form
      className="form form-inline card"
      noValidate
      onSubmit={(e) => void onSubmit(e)}
      aria-label="Set a secret"
    >
      <Field label="Name" error={fields.name}>
        {(props) => (
          <input
            {...props}
            className="mono"
            value={name}
            onChange={(e) => setName(e.target.value.toUpperCase())}
            placeholder="OPENAI_API_KEY"
          />
        )}
      </Field>
      <Field label="Value" error={fields.value}>
        {(props) => (
          <input
            {...props}
            type="password"
            autoComplete="off"
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
        )}
      </Field>
      <button type="submit" className="button button-primary" disabled={fetching}>
        {fetching ? "Saving…" : "Save secret"}
      </button>
      <InlineError message={error} />
      {done && (
        <p role="status" className="form-ok">
          {done}
        </p>
      )}
    </form>
  );
}
