"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { Dialog } from "@/components/ui/dialog";
import { ErrorState, Loading, errorMessage } from "@/components/ui/states";
import { normaliseGraph } from "@/lib/editor/draft-store";
import { AGENT_LIVE_INPUTS, START_RUN, type AgentLiveInputsData, type StartRunData } from "@/lib/graphql";

interface InputDef {
  type: "string" | "number" | "boolean" | "object" | "array";
  default?: unknown;
  description?: string;
  required?: boolean;
}

function initialText(def: InputDef): string {
  if (def.default === undefined) return "";
  return def.type === "string" ? String(def.default) : JSON.stringify(def.default);
}

/** Starts a run of the live version with an input form generated from that version's inputs. */
export function RunDialog({
  open,
  onClose,
  agentId,
  workspaceId,
}: {
  open: boolean;
  onClose: () => void;
  agentId: string;
  workspaceId: string;
}) {
  const [{ data, error }, reexecute] = useQuery<AgentLiveInputsData>({
    query: AGENT_LIVE_INPUTS,
    variables: { id: agentId },
    pause: !open,
    requestPolicy: "network-only",
  });
  return (
    <Dialog open={open} onClose={onClose} title="Run the live version">
      {error ? (
        <ErrorState error={error} retry={() => reexecute({ requestPolicy: "network-only" })} />
      ) : !data ? (
        <Loading />
      ) : !data.agent?.liveVersion ? (
        <p className="muted">Publish the agent first: runs always use a published version.</p>
      ) : (
        <RunForm
          key={data.agent.liveVersion.id}
          agentId={agentId}
          workspaceId={workspaceId}
          versionNumber={data.agent.liveVersion.number}
          inputs={normaliseGraph(data.agent.liveVersion.graph).inputs as Record<string, InputDef>}
        />
      )}
    </Dialog>
  );
}

function RunForm({
  agentId,
  workspaceId,
  versionNumber,
  inputs,
}: {
  agentId: string;
  workspaceId: string;
  versionNumber: number;
  inputs: Record<string, InputDef>;
}) {
  const router = useRouter();
  const entries = Object.entries(inputs);
  const [values, setValues] = useState<Record<string, string | boolean>>(() =>
    Object.fromEntries(
      entries.map(([name, def]) => [name, def.type === "boolean" ? def.default === true : initialText(def)]),
    ),
  );
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | undefined>();
  const [{ fetching }, start] = useMutation<StartRunData>(START_RUN);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const input: Record<string, unknown> = {};
    const problems: Record<string, string> = {};
    for (const [name, def] of entries) {
      const raw = values[name];
      if (def.type === "boolean") {
        input[name] = raw === true;
        continue;
      }
      const text = typeof raw === "string" ? raw : "";
      if (text === "") {
        if (def.required && def.default === undefined) problems[name] = "Required.";
        continue;
      }
      if (def.type === "string") input[name] = text;
      else if (def.type === "number") {
        if (Number.isNaN(Number(text))) problems[name] = "Enter a number.";
        else input[name] = Number(text);
      } else {
        try {
          const parsed: unknown = JSON.parse(text);
          const ok = def.type === "array" ? Array.isArray(parsed) : !!parsed && typeof parsed === "object";
          if (ok) input[name] = parsed;
          else problems[name] = `Enter a JSON ${def.type}.`;
        } catch {
          problems[name] = "Not valid JSON.";
        }
      }
    }
    setFieldErrors(problems);
    if (Object.keys(problems).length > 0) return;
    const result = await start({ agentId, input }, { additionalTypenames: ["Run"] });
    if (result.data) router.push(`/w/${workspaceId}/runs/${result.data.startRun.id}`);
    else setError(errorMessage(result.error));
  }

  return (
    <form className="form" noValidate onSubmit={(e) => void onSubmit(e)}>
      <p className="muted small">Runs v{versionNumber}, the live version.</p>
      {entries.length === 0 && <p className="muted">This agent takes no inputs.</p>}
      {entries.map(([name, def]) => {
        const id = `run-input-${name}`;
        const err = fieldErrors[name];
        return def.type === "boolean" ? (
          <div className="field field-check" key={name}>
            <input
              id={id}
              type="checkbox"
              checked={values[name] === true}
              onChange={(e) => setValues((v) => ({ ...v, [name]: e.target.checked }))}
            />
            <label htmlFor={id}>{name}</label>
            {def.description && <p className="field-hint">{def.description}</p>}
          </div>
        ) : (
          <div className={`field${err ? " field-invalid" : ""}`} key={name}>
            <label htmlFor={id}>
              {name} <span className="muted small">({def.type})</span>
            </label>
            {def.type === "object" || def.type === "array" ? (
              <textarea
                id={id}
                className="code-input"
                rows={3}
                value={String(values[name] ?? "")}
                aria-invalid={err ? true : undefined}
                onChange={(e) => setValues((v) => ({ ...v, [name]: e.target.value }))}
              />
            ) : (
              <input
                id={id}
                type={def.type === "number" ? "number" : "text"}
                value={String(values[name] ?? "")}
                aria-invalid={err ? true : undefined}
                onChange={(e) => setValues((v) => ({ ...v, [name]: e.target.value }))}
              />
            )}
            {def.description && <p className="field-hint">{def.description}</p>}
            {err && <p className="field-error">{err}</p>}
          </div>
        );
      })}
      <p role="alert" className={error ? "form-error" : "visually-hidden"}>
        {error}
      </p>
      <button type="submit" className="button button-primary" disabled={fetching}>
        {fetching ? "Starting…" : "Start run"}
      </button>
    </form>
  );
}
