"use client";

import { diffLines } from "diff";
import { useMemo, useState } from "react";

/** Unchanged lines shown around each change; longer unchanged runs fold. */
const CONTEXT = 2;

type Line = { kind: "added" | "removed" | "same"; text: string; oldNo?: number; newNo?: number };
type Row = Line | { kind: "fold"; count: number; id: number; lines: Line[] };

export function lineDiff(before: string, after: string): Line[] {
  const lines: Line[] = [];
  let oldNo = 1;
  let newNo = 1;
  for (const part of diffLines(before, after)) {
    const texts = part.value.replace(/\n$/, "").split("\n");
    for (const text of texts) {
      if (part.added) lines.push({ kind: "added", text, newNo: newNo++ });
      else if (part.removed) lines.push({ kind: "removed", text, oldNo: oldNo++ });
      else lines.push({ kind: "same", text, oldNo: oldNo++, newNo: newNo++ });
    }
  }
  return lines;
}

function fold(lines: Line[]): Row[] {
  const keep = lines.map(() => false);
  lines.forEach((line, i) => {
    if (line.kind === "same") return;
    for (let j = Math.max(0, i - CONTEXT); j <= Math.min(lines.length - 1, i + CONTEXT); j++) keep[j] = true;
  });
  const rows: Row[] = [];
  let run: Line[] = [];
  const flush = () => {
    if (run.length > 0) rows.push({ kind: "fold", count: run.length, id: rows.length, lines: run });
    run = [];
  };
  lines.forEach((line, i) => {
    if (keep[i]) {
      flush();
      rows.push(line);
    } else run.push(line);
  });
  flush();
  return rows;
}

/**
 * A unified line diff of two AgentSpecs (old → proposed), with line numbers and folded unchanged
 * runs that expand on click.
 */
export function SpecDiff({ before, after, label }: { before: string; after: string; label: string }) {
  const lines = useMemo(() => lineDiff(before, after), [before, after]);
  const rows = useMemo(() => fold(lines), [lines]);
  const [open, setOpen] = useState<Set<number>>(new Set());
  const added = lines.filter((l) => l.kind === "added").length;
  const removed = lines.filter((l) => l.kind === "removed").length;
  return (
    <section className="spec-diff" aria-label={label}>
      <p className="spec-diff-stats small">
        <span className="diff-added">+{added}</span> <span className="diff-removed">−{removed}</span> lines
      </p>
      <div className="spec-diff-body" role="list" aria-label={`${label}, line by line`} tabIndex={0}>
        {rows.flatMap((row) =>
          row.kind === "fold"
            ? open.has(row.id)
              ? row.lines.map((l, i) => <DiffLine key={`f${row.id}-${i}`} line={l} />)
              : [
                  <div role="listitem" key={`f${row.id}`} className="spec-diff-fold">
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => setOpen((s) => new Set(s).add(row.id))}
                    >
                      Show {row.count} unchanged line{row.count === 1 ? "" : "s"}
                    </button>
                  </div>,
                ]
            : [<DiffLine key={`${row.kind}-${row.oldNo ?? ""}-${row.newNo ?? ""}`} line={row} />],
        )}
      </div>
    </section>
  );
}

function DiffLine({ line }: { line: Line }) {
  const sign = line.kind === "added" ? "+" : line.kind === "removed" ? "−" : " ";
  return (
    <div role="listitem" className={`spec-diff-line spec-diff-${line.kind}`}>
      <span className="spec-diff-no" aria-hidden="true">
        {line.kind === "added" ? "" : line.oldNo}
      </span>
      <span className="spec-diff-no" aria-hidden="true">
        {line.kind === "removed" ? "" : line.newNo}
      </span>
      <span className="spec-diff-sign">
        <span aria-hidden="true">{sign}</span>
        <span className="visually-hidden">
          {line.kind === "added" ? "added: " : line.kind === "removed" ? "removed: " : ""}
        </span>
      </span>
      <span className="spec-diff-text">{line.text || " "}</span>
    </div>
  );
}
