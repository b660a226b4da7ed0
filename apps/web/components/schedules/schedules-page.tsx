"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import { useMutation, useQuery } from "urql";
import { useWorkspace } from "@/components/shell/workspace-context";
import { ConfirmDialog } from "@/components/ui/dialog";
import { EmptyState, ErrorState, InlineError, Loading, errorMessage } from "@/components/ui/states";
import { AGENTS, type AgentsData } from "@/lib/graphql";
import {
  DELETE_SCHEDULE,
  SCHEDULES,
  UPSERT_SCHEDULE,
  type ScheduleRow,
  type SchedulesData,
  type UpsertScheduleData,
} from "@/lib/graphql/schedules";
import { describeCron, formatInZone } from "./cron";
import { ScheduleDialog } from "./schedule-dialog";

/** Every schedule of the workspace; EDITOR and above create, edit, pause and delete them. */
export function SchedulesPage() {
  const ws = useWorkspace();
  const [{ data, error }, reexecute] = useQuery<SchedulesData>({
    query: SCHEDULES,
    variables: { id: ws.id },
    requestPolicy: "cache-and-network",
  });
  const [agentsResult, reloadAgents] = useQuery<AgentsData>({
    query: AGENTS,
    variables: { workspaceId: ws.id },
    pause: !ws.canEdit,
    requestPolicy: "cache-and-network",
  });
  const [, upsert] = useMutation<UpsertScheduleData>(UPSERT_SCHEDULE);
  const [{ fetching: deleting }, remove] = useMutation(DELETE_SCHEDULE);
  const [editing, setEditing] = useState<ScheduleRow | null | undefined>(undefined);
  const [confirming, setConfirming] = useState<ScheduleRow | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [rowError, setRowError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const schedules = useMemo(() => data?.workspace?.schedules ?? [], [data]);
  const scheduledAgentIds = useMemo(() => new Set(schedules.map((s) => s.agent.id)), [schedules]);
  const agents = agentsResult.data?.agents;
  const refresh = () => reexecute({ requestPolicy: "network-only" });

  async function toggle(schedule: ScheduleRow) {
    setBusyId(schedule.id);
    setRowError(undefined);
    const result = await upsert(
      {
        agentId: schedule.agent.id,
        cron: schedule.cron,
        timezone: schedule.timezone,
        input: schedule.input ?? null,
        enabled: !schedule.enabled,
      },
      { additionalTypenames: ["Schedule"] },
    );
    setBusyId(null);
    if (result.error) setRowError(errorMessage(result.error));
    else {
      setNotice(`${schedule.agent.name}: schedule ${schedule.enabled ? "disabled" : "enabled"}.`);
      refresh();
    }
  }

  async function onDelete(schedule: ScheduleRow) {
    setRowError(undefined);
    const result = await remove({ id: schedule.id }, { additionalTypenames: ["Schedule"] });
    setConfirming(null);
    if (result.error) setRowError(errorMessage(result.error));
    else {
      setNotice(`Deleted the schedule of ${schedule.agent.name}.`);
      refresh();
    }
  }

  return (
    <div className="page">
      <div className="page-head">
        <h1>Schedules</h1>
        {ws.canEdit && (
          <button
            type="button"
            className="button button-primary"
            onClick={() => {
              setNotice(undefined);
              reloadAgents({ requestPolicy: "network-only" });
              setEditing(null);
            }}
          >
            New schedule
          </button>
        )}
      </div>
      <p className="muted">
        Each schedule starts a run of an agent&apos;s live version at the times its cron expression names,
        read in its time zone. Runs it starts are listed under Runs with the trigger &ldquo;schedule&rdquo;.
      </p>
      <InlineError message={rowError} />
      {notice && (
        <p role="status" className="form-ok schedule-notice">
          {notice}
        </p>
      )}
      {error ? (
        <ErrorState error={error} retry={refresh} />
      ) : !data ? (
        <Loading label="Loading schedules…" />
      ) : schedules.length === 0 ? (
        <EmptyState title="No schedules yet">
          <p>
            {ws.canEdit
              ? "Create one to run a published agent every hour, every weekday morning, or on any cron."
              : "Editors can create schedules that run published agents automatically."}
          </p>
        </EmptyState>
      ) : (
        <table className="table" aria-label="Schedules">
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">When</th>
              <th scope="col">Time zone</th>
              <th scope="col">Next run</th>
              <th scope="col">Enabled</th>
              {ws.canEdit && (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {schedules.map((s) => {
              const human = describeCron(s.cron);
              const next = s.nextFireTimes[0];
              return (
                <tr key={s.id} data-schedule={s.id}>
                  <td>
                    <Link href={`/w/${ws.id}/agents/${s.agent.id}`} className="strong-link">
                      {s.agent.name}
                    </Link>
                    {!s.agent.liveVersion && (
                      <span className="muted small schedule-warning"> Not published: runs will fail.</span>
                    )}
                  </td>
                  <td>
                    <code>{s.cron}</code>
                    {human && <div className="muted small">{human}</div>}
                  </td>
                  <td>{s.timezone}</td>
                  <td>
                    {!s.enabled ? (
                      <span className="muted">Paused</span>
                    ) : next ? (
                      <time dateTime={next}>{formatInZone(next, s.timezone)}</time>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td>
                    {ws.canEdit ? (
                      <label className="switch">
                        <input
                          type="checkbox"
                          role="switch"
                          checked={s.enabled}
                          disabled={busyId === s.id}
                          onChange={() => void toggle(s)}
                          aria-label={`Enabled: ${s.agent.name}`}
                        />
                        <span aria-hidden="true">{s.enabled ? "On" : "Off"}</span>
                      </label>
                    ) : (
                      <span className={`badge${s.enabled ? " badge-live" : ""}`}>
                        {s.enabled ? "Enabled" : "Disabled"}
                      </span>
                    )}
                  </td>
                  {ws.canEdit && (
                    <td className="row-actions">
                      <button
                        type="button"
                        className="button button-secondary button-small"
                        aria-label={`Edit the schedule of ${s.agent.name}`}
                        onClick={() => {
                          setNotice(undefined);
                          setEditing(s);
                        }}
                      >
                        Edit
                      </button>
                      <button
                        type="button"
                        className="button button-danger button-small"
                        aria-label={`Delete the schedule of ${s.agent.name}`}
                        onClick={() => setConfirming(s)}
                      >
                        Delete
                      </button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}

      {ws.canEdit && (
        <>
          <ScheduleDialog
            open={editing !== undefined}
            onClose={() => setEditing(undefined)}
            editing={editing ?? null}
            agents={agents}
            scheduledAgentIds={scheduledAgentIds}
            onSaved={(saved) => {
              setNotice(
                editing ? `Saved the schedule of ${saved.agent.name}.` : `Scheduled ${saved.agent.name}.`,
              );
              setEditing(undefined);
              refresh();
            }}
          />
          <ConfirmDialog
            open={confirming !== null}
            onClose={() => setConfirming(null)}
            title="Delete schedule?"
            confirmLabel="Delete schedule"
            busyLabel="Deleting…"
            cancelLabel="Keep it"
            busy={deleting}
            onConfirm={() => confirming && void onDelete(confirming)}
          >
            {confirming && (
              <p>
                <strong>{confirming.agent.name}</strong> will no longer run at <code>{confirming.cron}</code>{" "}
                ({confirming.timezone}). Runs already started are not affected.
              </p>
            )}
          </ConfirmDialog>
        </>
      )}
    </div>
  );
}
