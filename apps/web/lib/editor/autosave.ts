"use client";

import { validateGraph } from "@weft/schema";
import { useCallback, useEffect, useRef, useState } from "react";
import { useClient } from "urql";
import { toGatewayError, describeError } from "@/lib/gateway-error";
import { AGENT, UPDATE_DRAFT, type AgentData, type UpdateDraftData, type UserRef } from "@/lib/graphql";
import { normaliseGraph, type DraftStore } from "./draft-store";

export const AUTOSAVE_DELAY_MS = 800;

export type SaveStatus = "saved" | "dirty" | "saving" | "invalid" | "error" | "conflict";

export interface Conflict {
  updatedBy: UserRef | null;
  updatedAt: string | null;
  currentRevision: number;
}

/**
 * Debounced autosave with optimistic concurrency: every write names the revision it was based
 * on, and a CONFLICT stops saving (the local draft stays in the editor) until the user picks
 * "Reload theirs" or "Overwrite with mine".
 */
export function useAutosave(store: DraftStore, agentId: string, initialRevision: number, enabled: boolean) {
  const client = useClient();
  const [status, setStatus] = useState<SaveStatus>("saved");
  const [message, setMessage] = useState<string | undefined>();
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [revision, setRevision] = useState(initialRevision);
  const revisionRef = useRef(initialRevision);
  const savedJson = useRef(JSON.stringify(store.graph));
  const inFlight = useRef<Promise<boolean> | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const conflictRef = useRef<Conflict | null>(null);

  const setRev = (n: number) => {
    revisionRef.current = n;
    setRevision(n);
  };

  const saveNow = useCallback(async (): Promise<boolean> => {
    clearTimeout(timer.current);
    if (conflictRef.current) return false;
    if (inFlight.current) {
      await inFlight.current;
      return saveNow();
    }
    const graph = store.graph;
    const json = JSON.stringify(graph);
    if (json === savedJson.current) {
      setStatus("saved");
      return true;
    }
    const validation = validateGraph(graph);
    if (!validation.ok) {
      setStatus("invalid");
      setMessage(
        `${validation.errors.length} problem${validation.errors.length === 1 ? "" : "s"} to fix before saving`,
      );
      return false;
    }
    setStatus("saving");
    const run = (async () => {
      const result = await client
        .mutation<UpdateDraftData>(UPDATE_DRAFT, {
          agentId,
          // Graph only: the gateway prints the canonical spec (with the agent's name) itself.
          graph,
          expectedRevision: revisionRef.current,
        })
        .toPromise();
      if (result.data) {
        setRev(result.data.updateDraft.draftRevision);
        savedJson.current = json;
        const dirty = JSON.stringify(store.graph) !== json;
        setStatus(dirty ? "dirty" : "saved");
        setMessage(undefined);
        return true;
      }
      const first = result.error?.graphQLErrors[0];
      const info = first ? toGatewayError(first) : undefined;
      if (info?.code === "CONFLICT") {
        const d = info.details ?? {};
        const c: Conflict = {
          updatedBy: (d["updatedBy"] as UserRef | undefined) ?? null,
          updatedAt: typeof d["updatedAt"] === "string" ? d["updatedAt"] : null,
          currentRevision:
            typeof d["currentRevision"] === "number" ? d["currentRevision"] : revisionRef.current,
        };
        conflictRef.current = c;
        setConflict(c);
        setStatus("conflict");
        return false;
      }
      setStatus("error");
      setMessage(info ? describeError(info) : "Could not reach the Weft API; your changes are kept here.");
      return false;
    })();
    inFlight.current = run;
    try {
      return await run;
    } finally {
      inFlight.current = null;
    }
  }, [client, store, agentId]);

  useEffect(() => {
    if (!enabled) return;
    return store.subscribe(() => {
      if (conflictRef.current) return;
      const dirty = JSON.stringify(store.graph) !== savedJson.current;
      if (!dirty) {
        clearTimeout(timer.current);
        setStatus((s) => (s === "saving" ? s : "saved"));
        return;
      }
      setStatus((s) => (s === "saving" ? s : "dirty"));
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void saveNow(), AUTOSAVE_DELAY_MS);
    });
  }, [store, enabled, saveNow]);

  useEffect(() => () => clearTimeout(timer.current), []);

  // Closing the tab with unsaved work asks first.
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (enabled && JSON.stringify(store.graph) !== savedJson.current) event.preventDefault();
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [store, enabled]);

  /** Their draft replaces the editor's; ours stays one undo step away. */
  const reloadTheirs = useCallback(async () => {
    const result = await client
      .query<AgentData>(AGENT, { id: agentId }, { requestPolicy: "network-only" })
      .toPromise();
    const agent = result.data?.agent;
    if (!agent) {
      setMessage(
        result.error
          ? describeError(toGatewayError(result.error.graphQLErrors[0] ?? { message: result.error.message }))
          : "Agent not found",
      );
      return;
    }
    const theirs = normaliseGraph(agent.draftGraph);
    savedJson.current = JSON.stringify(theirs);
    setRev(agent.draftRevision);
    conflictRef.current = null;
    setConflict(null);
    store.set(theirs, "remote");
    setStatus("saved");
  }, [client, agentId, store]);

  const overwrite = useCallback(async () => {
    const c = conflictRef.current;
    if (!c) return;
    setRev(c.currentRevision);
    conflictRef.current = null;
    setConflict(null);
    await saveNow();
  }, [saveNow]);

  return { status, message, conflict, revision, saveNow, reloadTheirs, overwrite };
}
