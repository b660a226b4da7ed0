"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Suspense, useCallback, useMemo, useState } from "react";
import { useClient, useQuery } from "urql";
import { useStream } from "@/components/runs/use-stream";
import { useWorkspace } from "@/components/shell/workspace-context";
import { formatDateTime, formatRelative } from "@/components/ui/format";
import { EmptyState, ErrorState, Loading, errorMessage } from "@/components/ui/states";
import { RUN_STATUSES, type RunStatus, type RunSummary } from "@/lib/graphql";
import {
  AGENT_NAMES,
  RUNS_PAGE,
  WORKSPACE_RUNS,
  type AgentNamesData,
  type RunsPageData,
  type WorkspaceRunsData,
} from "@/lib/graphql/runs";

const PAGE_SIZE = 25;

interface Filters {
  status: RunStatus | "";
  agentId: string;
}

function isStatus(value: string | null): value is RunStatus {
  return !!value && (RUN_STATUSES as readonly string[]).includes(value);
}

function duration(run: RunSummary): string {
  if (!run.startedAt) return "—";
  if (!run.finishedAt) return "running";
  const ms = new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime();
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Runs of the workspace, newest first; the filters live in the URL so a view can be shared. */
export function RunsPage() {
  return (
    <Suspense fallback={<Loading label="Loading runs…" />}>
      <RunsPageInner />
    </Suspense>
  );
}

function RunsPageInner() {
  const ws = useWorkspace();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const rawStatus = params.get("status");
  const filters: Filters = {
    status: isStatus(rawStatus) ? rawStatus : "",
    agentId: params.get("agent") ?? "",
  };
  const [{ data: agentsData }] = useQuery<AgentNamesData>({
    query: AGENT_NAMES,
    variables: { workspaceId: ws.id },
  });
  const agents = agentsData?.agents ?? [];
  const agentName = agents.find((a) => a.id === filters.agentId)?.name;

  const setFilter = (key: "status" | "agent", value: string) => {
    const next = new URLSearchParams(params.toString());
    if (value) next.set(key, value);
    else next.delete(key);
    const query = next.toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  };

  const filtered = !!filters.status || !!filters.agentId;
  return (
    <div className="page">
      <div className="page-head">
        <h1>Runs</h1>
      </div>
      <div className="toolbar runs-filters" role="search" aria-label="Filter runs">
        <label htmlFor="run-status">Status</label>
        <select id="run-status" value={filters.status} onChange={(e) => setFilter("status", e.target.value)}>
          <option value="">All statuses</option>
          {RUN_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.toLowerCase()}
            </option>
          ))}
        </select>
        <label htmlFor="run-agent">Agent</label>
        <select id="run-agent" value={filters.agentId} onChange={(e) => setFilter("agent", e.target.value)}>
          <option value="">All agents</option>
          {filters.agentId && !agentName && (
            <option value={filters.agentId}>{agentsData ? "Unknown agent" : "Loading…"}</option>
          )}
          {agents.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
        {filtered && (
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={() => router.replace(pathname, { scroll: false })}
          >
            Clear filters
          </button>
        )}
      </div>
      {/* Keyed by the filters: new filters start from the first page. */}
      <RunsTable
        key={`${filters.status}|${filters.agentId}`}
        workspaceId={ws.id}
        filters={filters}
        agentName={agentName}
      />
    </div>
  );
}

function RunsTable({
  workspaceId,
  filters,
  agentName,
}: {
  workspaceId: string;
  filters: Filters;
  agentName: string | undefined;
}) {
  const client = useClient();
  const variables = useMemo(
    () => ({
      workspaceId,
      status: filters.status || null,
      agentId: filters.agentId || null,
      first: PAGE_SIZE,
    }),
    [workspaceId, filters.status, filters.agentId],
  );
  const [{ data, error }, reexecute] = useQuery<RunsPageData>({ query: RUNS_PAGE, variables });
  // Pages after the first, appended by "Load more".
  const [more, setMore] = useState<{ runs: RunSummary[]; endCursor: string | null; hasNext: boolean } | null>(
    null,
  );
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | undefined>();
  // Live: runs that changed status (patched in place) and new runs (shown on top).
  const [changed, setChanged] = useState<Map<string, RunSummary>>(new Map());
  const [fresh, setFresh] = useState<RunSummary[]>([]);

  const matches = useCallback(
    (run: RunSummary) =>
      (!filters.status || run.status === filters.status) &&
      (!filters.agentId || run.agent.id === filters.agentId),
    [filters.status, filters.agentId],
  );

  const first = data?.runs;
  const loaded = useMemo(
    () => [...(first?.edges.map((e) => e.node) ?? []), ...(more?.runs ?? [])],
    [first, more],
  );
  const onRun = useCallback(({ workspaceRuns: run }: WorkspaceRunsData) => {
    setChanged((m) => new Map(m).set(run.id, run));
    setFresh((list) =>
      list.some((r) => r.id === run.id) ? list.map((r) => (r.id === run.id ? run : r)) : [run, ...list],
    );
  }, []);
  useStream(WORKSPACE_RUNS, { workspaceId }, false, onRun);

  const runs = useMemo(() => {
    const seen = new Set<string>();
    const out: RunSummary[] = [];
    const listed = new Set(loaded.map((r) => r.id));
    // A run not listed is a new one when it is newer than the newest listed (the list is newest
    // first); an older run changing status belongs further down, on a page not loaded yet. By
    // creation time, not status: a short run may already have finished when its first change arrives.
    const newest = loaded[0]?.createdAt;
    for (const r of fresh) {
      if (listed.has(r.id) || !matches(r) || seen.has(r.id)) continue;
      if (newest !== undefined && r.createdAt < newest) continue;
      seen.add(r.id);
      out.push(r);
    }
    for (const r of loaded) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      out.push(changed.get(r.id) ?? r);
    }
    return out;
  }, [fresh, loaded, changed, matches]);

  const hasNext = more ? more.hasNext : (first?.pageInfo.hasNextPage ?? false);
  const cursor = more ? more.endCursor : (first?.pageInfo.endCursor ?? null);

  async function loadMore() {
    setLoadingMore(true);
    setMoreError(undefined);
    const r = await client
      .query<RunsPageData>(RUNS_PAGE, { ...variables, after: cursor }, { requestPolicy: "network-only" })
      .toPromise();
    setLoadingMore(false);
    if (!r.data) {
      setMoreError(errorMessage(r.error));
      return;
    }
    const page = r.data.runs;
    setMore((m) => ({
      runs: [...(m?.runs ?? []), ...page.edges.map((e) => e.node)],
      endCursor: page.pageInfo.endCursor,
      hasNext: page.pageInfo.hasNextPage,
    }));
  }

  if (error)
    return (
      <ErrorState
        title="Could not load runs"
        error={error}
        retry={() => reexecute({ requestPolicy: "network-only" })}
      />
    );
  if (!data) return <Loading label="Loading runs…" />;
  if (runs.length === 0) {
    const what = [
      filters.status ? filters.status.toLowerCase() : "",
      "runs",
      filters.agentId ? `of ${agentName ?? "this agent"}` : "",
    ]
      .filter(Boolean)
      .join(" ");
    return filters.status || filters.agentId ? (
      <EmptyState title={`No ${what}`}>
        <p>Nothing matches these filters. Clear them to see every run of the workspace.</p>
      </EmptyState>
    ) : (
      <EmptyState title="No runs yet">
        <p>
          A run appears here as soon as it is queued: start one with Run in an agent&apos;s editor (the agent
          must be published), through the API, or on a schedule. The list updates live.
        </p>
      </EmptyState>
    );
  }

  return (
    <>
      <table className="table runs-table">
        <caption className="visually-hidden">Runs, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Agent</th>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col">Trigger</th>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
            <th scope="col">Tokens</th>
            <th scope="col">Cost</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id} data-run-id={r.id}>
              <td>
                <Link href={`/w/${workspaceId}/runs/${r.id}`} className="mono">
                  {r.id.slice(0, 8)}
                </Link>
              </td>
              <td>
                <Link href={`/w/${workspaceId}/agents/${r.agent.id}`}>{r.agent.name}</Link>
              </td>
              <td>v{r.version.number}</td>
              <td>
                <span className={`badge badge-${r.status.toLowerCase()}`}>{r.status.toLowerCase()}</span>
              </td>
              <td>{r.trigger.toLowerCase()}</td>
              <td title={formatDateTime(r.startedAt)}>
                {r.startedAt ? formatRelative(r.startedAt) : "not yet"}
              </td>
              <td>{duration(r)}</td>
              <td>{r.tokens}</td>
              <td>${r.costUsd.toFixed(4)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="list-footer">
        <p className="muted small" role="status">
          {runs.length} run{runs.length === 1 ? "" : "s"} shown{hasNext ? "; more are older" : ""}
        </p>
        {hasNext && (
          <button
            type="button"
            className="button button-secondary button-small"
            disabled={loadingMore}
            onClick={() => void loadMore()}
          >
            {loadingMore ? "Loading…" : "Load more"}
          </button>
        )}
      </div>
      <p role="alert" className={moreError ? "form-error" : "visually-hidden"}>
        {moreError}
      </p>
    </>
  );
}
