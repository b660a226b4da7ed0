"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { useWorkspace } from "@/components/shell/workspace-context";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { formatDateTime, formatRelative } from "@/components/ui/format";
import { EmptyState, ErrorState, Loading, errorMessage } from "@/components/ui/states";
import { AGENTS, CREATE_AGENT, type AgentsData } from "@/lib/graphql";
import { fieldErrors, toGatewayError } from "@/lib/gateway-error";

export function AgentsList() {
  const ws = useWorkspace();
  const [search, setSearch] = useState("");
  const [creating, setCreating] = useState(false);
  const [{ data, error, fetching }, reexecute] = useQuery<AgentsData>({
    query: AGENTS,
    variables: { workspaceId: ws.id },
  });
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
