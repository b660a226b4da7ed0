"use client";

import "@xyflow/react/dist/style.css";
import { ReactFlowProvider } from "@xyflow/react";
import Link from "next/link";
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useMutation, useQuery } from "urql";
import { useWorkspace } from "@/components/shell/workspace-context";
import { Dialog } from "@/components/ui/dialog";
import { formatDateTime, personName } from "@/components/ui/format";
import { ErrorState, Loading, errorMessage } from "@/components/ui/states";
import { useAutosave, type SaveStatus } from "@/lib/editor/autosave";
import { DraftStore, normaliseGraph } from "@/lib/editor/draft-store";
import { addNode, autoLayout } from "@/lib/editor/graph-ops";
import { useDraft, useIssues } from "@/lib/editor/hooks";
import {
  AGENT,
  NODE_TYPES,
  PUBLISH_AGENT,
  type AgentData,
  type AgentDetail,
  type NodeTypeInfo,
  type NodeTypesData,
} from "@/lib/graphql";
import { Canvas } from "./canvas";
import { ConfigPanel } from "./config-panel";
import { DescribePanel } from "./describe-panel";
import { Palette } from "./palette";
import { RunDialog } from "@/components/runs/run-dialog";
import { JsonView, SpecView } from "./text-views";
import { VersionsDialog } from "./versions";

export function AgentEditorPage({ agentId }: { agentId: string }) {
  const [agentResult, reloadAgent] = useQuery<AgentData>({
    query: AGENT,
    variables: { id: agentId },
    requestPolicy: "network-only",
  });
  const [typesResult, reloadTypes] = useQuery<NodeTypesData>({
    query: NODE_TYPES,
    requestPolicy: "cache-first",
  });
  const error = agentResult.error ?? typesResult.error;
  if (error)
    return (
      <div className="page">
        <ErrorState
          error={error}
          retry={() => {
            reloadAgent({ requestPolicy: "network-only" });
            reloadTypes({ requestPolicy: "network-only" });
          }}
        />
      </div>
    );
  if (!agentResult.data || !typesResult.data) return <Loading label="Loading the agent…" />;
  if (!agentResult.data.agent)
    return (
      <div className="page">
        <ErrorState title="Agent not found" error="It does not exist, or it belongs to another workspace." />
      </div>
    );
  return <AgentEditor key={agentId} agent={agentResult.data.agent} nodeTypes={typesResult.data.nodeTypes} />;
}

type Tab = "canvas" | "json" | "spec";
const TABS: { id: Tab; label: string }[] = [
  { id: "canvas", label: "Canvas" },
  { id: "json", label: "Graph JSON" },
  { id: "spec", label: "AgentSpec" },
];

const STATUS_TEXT: Record<SaveStatus, string> = {
  saved: "All changes saved",
  dirty: "Unsaved changes…",
  saving: "Saving…",
  invalid: "Not saved",
  error: "Save failed",
  conflict: "Not saved: conflict",
};

function isTextTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) ||
    target.closest(".monaco-editor") !== null
  );
}

function AgentEditor({ agent, nodeTypes }: { agent: AgentDetail; nodeTypes: NodeTypeInfo[] }) {
  const ws = useWorkspace();
  const readOnly = !ws.canEdit;
  const [store] = useState(() => new DraftStore(normaliseGraph(agent.draftGraph)));
  const snapshot = useDraft(store);
  const graph = snapshot.graph;
  const issues = useIssues(graph);
  const catalogue = useMemo(() => new Map(nodeTypes.map((t) => [t.type, t])), [nodeTypes]);
  const [tab, setTab] = useState<Tab>("canvas");
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [publishing, setPublishing] = useState(false);
  const [showVersions, setShowVersions] = useState(false);
  const [running, setRunning] = useState(false);
  const [liveNumber, setLiveNumber] = useState(agent.liveVersion?.number ?? null);
  const [notice, setNotice] = useState<string | undefined>();
  const [describing, setDescribing] = useState(false);
  const describeToggle = useRef<HTMLButtonElement>(null);
  const wasDescribing = useRef(false);
  // Closing the English panel hands focus back to the button that opened it.
  useEffect(() => {
    if (wasDescribing.current && !describing) describeToggle.current?.focus();
    wasDescribing.current = describing;
  }, [describing]);
  const save = useAutosave(store, agent.id, agent.draftRevision, !readOnly);
  const selectedNode = selectedId ? graph.nodes.find((n) => n.id === selectedId) : undefined;

  const onAdd = useCallback(
    (type: string) => {
      let created = "";
      store.update((g) => {
        const r = addNode(g, type, catalogue.get(type)?.configSchema);
        created = r.id;
        return r.graph;
      }, "canvas");
      setSelectedId(created);
    },
    [store, catalogue],
  );

  // Ctrl/Cmd+Z and Ctrl/Cmd+Shift+Z (or Ctrl+Y) outside text fields, which keep their own undo.
  useEffect(() => {
    if (readOnly) return;
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || isTextTarget(e.target)) return;
      const key = e.key.toLowerCase();
      if (key === "z" && !e.shiftKey) {
        e.preventDefault();
        store.undo();
      } else if ((key === "z" && e.shiftKey) || key === "y") {
        e.preventDefault();
        store.redo();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [store, readOnly]);

  const tabRefs = useRef<Record<Tab, HTMLButtonElement | null>>({ canvas: null, json: null, spec: null });
  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    const index = TABS.findIndex((t) => t.id === tab);
    const delta = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
    if (!delta) return;
    e.preventDefault();
    const next = TABS[(index + delta + TABS.length) % TABS.length]!.id;
    setTab(next);
    tabRefs.current[next]?.focus();
  };

  return (
    <div className="editor">
      <div className="editor-bar">
        <nav aria-label="Breadcrumb" className="crumbs">
          <Link href={`/w/${ws.id}`}>Agents</Link>
          <span aria-hidden="true"> / </span>
          <h1 className="editor-title">{agent.name}</h1>
        </nav>
        {liveNumber !== null ? (
          <span className="badge badge-live">Live: v{liveNumber}</span>
        ) : (
          <span className="badge">Not published</span>
        )}
        {readOnly ? (
          <span className="badge" data-testid="read-only-badge">
            Read only
          </span>
        ) : (
          <span
            className={`save-status save-${save.status}`}
            role="status"
            aria-live="polite"
            data-testid="save-status"
            title={save.message}
          >
            {STATUS_TEXT[save.status]}
            {save.message && save.status !== "saved" ? ` — ${save.message}` : ""}
          </span>
        )}
        <span className="spacer" />
        {!readOnly && (
          <>
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() => store.undo()}
              disabled={!snapshot.canUndo}
              title="Undo (Ctrl+Z)"
            >
              Undo
            </button>
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() => store.redo()}
              disabled={!snapshot.canRedo}
              title="Redo (Ctrl+Shift+Z)"
            >
              Redo
            </button>
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() => store.update(autoLayout, "layout")}
              disabled={graph.nodes.length === 0}
            >
              Auto-layout
            </button>
            {save.status === "error" && (
              <button
                type="button"
                className="button button-secondary button-small"
                onClick={() => void save.saveNow()}
              >
                Retry save
              </button>
            )}
          </>
        )}
        <button
          type="button"
          className="button button-secondary button-small"
          onClick={() => setShowVersions(true)}
        >
          Versions
        </button>
        {!readOnly && (
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={() => setRunning(true)}
            disabled={liveNumber === null}
            title={liveNumber === null ? "Publish first: runs use the live version" : "Run the live version"}
          >
            Run
          </button>
        )}
        {!readOnly && (
          <button
            type="button"
            className="button button-primary button-small"
            onClick={() => setPublishing(true)}
          >
            Publish
          </button>
        )}
      </div>

      {save.conflict && (
        <div className="banner banner-warning" role="alert" data-testid="conflict-banner">
          <div>
            <strong>{personName(save.conflict.updatedBy)} changed this agent</strong>
            {save.conflict.updatedAt ? ` at ${formatDateTime(save.conflict.updatedAt)}` : ""} (now revision{" "}
            {save.conflict.currentRevision}). Your edits are still here and have not been saved.
          </div>
          <div className="banner-actions">
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() => void save.reloadTheirs()}
            >
              Reload theirs
            </button>
            <button
              type="button"
              className="button button-primary button-small"
              onClick={() => void save.overwrite()}
            >
              Overwrite with mine
            </button>
          </div>
        </div>
      )}
      {notice && (
        <div className="banner banner-success" role="status">
          {notice}
          <button
            type="button"
            className="icon-button"
            aria-label="Dismiss"
            onClick={() => setNotice(undefined)}
          >
            ×
          </button>
        </div>
      )}

      <div className="editor-split">
        <div className="editor-views">
          <div className="tabs">
            <div role="tablist" aria-label="Views of the draft" className="tab-list">
              {TABS.map((t) => (
                <button
                  key={t.id}
                  ref={(el) => {
                    tabRefs.current[t.id] = el;
                  }}
                  role="tab"
                  id={`tab-${t.id}`}
                  aria-selected={tab === t.id}
                  aria-controls={`panel-${t.id}`}
                  tabIndex={tab === t.id ? 0 : -1}
                  className="tab"
                  onClick={() => setTab(t.id)}
                  onKeyDown={onTabKey}
                >
                  {t.label}
                </button>
              ))}
            </div>
            <span className="spacer" />
            <span
              className={`issue-count${issues.all.length ? " issue-count-bad" : ""}`}
              data-testid="issue-count"
            >
              {issues.all.length === 0
                ? "No problems"
                : `${issues.all.length} problem${issues.all.length === 1 ? "" : "s"}`}
            </span>
            {!readOnly && !describing && (
              <button
                ref={describeToggle}
                type="button"
                className="button button-secondary button-small describe-toggle"
                onClick={() => setDescribing(true)}
              >
                Describe in English
              </button>
            )}
          </div>

          <div className="editor-body" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
            {tab === "canvas" && (
              <div className="canvas-layout">
                {!readOnly && <Palette nodeTypes={nodeTypes} onAdd={onAdd} />}
                <ReactFlowProvider>
                  <Canvas
                    store={store}
                    graph={graph}
                    issues={issues}
                    catalogue={catalogue}
                    readOnly={readOnly}
                    selectedId={selectedId}
                    onSelect={setSelectedId}
                  />
                </ReactFlowProvider>
                {selectedNode ? (
                  <ConfigPanel
                    key={selectedNode.id}
                    store={store}
                    node={selectedNode}
                    nodeType={catalogue.get(selectedNode.type)}
                    issues={issues.byNode.get(selectedNode.id)}
                    readOnly={readOnly}
                    onRenamed={setSelectedId}
                    onClose={() => setSelectedId(null)}
                  />
                ) : (
                  issues.general.length > 0 && (
                    <aside className="config-panel" aria-label="Problems">
                      <h2>Problems</h2>
                      <ul className="issue-list">
                        {issues.general.map((i, n) => (
                          <li key={n}>{i.message}</li>
                        ))}
                      </ul>
                    </aside>
                  )
                )}
              </div>
            )}
            {tab === "json" && <JsonView store={store} issues={issues} readOnly={readOnly} />}
            {tab === "spec" && <SpecView store={store} readOnly={readOnly} agentName={agent.name} />}
          </div>
        </div>
        {describing && !readOnly && (
          <DescribePanel
            store={store}
            agentName={agent.name}
            workspaceId={ws.id}
            canAdmin={ws.canAdmin}
            onClose={() => setDescribing(false)}
            onApplied={(summary) => setNotice(`Applied the described change (${summary}). Undo with Ctrl+Z.`)}
          />
        )}
      </div>

      <PublishDialog
        open={publishing}
        onClose={() => setPublishing(false)}
        agentId={agent.id}
        flush={save.saveNow}
        onPublished={(n) => {
          setLiveNumber(n);
          setNotice(`Published v${n}. It is now live.`);
        }}
      />
      <RunDialog open={running} onClose={() => setRunning(false)} agentId={agent.id} workspaceId={ws.id} />
      <VersionsDialog
        open={showVersions}
        onClose={() => setShowVersions(false)}
        agentId={agent.id}
        draft={graph}
        canEdit={!readOnly}
        onLiveChanged={setLiveNumber}
      />
    </div>
  );
}

function PublishDialog({
  open,
  onClose,
  agentId,
  flush,
  onPublished,
}: {
  open: boolean;
  onClose: () => void;
  agentId: string;
  flush: () => Promise<boolean>;
  onPublished: (version: number) => void;
}) {
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [, publish] = useMutation<{ publishAgent: { number: number } }>(PUBLISH_AGENT);

  async function onSubmit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    // Publishing freezes the server's draft, so ours must be saved first.
    const saved = await flush();
    if (!saved) {
      setBusy(false);
      setError("The draft is not saved (see the status at the top). Fix that first, then publish.");
      return;
    }
    const result = await publish(
      { agentId, note: note.trim() || null },
      { additionalTypenames: ["Agent", "AgentVersion"] },
    );
    setBusy(false);
    if (result.data) {
      onPublished(result.data.publishAgent.number);
      setNote("");
      onClose();
    } else setError(errorMessage(result.error));
  }

  return (
    <Dialog open={open} onClose={onClose} title="Publish a new version">
      <form className="form" onSubmit={(e) => void onSubmit(e)}>
        <p className="muted small">
          Publishing freezes the current draft as an immutable version and makes it live. Runs already in
          flight keep the version they started with.
        </p>
        <div className="field">
          <label htmlFor="publish-note">Note</label>
          <textarea
            id="publish-note"
            rows={3}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder="What changed?"
          />
        </div>
        <p role="alert" className={error ? "form-error" : "visually-hidden"}>
          {error}
        </p>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? "Publishing…" : "Publish"}
        </button>
      </form>
    </Dialog>
  );
}
