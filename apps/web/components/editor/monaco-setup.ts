"use client";

import { loader } from "@monaco-editor/react";
import * as monaco from "monaco-editor";

/**
 * Monaco from our own bundle, never the CDN loader (the studio makes no third-party requests),
 * with its workers built from local entry files.
 */
let configured = false;

export function setupMonaco(): typeof monaco {
  if (!configured) {
    configured = true;
    self.MonacoEnvironment = {
      getWorker(_workerId: string, label: string) {
        if (label === "json") {
          return new Worker(new URL("./json.worker.ts", import.meta.url), { type: "module" });
        }
        return new Worker(new URL("./editor.worker.ts", import.meta.url), { type: "module" });
      },
    };
    loader.config({ monaco });
  }
  return monaco;
}

export type Monaco = typeof monaco;
