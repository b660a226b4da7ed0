"use client";

import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { Field } from "@/components/ui/field";
import { errorMessage } from "@/components/ui/states";
import { CREATE_WORKSPACE, type WorkspaceSummary } from "@/lib/graphql";
import { fieldErrors, toGatewayError } from "@/lib/gateway-error";

export function CreateWorkspaceForm({ onCreated }: { onCreated: (ws: WorkspaceSummary) => void }) {
  const [name, setName] = useState("");
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [{ fetching }, create] = useMutation<{ createWorkspace: WorkspaceSummary }>(CREATE_WORKSPACE);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) {
      setFieldError("Give the workspace a name.");
      return;
    }
    setFieldError(undefined);
    setError(undefined);
    const result = await create({ name: name.trim() }, { additionalTypenames: ["Workspace"] });
    if (result.data) {
      onCreated(result.data.createWorkspace);
      return;
    }
    const first = result.error?.graphQLErrors[0];
    const perField = first ? fieldErrors(toGatewayError(first)) : {};
    if (perField["name"]) setFieldError(perField["name"]);
    else setError(errorMessage(result.error));
  }

  return (
    <form className="form" noValidate onSubmit={(e) => void onSubmit(e)}>
      <Field label="Workspace name" error={fieldError}>
        {(props) => (
          <input
            {...props}
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="Acme support"
          />
        )}
      </Field>
      <p role="alert" className={error ? "form-error" : "visually-hidden"}>
        {error}
      </p>
      <button className="button button-primary" type="submit" disabled={fetching}>
        {fetching ? "Creating…" : "Create workspace"}
      </button>
    </form>
  );
}
