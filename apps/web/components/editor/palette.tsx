"use client";

import { memo, useMemo, useState } from "react";
import type { NodeTypeInfo } from "@/lib/graphql";
import { DRAG_MIME } from "./canvas";

const CATEGORY_LABELS: Record<string, string> = {
  ai: "AI",
  integration: "Integrations",
  data: "Data",
  control: "Control flow",
  utility: "Utility",
};

/** Node types from the gateway's catalogue: click (or Enter) adds, dragging drops where you let go. */
export const Palette = memo(function Palette({
  nodeTypes,
  onAdd,
}: {
  nodeTypes: NodeTypeInfo[];
  onAdd: (type: string) => void;
}) {
  const [query, setQuery] = useState("");
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const map = new Map<string, NodeTypeInfo[]>();
    for (const t of nodeTypes) {
      if (
        q &&
        !t.title.toLowerCase().includes(q) &&
        !t.type.toLowerCase().includes(q) &&
        !t.description.toLowerCase().includes(q)
      )
        continue;
      const list = map.get(t.category) ?? [];
      list.push(t);
      map.set(t.category, list);
    }
    return [...map.entries()];
  }, [nodeTypes, query]);

  return (
    <aside className="palette" aria-label="Node palette">
      <label htmlFor="palette-search" className="visually-hidden">
        Search node types
      </label>
      <input
        id="palette-search"
        type="search"
        placeholder="Search steps"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {groups.length === 0 && <p className="muted small">No step matches “{query}”.</p>}
      {groups.map(([category, types]) => (
        <section key={category} aria-label={CATEGORY_LABELS[category] ?? category}>
          <h3 className="palette-group">{CATEGORY_LABELS[category] ?? category}</h3>
          <ul className="palette-list">
            {types.map((t) => (
              <li key={t.type}>
                <button
                  type="button"
                  className={`palette-item palette-${t.category}`}
                  draggable
                  onDragStart={(e) => {
                    e.dataTransfer.setData(DRAG_MIME, t.type);
                    e.dataTransfer.effectAllowed = "copy";
                  }}
                  onClick={() => onAdd(t.type)}
                  title={t.description}
                >
                  <span className="palette-title">
                    <span className="visually-hidden">Add </span>
                    {t.title}
                  </span>
                  <span className="palette-type">{t.type}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </aside>
  );
});
