"use client";

import { compileSpec, printSpec, type SpecDiagnostic } from "@weft/schema/spec/index";
import type { GraphInput } from "@weft/schema";
import dynamic from "next/dynamic";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { normaliseGraph, type DraftGraph, type DraftStore } from "@/lib/editor/draft-store";
import { carryPositions } from "@/lib/editor/graph-ops";
import { useDraft, type Issues } from "@/lib/editor/hooks";
import { lineColumn, locateJsonPaths, spanFor } from "@/lib/editor/json-locate";
import type { CodeEditorHandle, EditorMarker } from "./code-editor";

const CodeEditor = dynamic(() => import("./code-editor"), {
  ssr: false,
  loading: () => <div className="state state-loading">Loading editor…</div>,
});

const PARSE_DELAY_MS = 300;

export function printJson(graph: DraftGraph): string {
  return JSON.stringify(graph, null, 2);
}

/** The Graph JSON, read/write. Parse errors and validation issues become markers. */
export function JsonView({
  store,
  issues,
  readOnly,
}: {
  store: DraftStore;
  issues: Issues;
  readOnly: boolean;
}) {
  const snapshot = useDraft(store);
  const handle = useRef<CodeEditorHandle | null>(null);
  const [initial] = useState(() => printJson(store.graph));
  const [text, setText] = useState(initial);
  const [parseError, setParseError] = useState<EditorMarker | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  // Changes from the canvas, the form, undo or another view flow in.
  useEffect(() => {
    if (snapshot.origin === "json") return;
    const next = printJson(snapshot.graph);
    setText(next);
    setParseError(null);
    handle.current?.setText(next);
  }, [snapshot]);

  const pending = useRef<string | null>(null);
  const apply = useCallback(
    (value: string) => {
      pending.current = null;
      setText(value);
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch (error) {
        const message = error instanceof Error ? error.message : "Invalid JSON";
        const pos = /position (\d+)/.exec(message);
        const at = lineColumn(value, pos ? Number(pos[1]) : value.length);
        setParseError({
          message: `JSON syntax: ${message}`,
          severity: "error",
          startLine: at.line,
          startColumn: at.column,
          endLine: at.line,
          endColumn: at.column + 1,
        });
        return;
      }
      setParseError(null);
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
        setParseError({
          message: "The graph must be a JSON object",
          severity: "error",
          startLine: 1,
          startColumn: 1,
          endLine: 1,
          endColumn: 2,
        });
        return;
      }
      store.set(normaliseGraph(parsed), "json", { coalesce: "json" });
    },
    [store],
  );
  const onChange = useDebouncedApply(apply, pending, timer);

  const markers = useMemo<EditorMarker[]>(() => {
    if (parseError) return [parseError];
    const spans = locateJsonPaths(text);
    return issues.all.map((issue) => {
      const span = spanFor(spans, issue.path) ?? { start: 0, end: 1 };
      const a = lineColumn(text, span.start);
      const b = lineColumn(text, span.end);
      return {
        message: issue.message,
        severity: "error",
        startLine: a.line,
        startColumn: a.column,
        endLine: b.line,
        endColumn: b.column,
      };
    });
  }, [parseError, issues, text]);

  return (
    <div className="text-view">
      <ViewStatus
        problems={markers.length}
        ok="Valid Graph v1. Edits apply to the canvas as you type."
        label="Graph JSON"
      />
      <CodeEditor
        language="json"
        defaultValue={initial}
        onChange={onChange}
        markers={markers}
        readOnly={readOnly}
        ariaLabel="Graph JSON editor"
        onReady={(h) => {
          handle.current = h;
          const current = printJson(store.graph);
          if (h.getText() !== current) h.setText(current);
        }}
      />
    </div>
  );
}

/**
 * Parses a moment after typing stops; leaving the view (tab switch) applies what is pending
 * at once, so a quick switch never drops the last edit.
 */
function useDebouncedApply(
  apply: (value: string) => void,
  pending: React.RefObject<string | null>,
  timer: React.RefObject<ReturnType<typeof setTimeout> | undefined>,
): (value: string) => void {
  const applyRef = useRef(apply);
  useEffect(() => {
    applyRef.current = apply;
  }, [apply]);
  useEffect(
    () => () => {
      clearTimeout(timer.current);
      if (pending.current !== null) applyRef.current(pending.current);
    },
    [pending, timer],
  );
  return useCallback(
    (value: string) => {
      pending.current = value;
      clearTimeout(timer.current);
      timer.current = setTimeout(() => applyRef.current(value), PARSE_DELAY_MS);
    },
    [pending, timer],
  );
}

function safePrint(graph: DraftGraph, name: string): string | null {
  try {
    // The same meta the gateway prints with, so both sides agree on the text.
    return printSpec(graph as unknown as GraphInput, { name });
  } catch {
    return null;
  }
}

/** The AgentSpec (markdown). Compiles as you type; diagnostics become markers with lines. */
export function SpecView({
  store,
  readOnly,
  agentName,
}: {
  store: DraftStore;
  readOnly: boolean;
  agentName: string;
}) {
  const snapshot = useDraft(store);
  const handle = useRef<CodeEditorHandle | null>(null);
  const [initial] = useState(() => safePrint(store.graph, agentName) ?? "");
  const [printable, setPrintable] = useState(() => safePrint(store.graph, agentName) !== null);
  const [diagnostics, setDiagnostics] = useState<SpecDiagnostic[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    if (snapshot.origin === "spec") return;
    const next = safePrint(snapshot.graph, agentName);
    setPrintable(next !== null);
    if (next === null) return;
    setDiagnostics([]);
    handle.current?.setText(next);
  }, [snapshot, agentName]);

  const pending = useRef<string | null>(null);
  const apply = useCallback(
    (value: string) => {
      pending.current = null;
      const result = compileSpec(value);
      setDiagnostics(result.diagnostics);
      if (result.ok && result.graph) {
        const next = carryPositions(normaliseGraph(result.graph), store.graph);
        store.set(next, "spec", { coalesce: "spec" });
      }
    },
    [store],
  );
  const onChange = useDebouncedApply(apply, pending, timer);

  const markers = useMemo<EditorMarker[]>(
    () =>
      diagnostics.map((d) => ({
        message: d.message,
        severity: d.severity,
        startLine: d.line,
        startColumn: d.column ?? 1,
        endLine: d.line,
        endColumn: d.column !== undefined ? d.column + 1 : 1000,
      })),
    [diagnostics],
  );
  const errors = diagnostics.filter((d) => d.severity === "error").length;

  return (
    <div className="text-view">
      {!printable ? (
        <p className="view-status view-status-bad" role="status">
          The draft has problems the spec cannot show yet; fix them on the canvas or in the JSON view.
        </p>
      ) : (
        <ViewStatus
          problems={errors}
          ok="Spec compiles. Edits apply to the canvas as you type."
          label="AgentSpec"
        />
      )}
      <CodeEditor
        language="markdown"
        defaultValue={initial}
        onChange={onChange}
        markers={markers}
        readOnly={readOnly}
        ariaLabel="AgentSpec editor"
        onReady={(h) => {
          handle.current = h;
        }}
      />
      {diagnostics.length > 0 && (
        <ul className="issue-list" aria-label="Spec diagnostics">
          {diagnostics.map((d, i) => (
            <li key={i}>
              Line {d.line}: {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ViewStatus({ problems, ok, label }: { problems: number; ok: string; label: string }) {
  return (
    <p
      className={`view-status${problems ? " view-status-bad" : ""}`}
      role="status"
      aria-label={`${label} status`}
    >
      {problems ? `${problems} problem${problems === 1 ? "" : "s"}; see the markers in the editor.` : ok}
    </p>
  );
}
