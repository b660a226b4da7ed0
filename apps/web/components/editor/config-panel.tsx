"use client";

import { NODE_ID_PATTERN, type GraphIssue } from "@weft/schema";
import { memo, useEffect, useMemo, useState } from "react";
import type { DraftNode, DraftStore } from "@/lib/editor/draft-store";
import { removeElements, renameNode, updateNode } from "@/lib/editor/graph-ops";
import type { NodeTypeInfo } from "@/lib/graphql";
import { SchemaForm, type JsonSchema } from "./schema-form";

/** The side panel for the selected node: identity, config form and its problems. */
export const ConfigPanel = memo(function ConfigPanel({
  store,
  node,
  nodeType,
  issues,
  readOnly,
  onRenamed,
  onClose,
}: {
  store: DraftStore;
  node: DraftNode;
  nodeType: NodeTypeInfo | undefined;
  issues: GraphIssue[] | undefined;
  readOnly: boolean;
  onRenamed: (id: string | null) => void;
  onClose: () => void;
}) {
  const { byField, other } = useMemo(() => {
    const byField: Record<string, string[]> = {};
    const other: GraphIssue[] = [];
    for (const issue of issues ?? []) {
      const [head, key] = issue.path.slice(2);
      if (head === "config" && typeof key === "string") {
        const text = issue.message.replace(/^node "[^"]+": /, "");
        (byField[key] ??= []).push(text);
      } else other.push(issue);
    }
    return { byField, other };
  }, [issues]);

  const [idText, setIdText] = useState(node.id);
  const [idError, setIdError] = useState<string | undefined>();
  useEffect(() => {
    setIdText(node.id);
    setIdError(undefined);
  }, [node.id]);

  function commitId() {
    const next = idText.trim();
    if (next === node.id) return;
    if (!NODE_ID_PATTERN.test(next)) {
      setIdError("Start with a letter; use letters, digits, _ or - (at most 64).");
      return;
    }
    if (store.graph.nodes.some((n) => n.id === next)) {
      setIdError(`Another step is already called “${next}”.`);
      return;
    }
    setIdError(undefined);
    store.update((g) => renameNode(g, node.id, next), "form");
    onRenamed(next);
  }

  const schema = (nodeType?.configSchema ?? { type: "object", properties: {} }) as JsonSchema;
  return (
    <aside className="config-panel" aria-label="Step settings">
      <div className="panel-head">
        <div>
          <h2>{nodeType?.title ?? node.type}</h2>
          <p className="muted small mono">{node.type}</p>
        </div>
        <button type="button" className="icon-button" aria-label="Close step settings" onClick={onClose}>
          ×
        </button>
      </div>
      {!nodeType && <p className="field-error">Unknown node type “{node.type}”.</p>}
      {nodeType?.description && <p className="muted small">{nodeType.description}</p>}
      <fieldset disabled={readOnly} className="plain-fieldset">
        <legend className="visually-hidden">Step</legend>
        <div className={`field${idError ? " field-invalid" : ""}`}>
          <label htmlFor="node-id">Step id</label>
          <input
            id="node-id"
            className="mono"
            value={idText}
            aria-invalid={idError ? true : undefined}
            aria-describedby="node-id-hint"
            onChange={(e) => setIdText(e.target.value)}
            onBlur={commitId}
            onKeyDown={(e) => {
              if (e.key === "Enter") commitId();
            }}
          />
          <p id="node-id-hint" className={idError ? "field-error" : "field-hint"}>
            {idError ?? "Referenced as nodes.<id>.output in templates."}
          </p>
        </div>
        <div className="field">
          <label htmlFor="node-name">Display name</label>
          <input
            id="node-name"
            value={node.name ?? ""}
            placeholder={node.id}
            onChange={(e) => {
              const name = e.target.value;
              store.update(
                (g) =>
                  updateNode(g, node.id, (n) => {
                    const next = { ...n };
                    if (name) next.name = name;
                    else delete next.name;
                    return next;
                  }),
                "form",
                { coalesce: `${node.id}:name` },
              );
            }}
          />
        </div>
      </fieldset>
      {other.length > 0 && (
        <ul className="issue-list" aria-label="Problems with this step">
          {other.map((issue, i) => (
            <li key={i}>{issue.message}</li>
          ))}
        </ul>
      )}
      <h3 className="panel-sub">Configuration</h3>
      <SchemaForm
        schema={schema}
        value={node.config && typeof node.config === "object" ? node.config : {}}
        errors={byField}
        disabled={readOnly}
        idPrefix={node.id}
        onChange={(config, key) =>
          store.update((g) => updateNode(g, node.id, (n) => ({ ...n, config })), "form", {
            coalesce: `${node.id}:config.${key}`,
          })
        }
      />
      {!readOnly && (
        <button
          type="button"
          className="button button-danger button-small"
          onClick={() => {
            store.update((g) => removeElements(g, new Set([node.id]), new Set()), "form");
            onRenamed(null);
          }}
        >
          Delete step
        </button>
      )}
    </aside>
  );
});
