"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { useStream } from "@/components/runs/use-stream";
import { useWorkspace } from "@/components/shell/workspace-context";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { formatDateTime, formatRelative } from "@/components/ui/format";
import { EmptyState, ErrorState, Loading, errorMessage } from "@/components/ui/states";
import { CREATE_AGENT } from "@/lib/graphql";
import {
  AGENTS_OVERVIEW,
  WORKSPACE_RUNS,
  lastRunsQuery,
  type AgentOverview,
  type AgentsOverviewData,
  type LastRun,
  type LastRunsData,
  type WorkspaceRunsData,
} from "@/lib/graphql/runs";
import { fieldErrors, toGatewayError } from "@/lib/gateway-error";

export function AgentsList() {
  const ws = useWorkspace();
  const [search, setSearch] = useState("");
  const [creating, setCreating] = useState(false);
  const [{ data, error, fetching }, reexecute] = useQuery<AgentsOverviewData>({
    query: AGENTS_OVERVIEW,
    variables: { workspaceId: ws.id },
  });
  const lastRuns = useLastRuns(ws.id, data?.agents);
  const agents = useMemo(() => {
    const q = search.trim().toLowerCase();
    const list = data?.agents ?? [];
    return q
      ? list.filter((a) => a.name.toLowerCase().includes(q) || a.description?.toLowerCase().includes(q))
      : list;
  }, [data, search]);

  return (
    <div className="page">
      <div className="page-head">
        <h1>Agents</h1>
        {ws.canEdit && (
          <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
            New agent
          </button>
        )}
      </div>
      <div className="toolbar">
        <label htmlFor="agent-search" className="visually-hidden">
          Search agents
        </label>
        <input
          id="agent-search"
          type="search"
          placeholder="Search agents"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
      </div>
      {error ? (
        <ErrorState error={error} retry={() => reexecute({ requestPolicy: "network-only" })} />
      ) : !data ? (
        <Loading label="Loading agents…" />
      ) : data.agents.length === 0 ? (
        <EmptyState title="No agents yet">
          <p>
            {ws.canEdit
              ? "Create an agent, then build it on the canvas or write it as a spec."
              : "Nobody has created an agent in this workspace yet."}
          </p>
        </EmptyState>
      ) : agents.length === 0 ? (
        <EmptyState title={`No agents match “${search}”`} />
      ) : (
        <table className="table" aria-busy={fetching}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Live version</th>
              <th scope="col">Last run</th>
              <th scope="col">Schedule</th>
              <th scope="col">Last published</th>
              <th scope="col">Draft revision</th>
            </tr>
          </thead>
          <tbody>
            {agents.map((agent) => (
              <tr key={agent.id}>
                <td>
                  <Link href={`/w/${ws.id}/agents/${agent.id}`} className="strong-link">
                    {agent.name}
                  </Link>
                  {agent.description && <div className="muted small">{agent.description}</div>}
                </td>
                <td>
                  {agent.liveVersion ? (
                    <span className="badge badge-live">v{agent.liveVersion.number}</span>
                  ) : (
                    <span className="muted">Not published</span>
                  )}
                </td>
                <td>
                  <LastRunCell
                    wsId={ws.id}
                    run={lastRuns.get(agent.id)}
                    loaded={lastRuns.size > 0 || !!data}
                  />
                </td>
                <td>
                  <ScheduleBadge schedules={agent.schedules} />
                </td>
                <td title={formatDateTime(agent.versions[0]?.createdAt)}>
                  {agent.versions[0] ? formatRelative(agent.versions[0].createdAt) : "—"}
                </td>
                <td>{agent.draftRevision}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Dialog open={creating} onClose={() => setCreating(false)} title="New agent">
        <CreateAgentForm workspaceId={ws.id} />
      </Dialog>
    </div>
  );
}

/**
 * The newest run of every agent (one aliased query, see lastRunsQuery), kept current by the
 * workspace's run stream: a status change of the shown run patches it, any other run of the
 * agent (a new one) triggers a refetch.
 */
function useLastRuns(workspaceId: string, agents: AgentOverview[] | undefined): Map<string, LastRun | null> {
  const ids = useMemo(() => (agents ?? []).map((a) => a.id), [agents]);
  const query = useMemo(() => lastRunsQuery(ids), [ids]);
  const variables = useMemo(
    () => Object.fromEntries([["workspaceId", workspaceId], ...ids.map((id, i) => [`a${i}`, id])]),
    [workspaceId, ids],
  );
  const [{ data }, reexecute] = useQuery<LastRunsData>({ query, variables, pause: ids.length === 0 });
  const [patched, setPatched] = useState<Map<string, LastRun>>(new Map());
  const base = useMemo(() => {
    const m = new Map<string, LastRun | null>();
    if (data) ids.forEach((id, i) => m.set(id, data[`a${i}`]?.edges[0]?.node ?? null));
    return m;
  }, [data, ids]);
  const refetchTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const onRun = useCallback(
    ({ workspaceRuns: run }: WorkspaceRunsData) => {
      const shown = patched.get(run.agent.id) ?? base.get(run.agent.id);
      if (shown && shown.id === run.id) {
        setPatched((m) => new Map(m).set(run.agent.id, run));
        return;
      }
      clearTimeout(refetchTimer.current);
      refetchTimer.current = setTimeout(() => {
        setPatched(new Map());
        reexecute({ requestPolicy: "network-only" });
      }, 300);
    },
    [patched, base, reexecute],
  );
  useEffect(() => () => clearTimeout(refetchTimer.current), []);
  useStream(WORKSPACE_RUNS, { workspaceId }, ids.length === 0, onRun);
  return useMemo(() => {
    const m = new Map(base);
    for (const [agentId, run] of patched) m.set(agentId, run);
    return m;
  }, [base, patched]);
}

function LastRunCell({
  wsId,
  run,
  loaded,
}: {
  wsId: string;
  run: LastRun | null | undefined;
  loaded: boolean;
}) {
  if (run === undefined) return <span className="muted">{loaded ? "…" : ""}</span>;
  if (run === null) return <span className="muted">Never run</span>;
  const status = run.status.toLowerCase();
  return (
    <Link href={`/w/${wsId}/runs/${run.id}`} className="last-run" title={formatDateTime(run.startedAt)}>
      <span className={`badge badge-${status}`}>{status}</span>
      <span className="muted small"> {run.startedAt ? formatRelative(run.startedAt) : "queued"}</span>
    </Link>
  );
}

function ScheduleBadge({ schedules }: { schedules: AgentOverview["schedules"] }) {
  if (schedules.length === 0) return <span className="muted">—</span>;
  const enabled = schedules.filter((s) => s.enabled);
  const next = enabled
    .flatMap((s) => s.nextFireTimes.slice(0, 1))
    .sort()
    .at(0);
  const label =
    enabled.length === 0
      ? "Paused"
      : enabled.length === 1
        ? `Scheduled: ${enabled[0]!.cron}`
        : `${enabled.length} schedules`;
  const title = [
    ...schedules.map((s) => `${s.cron} (${s.timezone})${s.enabled ? "" : ", paused"}`),
    next ? `Next run ${formatDateTime(next)}` : "",
  ]
    .filter(Boolean)
    .join("\n");
  return (
    <span
      className={`badge ${enabled.length ? "badge-scheduled" : "badge-paused"}`}
      title={title}
      data-testid="schedule-badge"
    >
      {label}
      {next && <span className="visually-hidden">, next run {formatDateTime(next)}</span>}
    </span>
  );
}

function CreateAgentForm({ workspaceId }: { workspaceId: string }) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [{ fetching }, create] = useMutation<{ createAgent: { id: string } }>(CREATE_AGENT);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) {
      setFieldError("Give the agent a name.");
      return;
    }
    setFieldError(undefined);
    const result = await create(
      { workspaceId, name: name.trim(), graph: { version: 1, inputs: {}, nodes: [], edges: [] } },
      { additionalTypenames: ["Agent"] },
    );
    if (result.data) {
      router.push(`/w/${workspaceId}/agents/${result.data.createAgent.id}`);
      return;
    }
    const first = result.error?.graphQLErrors[0];
    const perField = first ? fieldErrors(toGatewayError(first)) : {};
    if (perField["name"]) setFieldError(perField["name"]);
    else setError(errorMessage(result.error));
  }

  return (
    <form className="form" noValidate onSubmit={(e) => void onSubmit(e)}>
      <Field label="Agent name" error={fieldError}>
        {(props) => (
          <input
            {...props}
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="Daily digest"
          />
        )}
      </Field>
      <p role="alert" className={error ? "form-error" : "visually-hidden"}>
        {error}
      </p>
      <button type="submit" className="button button-primary" disabled={fetching}>
        {fetching ? "Creating…" : "Create agent"}
      </button>
    </form>
  );
}
