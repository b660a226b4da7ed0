"use client";

import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { Dialog } from "@/components/ui/dialog";
import { formatDateTime, personName } from "@/components/ui/format";
import { ErrorState, Loading, errorMessage } from "@/components/ui/states";
import { normaliseGraph, type DraftGraph } from "@/lib/editor/draft-store";
import { diffGraphs, type GraphDiff } from "@/lib/editor/graph-ops";
import { AGENT_VERSIONS, SET_LIVE_VERSION, type AgentVersion, type AgentVersionsData } from "@/lib/graphql";

export function VersionsDialog({
  open,
  onClose,
  agentId,
  draft,
  canEdit,
  onLiveChanged,
}: {
  open: boolean;
  onClose: () => void;
  agentId: string;
  draft: DraftGraph;
  canEdit: boolean;
  onLiveChanged: (number: number) => void;
}) {
  const [{ data, error, fetching }, reexecute] = useQuery<AgentVersionsData>({
    query: AGENT_VERSIONS,
    variables: { id: agentId },
    pause: !open,
    requestPolicy: "network-only",
  });
  const [{ fetching: switching }, setLive] = useMutation(SET_LIVE_VERSION);
  const [compare, setCompare] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | undefined>();
  const versions = data?.agent?.versions ?? [];
  const liveId = data?.agent?.liveVersion?.id;

  async function makeLive(version: AgentVersion) {
    setActionError(undefined);
    const result = await setLive({ agentId, versionId: version.id }, { additionalTypenames: ["Agent"] });
    if (result.error) setActionError(errorMessage(result.error));
    else {
      onLiveChanged(version.number);
      reexecute({ requestPolicy: "network-only" });
    }
  }

  return (
    <Dialog open={open} onClose={onClose} title="Versions" wide>
      {error ? (
        <ErrorState error={error} retry={() => reexecute({ requestPolicy: "network-only" })} />
      ) : !data && fetching ? (
        <Loading label="Loading versions…" />
      ) : versions.length === 0 ? (
        <p className="muted">Nothing published yet. Publish the draft to create version 1.</p>
      ) : (
        <>
          <p role="alert" className={actionError ? "form-error" : "visually-hidden"}>
            {actionError}
          </p>
          <ol className="version-list" aria-label="Published versions">
            {versions.map((v, index) => {
              const live = v.id === liveId;
              const previous = versions[index + 1];
              return (
                <li key={v.id} className={`version${live ? " version-live" : ""}`} data-version={v.number}>
                  <div className="version-head">
                    <strong>v{v.number}</strong>
                    {live && <span className="badge badge-live">Live</span>}
                    <span className="muted small">
                      {formatDateTime(v.createdAt)} by {personName(v.createdBy)}
                    </span>
                    <span className="spacer" />
                    <button
                      type="button"
                      className="button button-secondary button-small"
                      aria-expanded={compare === v.id}
                      onClick={() => setCompare(compare === v.id ? null : v.id)}
                    >
                      {compare === v.id ? "Hide changes" : "Changes"}
                    </button>
                    {canEdit && !live && (
                      <button
                        type="button"
                        className="button button-primary button-small"
                        disabled={switching}
                        onClick={() => void makeLive(v)}
                        aria-label={`Make v${v.number} live`}
                      >
                        {v.number < (data?.agent?.liveVersion?.number ?? 0)
                          ? "Roll back to this"
                          : "Make live"}
                      </button>
                    )}
                  </div>
                  {v.note && <p className="version-note">{v.note}</p>}
                  {compare === v.id && (
                    <div className="version-diffs">
                      <DiffView
                        title={previous ? `Compared with v${previous.number}` : "First version"}
                        diff={diffGraphs(
                          previous ? normaliseGraph(previous.graph) : normaliseGraph(null),
                          normaliseGraph(v.graph),
                        )}
                      />
                      <DiffView
                        title="Current draft compared with this version"
                        diff={diffGraphs(normaliseGraph(v.graph), draft)}
                      />
                    </div>
                  )}
                </li>
              );
            })}
          </ol>
        </>
      )}
    </Dialog>
  );
}

export function DiffView({ title, diff }: { title: string; diff: GraphDiff }) {
  const empty =
    !diff.added.length &&
    !diff.removed.length &&
    !diff.changed.length &&
    !diff.edgesAdded.length &&
    !diff.edgesRemoved.length;
  return (
    <section className="diff" aria-label={title}>
      <h4>{title}</h4>
      {empty ? (
        <p className="muted small">No changes to steps or connections.</p>
      ) : (
        <ul className="diff-list">
          {diff.added.map((id) => (
            <li key={`a${id}`} className="diff-added">
              + step <code>{id}</code> added
            </li>
          ))}
          {diff.removed.map((id) => (
            <li key={`r${id}`} className="diff-removed">
              − step <code>{id}</code> removed
            </li>
          ))}
          {diff.changed.map((id) => (
            <li key={`c${id}`} className="diff-changed">
              ~ step <code>{id}</code> changed
            </li>
          ))}
          {diff.edgesAdded.map((e) => (
            <li key={`ea${e}`} className="diff-added">
              + connection {e}
            </li>
          ))}
          {diff.edgesRemoved.map((e) => (
            <li key={`er${e}`} className="diff-removed">
              − connection {e}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
