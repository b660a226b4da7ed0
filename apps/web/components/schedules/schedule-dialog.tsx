"use client";

import { resolveRunInput, type Graph } from "@weft/schema";
import { useMemo, useState, type FormEvent } from "react";
import { useMutation, useQuery, type CombinedError } from "urql";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { InlineError, Loading, errorMessage } from "@/components/ui/states";
import { normaliseGraph } from "@/lib/editor/draft-store";
import { fieldErrors, toGatewayError } from "@/lib/gateway-error";
import { AGENT_LIVE_INPUTS, type AgentLiveInputsData, type AgentSummary } from "@/lib/graphql";
import { UPSERT_SCHEDULE, type ScheduleRow, type UpsertScheduleData } from "@/lib/graphql/schedules";
import { browserTimeZone, checkCron, formatInZone, timeZones } from "./cron";

type FieldName = "agent" | "cron" | "timezone" | "input";

/** BAD_USER_INPUT as `{ argument: message }` (the first message about each argument or inside it). */
export function serverFieldErrors(error: CombinedError | undefined): Record<string, string> {
  const first = error?.graphQLErrors[0];
  if (!first) return {};
  const info = toGatewayError(first);
  if (info.code !== "BAD_USER_INPUT") return {};
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(fieldErrors(info))) out[path.split(".")[0]!] ??= message;
  return out;
}

/**
 * Create or edit the (single) schedule of an agent: cron with a live English preview and the next
 * fire times in the chosen zone, the zone, the run input (checked against the live version's
 * declared inputs) and whether it is enabled.
 */
export function ScheduleDialog({
  open,
  onClose,
  editing,
  agents,
  scheduledAgentIds,
  onSaved,
}: {
  open: boolean;
  onClose: () => void;
  /** The schedule being edited, or null to create one. */
  editing: ScheduleRow | null;
  /** Undefined while loading. */
  agents: AgentSummary[] | undefined;
  /** Agents that already have a schedule (one per agent). */
  scheduledAgentIds: Set<string>;
  onSaved: (schedule: ScheduleRow) => void;
}) {
  return (
    <Dialog open={open} onClose={onClose} title={editing ? "Edit schedule" : "New schedule"} wide>
      {!agents && !editing ? (
        <Loading label="Loading agents…" />
      ) : (
        <ScheduleForm
          key={editing?.id ?? "new"}
          editing={editing}
          agents={agents ?? []}
          scheduledAgentIds={scheduledAgentIds}
          onSaved={onSaved}
          onCancel={onClose}
        />
      )}
    </Dialog>
  );
}

function ScheduleForm({
  editing,
  agents,
  scheduledAgentIds,
  onSaved,
  onCancel,
}: {
  editing: ScheduleRow | null;
  agents: AgentSummary[];
  scheduledAgentIds: Set<string>;
  onSaved: (schedule: ScheduleRow) => void;
  onCancel: () => void;
}) {
  const schedulable = agents.filter((a) => a.liveVersion && !scheduledAgentIds.has(a.id));
  const [agentId, setAgentId] = useState(editing?.agent.id ?? schedulable[0]?.id ?? "");
  const [cron, setCron] = useState(editing?.cron ?? "0 9 * * 1-5");
  const [timezone, setTimezone] = useState(editing?.timezone ?? browserTimeZone);
  const [inputText, setInputText] = useState(() =>
    editing?.input !== undefined && editing.input !== null ? JSON.stringify(editing.input, null, 2) : "",
  );
  const [enabled, setEnabled] = useState(editing?.enabled ?? true);
  const [touched, setTouched] = useState(false);
  const [server, setServer] = useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = useState<string | undefined>();
  const [{ fetching }, upsert] = useMutation<UpsertScheduleData>(UPSERT_SCHEDULE);

  const [live, reloadLive] = useQuery<AgentLiveInputsData>({
    query: AGENT_LIVE_INPUTS,
    variables: { id: agentId },
    pause: !agentId,
    requestPolicy: "cache-and-network",
  });
  const liveGraph = live.data?.agent?.id === agentId ? live.data.agent.liveVersion?.graph : undefined;
  const declared = liveGraph ? (normaliseGraph(liveGraph).inputs as Graph["inputs"]) : undefined;

  const zones = useMemo(() => {
    const list = timeZones();
    return list.includes(timezone) ? list : [timezone, ...list];
  }, [timezone]);
  const check = useMemo(() => checkCron(cron, timezone), [cron, timezone]);

  const inputProblem = useMemo(() => {
    if (!inputText.trim()) {
      if (!declared) return undefined;
      const r = resolveRunInput(declared, {});
      return r.ok ? undefined : r.errors.map((e) => e.message).join("; ");
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(inputText);
    } catch (error) {
      return `Not valid JSON: ${error instanceof Error ? error.message : "parse error"}`;
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
      return 'Must be a JSON object, e.g. {"city": "Berlin"}.';
    if (!declared) return undefined;
    const r = resolveRunInput(declared, parsed);
    return r.ok ? undefined : r.errors.map((e) => e.message).join("; ");
  }, [inputText, declared]);

  const agentProblem = !agentId
    ? schedulable.length === 0
      ? "No agent can be scheduled yet: publish one first (schedules run the live version)."
      : "Pick an agent."
    : undefined;
  const cronError = !check.ok && check.field === "cron" ? check.message : server.cron;
  const zoneError = !check.ok && check.field === "timezone" ? check.message : server.timezone;
  const errors: Partial<Record<FieldName, string>> = {
    agent: (touched ? agentProblem : undefined) ?? server.agent,
    cron: cronError,
    timezone: zoneError,
    input: (touched || inputText.trim() ? inputProblem : undefined) ?? server.input,
  };

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    setServer({});
    setFormError(undefined);
    if (agentProblem || !check.ok || inputProblem) return;
    const result = await upsert(
      {
        agentId,
        cron: cron.trim(),
        timezone,
        input: inputText.trim() ? (JSON.parse(inputText) as unknown) : null,
        enabled,
      },
      { additionalTypenames: ["Schedule"] },
    );
    if (result.data) {
      onSaved(result.data.upsertSchedule);
      return;
    }
    const perField = serverFieldErrors(result.error);
    const known: Partial<Record<FieldName, string>> = {
      agent: perField["agentId"],
      cron: perField["cron"],
      timezone: perField["timezone"],
      input: perField["input"],
    };
    if (Object.values(known).some(Boolean)) setServer(known);
    else setFormError(errorMessage(result.error));
    // The server checks against the live version as it is now; someone may have published since.
    if (known.input) reloadLive({ requestPolicy: "network-only" });
  }

  const declaredNames = declared ? Object.entries(declared) : [];

  return (
    <form className="form schedule-form" noValidate onSubmit={(e) => void onSubmit(e)}>
      {editing ? (
        <p className="schedule-agent">
          Agent: <strong>{editing.agent.name}</strong>
          {editing.agent.liveVersion ? (
            <span className="badge badge-live">Live: v{editing.agent.liveVersion.number}</span>
          ) : (
            <span className="badge">Not published</span>
          )}
        </p>
      ) : (
        <Field
          label="Agent"
          error={errors.agent}
          hint="Schedules run the agent's live version, so only published agents can be scheduled. An agent has at most one schedule."
        >
          {(props) => (
            <select {...props} value={agentId} onChange={(e) => setAgentId(e.target.value)}>
              {schedulable.length === 0 && <option value="">No agent can be scheduled yet</option>}
              {agents.map((a) => {
                const reason = !a.liveVersion
                  ? " (not published)"
                  : scheduledAgentIds.has(a.id)
                    ? " (already scheduled)"
                    : "";
                return (
                  <option key={a.id} value={a.id} disabled={reason !== ""}>
                    {a.name}
                    {reason}
                  </option>
                );
              })}
            </select>
          )}
        </Field>
      )}

      <div className="schedule-grid">
        <Field
          label="Cron expression"
          error={errors.cron}
          hint="minute hour day-of-month month day-of-week, e.g. */15 * * * * or 0 9 * * 1-5"
        >
          {(props) => (
            <input
              {...props}
              className="mono"
              value={cron}
              spellCheck={false}
              autoComplete="off"
              onChange={(e) => {
                setCron(e.target.value);
                setServer((s) => ({ ...s, cron: undefined }));
              }}
            />
          )}
        </Field>
        <Field label="Time zone" error={errors.timezone} hint="The cron expression is read in this zone.">
          {(props) => (
            <select
              {...props}
              value={timezone}
              onChange={(e) => {
                setTimezone(e.target.value);
                setServer((s) => ({ ...s, timezone: undefined }));
              }}
            >
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>

      <section className="cron-preview" aria-label="Schedule preview" aria-live="polite">
        {check.ok ? (
          <>
            <p className="cron-human" data-testid="cron-human">
              {check.description}
              <span className="muted"> ({timezone})</span>
            </p>
            <h3 className="cron-next-title">Next {check.next.length} runs</h3>
            <ol className="cron-next" aria-label="Next runs">
              {check.next.map((d) => (
                <li key={d.toISOString()}>
                  <time dateTime={d.toISOString()}>{formatInZone(d, timezone)}</time>
                </li>
              ))}
            </ol>
            {!enabled && <p className="muted small">Disabled: nothing runs until it is enabled.</p>}
          </>
        ) : (
          <p className="muted">The preview appears when the expression is valid.</p>
        )}
      </section>

      <Field
        label="Run input (JSON, optional)"
        error={errors.input}
        hint={
          !agentId ? undefined : live.fetching && !declared ? (
            "Loading the agent's inputs…"
          ) : declaredNames.length ? (
            <>
              Inputs of the live version:{" "}
              {declaredNames.map(([name, def], i) => (
                <span key={name}>
                  {i > 0 && ", "}
                  <code>{name}</code> ({def.type}
                  {def.required && def.default === undefined ? ", required" : ""})
                </span>
              ))}
              .
            </>
          ) : (
            "The live version declares no inputs."
          )
        }
      >
        {(props) => (
          <textarea
            {...props}
            className="code-input"
            rows={4}
            spellCheck={false}
            value={inputText}
            placeholder="{}"
            onChange={(e) => {
              setInputText(e.target.value);
              setServer((s) => ({ ...s, input: undefined }));
            }}
          />
        )}
      </Field>

      <div className="field field-check">
        <input
          id="schedule-enabled"
          type="checkbox"
          role="switch"
          checked={enabled}
          onChange={(e) => setEnabled(e.target.checked)}
        />
        <label htmlFor="schedule-enabled">Enabled</label>
      </div>

      <InlineError message={formError} />
      <div className="form-actions">
        <button type="button" className="button button-secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={fetching}>
          {fetching ? "Saving…" : editing ? "Save schedule" : "Create schedule"}
        </button>
      </div>
    </form>
  );
}
