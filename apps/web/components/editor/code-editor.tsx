"use client";

import Editor from "@monaco-editor/react";
import type { editor } from "monaco-editor";
import { useEffect, useRef } from "react";
import { setupMonaco, type Monaco } from "./monaco-setup";

setupMonaco();

export interface EditorMarker {
  message: string;
  severity: "error" | "warning";
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export interface CodeEditorHandle {
  /** Replaces the text when another view changed the draft (keeps undo and the cursor line). */
  setText(text: string): void;
  getText(): string;
}

/**
 * Uncontrolled Monaco (`defaultValue` + `onChange`): a controlled value drops keystrokes under
 * fast typing. Outside changes come in through `handle.setText`.
 */
export default function CodeEditor({
  language,
  defaultValue,
  onChange,
  markers,
  readOnly,
  ariaLabel,
  onReady,
}: {
  language: string;
  defaultValue: string;
  onChange: (text: string) => void;
  markers: EditorMarker[];
  readOnly: boolean;
  ariaLabel: string;
  onReady: (handle: CodeEditorHandle) => void;
}) {
  const editorRef = useRef<editor.IStandaloneCodeEditor | null>(null);
  const monacoRef = useRef<Monaco | null>(null);
  const applyingRef = useRef(false);
  const onChangeRef = useRef(onChange);
  useEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    const m = monacoRef.current;
    if (!model || !m) return;
    m.editor.setModelMarkers(
      model,
      "weft",
      markers.map((mk) => ({
        message: mk.message,
        severity: mk.severity === "error" ? m.MarkerSeverity.Error : m.MarkerSeverity.Warning,
        startLineNumber: mk.startLine,
        startColumn: mk.startColumn,
        endLineNumber: mk.endLine,
        endColumn: mk.endColumn,
      })),
    );
  }, [markers]);

  useEffect(() => {
    editorRef.current?.updateOptions({ readOnly });
  }, [readOnly]);

  return (
    // "nokey": React Flow's key handling must not swallow keys (space, Backspace) typed here.
    <div className="code-editor nokey">
      <Editor
        language={language}
        defaultValue={defaultValue}
        theme={
          typeof window !== "undefined" && window.matchMedia?.("(prefers-color-scheme: dark)").matches
            ? "vs-dark"
            : "vs"
        }
        loading={<div className="state state-loading">Loading editor…</div>}
        options={{
          readOnly,
          minimap: { enabled: false },
          fontSize: 13,
          tabSize: 2,
          scrollBeyondLastLine: false,
          automaticLayout: true,
          wordWrap: "on",
          // The default dims the last line number below WCAG contrast.
          renderFinalNewline: "on",
          ariaLabel,
          fixedOverflowWidgets: true,
        }}
        onMount={(instance, m) => {
          editorRef.current = instance;
          monacoRef.current = m as unknown as Monaco;
          onReady({
            setText(text) {
              const model = instance.getModel();
              if (!model || model.getValue() === text) return;
              applyingRef.current = true;
              if (instance.getOption(m.editor.EditorOption.readOnly)) {
                model.setValue(text);
              } else {
                // An edit operation (not setValue) keeps the undo stack.
                instance.executeEdits("weft-sync", [{ range: model.getFullModelRange(), text }]);
                instance.pushUndoStop();
              }
              applyingRef.current = false;
            },
            getText: () => instance.getValue(),
          });
          const model = instance.getModel();
          if (model) {
            m.editor.setModelMarkers(
              model,
              "weft",
              markers.map((mk) => ({
                message: mk.message,
                severity: mk.severity === "error" ? m.MarkerSeverity.Error : m.MarkerSeverity.Warning,
                startLineNumber: mk.startLine,
                startColumn: mk.startColumn,
                endLineNumber: mk.endLine,
                endColumn: mk.endColumn,
              })),
            );
          }
        }}
        onChange={(value) => {
          if (!applyingRef.current) onChangeRef.current(value ?? "");
        }}
      />
    </div>
  );
}
