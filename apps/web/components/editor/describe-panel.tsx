"use client";

import type { GraphInput } from "@weft/schema";
import { printSpec } from "@weft/schema/spec/index";
import Link from "next/link";
import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { useClient, useQuery } from "urql";
import { Loading, ErrorState, errorMessage } from "@/components/ui/states";
import { normaliseGraph, type DraftGraph, type DraftStore } from "@/lib/editor/draft-store";
import { carryPositions, diffGraphs } from "@/lib/editor/graph-ops";
import { useDraft } from "@/lib/editor/hooks";
import { toGatewayError } from "@/lib/gateway-error";
import { PROVIDERS, type ProvidersData } from "@/lib/graphql";
import { GENERATE_SPEC, type GenerateSpecData, type SpecResultData } from "@/lib/graphql/generate";
import { SpecDiff } from "./spec-diff";
import { DiffView } from "./versions";

type State =
  | { kind: "idle" }
  | { kind: "generating"; startedAt: number }
  | { kind: "proposal"; prompt: string; result: SpecResultData; baseSeq: number }
  | { kind: "failed"; message: string; fixInSettings: boolean };

/** The draft as AgentSpec, with the same meta the spec view prints; null when it cannot be printed. */
export function draftSpec(graph: DraftGraph, name: string): string | null {
  try {
    return printSpec(graph as unknown as GraphInput, { name });
  } catch {
    return null;
  }
}

/**
 * "Describe in English": a request goes to generateSpec (with the current draft's spec, so the
 * model changes only what was asked); the answer is shown as a spec diff and a step summary
 * against the draft, and Accept applies it to the draft like any other edit (one undo step,
 * autosaved). Only rendered for EDITOR and above (generation spends the workspace's LLM budget).
 */
export function DescribePanel({
  store,
  agentName,
  workspaceId,
  canAdmin,
  onClose,
  onApplied,
}: {
  store: DraftStore;
  agentName: string;
  workspaceId: string;
  canAdmin: boolean;
  onClose: () => void;
  onApplied: (summary: string) => void;
}) {
  const client = useClient();
  const snapshot = useDraft(store);
  const [prompt, setPrompt] = useState("");
  const [promptError, setPromptError] = useState<string | undefined>();
  const [state, setState] = useState<State>({ kind: "idle" });
  const request = useRef(0);
  /** Stops the generation in flight (aborts its request). */
  const inflight = useRef<(() => void) | null>(null);
  // Closing the panel (or leaving the page) mid-generation stops it too.
  useEffect(() => () => inflight.current?.(), []);
  const promptRef = useRef<HTMLTextAreaElement>(null);
  const ids = useId();
  const [providers, reloadProviders] = useQuery<ProvidersData>({
    query: PROVIDERS,
    variables: { id: workspaceId },
    requestPolicy: "network-only",
  });
  const providerCount = providers.data?.workspace?.providers.length;
  const empty = snapshot.graph.nodes.length === 0;

  useEffect(() => {
    promptRef.current?.focus();
  }, []);

  async function generate(event?: FormEvent) {
    event?.preventDefault();
    if (state.kind === "generating") return;
    const text = prompt.trim();
    if (!text) {
      setPromptError("Describe the agent or the change you want.");
      promptRef.current?.focus();
      return;
    }
    const current = empty ? null : draftSpec(store.graph, agentName);
    if (!empty && current === null) {
      setPromptError(
        "The draft has problems the AgentSpec cannot show yet; fix them first (see the problem count).",
      );
      return;
    }
    setPromptError(undefined);
    const id = ++request.current;
    const baseSeq = store.getSnapshot().seq;
    setState({ kind: "generating", startedAt: Date.now() });
    // urql never aborts a mutation's request, so it gets a fetch with our own signal: aborting it
    // closes the request, and the gateway then cancels the generation itself.
    const abort = new AbortController();
    inflight.current = () => abort.abort();
    const result = await client
      .mutation<GenerateSpecData>(
        GENERATE_SPEC,
        { workspaceId, prompt: text, currentSpec: current },
        { fetch: (url, init) => fetch(url, { ...init, signal: abort.signal }) },
      )
      .toPromise();
    if (id !== request.current) return; // cancelled, or superseded
    inflight.current = null;
    if (result.data) {
      setState({ kind: "proposal", prompt: text, result: result.data.generateSpec, baseSeq });
      return;
    }
    const first = result.error?.graphQLErrors[0];
    const info = first ? toGatewayError(first) : undefined;
    setState({
      kind: "failed",
      message: errorMessage(result.error),
      // Provider missing, key missing or refused, budget: all fixed under Settings → Providers/Secrets.
      fixInSettings: info?.code === "BAD_USER_INPUT",
    });
    if (info?.code === "BAD_USER_INPUT") reloadProviders({ requestPolicy: "network-only" });
  }

  function onPromptKey(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void generate();
    }
  }

  function cancel() {
    request.current++;
    inflight.current?.();
    inflight.current = null;
    setState({ kind: "idle" });
  }

  function discard() {
    setState({ kind: "idle" });
    promptRef.current?.focus();
  }

  function accept(graph: DraftGraph, summary: string) {
    store.set(carryPositions(graph, store.graph), "assistant");
    setState({ kind: "idle" });
    setPrompt("");
    onApplied(summary);
  }

  const settingsLink = <Link href={`/w/${workspaceId}/settings/providers`}>Settings → Providers</Link>;

  let body: React.ReactNode;
  if (providers.error) {
    body = (
      <ErrorState error={providers.error} retry={() => reloadProviders({ requestPolicy: "network-only" })} />
    );
  } else if (providerCount === undefined) {
    body = <Loading label="Checking the workspace's LLM provider…" />;
  } else if (providerCount === 0) {
    body = (
      <div className="describe-setup" role="note" data-testid="describe-no-provider">
        <p>
          <strong>No LLM provider is configured for this workspace.</strong>
        </p>
        <p>
          Describing an agent in English sends your request to the workspace&apos;s own LLM provider (OpenAI,
          Anthropic, Gemini or any OpenAI-compatible server).{" "}
          {canAdmin ? (
            <>Store its API key as a secret, then add the provider under {settingsLink}.</>
          ) : (
            <>Ask an admin of this workspace to add one under {settingsLink}.</>
          )}
        </p>
        <button
          type="button"
          className="button button-secondary button-small"
          onClick={() => reloadProviders({ requestPolicy: "network-only" })}
        >
          Check again
        </button>
      </div>
    );
  } else {
    body = (
      <>
        <form className="form describe-form" noValidate onSubmit={(e) => void generate(e)}>
          <div className={`field${promptError ? " field-invalid" : ""}`}>
            <label htmlFor={`${ids}-prompt`}>
              {empty ? "Describe the agent you want" : "What should change?"}
            </label>
            <textarea
              id={`${ids}-prompt`}
              ref={promptRef}
              rows={4}
              value={prompt}
              disabled={state.kind === "generating"}
              aria-invalid={promptError ? true : undefined}
              aria-describedby={`${ids}-hint${promptError ? ` ${ids}-error` : ""}`}
              placeholder={
                empty
                  ? "Every morning, fetch the top posts of r/typescript and summarise them."
                  : "Add a step that logs the summary."
              }
              onChange={(e) => {
                setPrompt(e.target.value);
                if (promptError) setPromptError(undefined);
              }}
              onKeyDown={onPromptKey}
            />
            <p id={`${ids}-hint`} className="field-hint">
              {empty
                ? "The model writes a new AgentSpec."
                : "The model edits the current draft and changes only what you ask."}{" "}
              Ctrl+Enter (⌘+Enter) to send. Nothing changes until you accept.
            </p>
            {promptError && (
              <p id={`${ids}-error`} className="field-error">
                {promptError}
              </p>
            )}
          </div>
          <div className="form-actions">
            {/* Keys: without them React reuses one <button> and merely flips its type, so the
                click on "Stop waiting" would end as a submit of the new type and start again. */}
            {state.kind === "generating" ? (
              <button
                key="stop"
                type="button"
                className="button button-secondary button-small"
                onClick={cancel}
              >
                Stop waiting
              </button>
            ) : (
              <button key="send" type="submit" className="button button-primary button-small">
                {empty ? "Write the agent" : "Propose change"}
              </button>
            )}
          </div>
        </form>
        {state.kind === "generating" && <Generating startedAt={state.startedAt} />}
        {state.kind === "failed" && (
          <div className="form-error describe-failed" role="alert">
            <p>{state.message}</p>
            {state.fixInSettings && <p>Check the provider and its API key under {settingsLink}.</p>}
          </div>
        )}
        {state.kind === "proposal" && (
          <Proposal
            key={state.result.spec ?? ""}
            result={state.result}
            draft={snapshot.graph}
            draftChanged={snapshot.seq !== state.baseSeq}
            agentName={agentName}
            onAccept={accept}
            onDiscard={discard}
          />
        )}
      </>
    );
  }

  return (
    <aside className="describe-panel" aria-labelledby={`${ids}-title`} id="describe-panel">
      <div className="describe-head">
        <h2 id={`${ids}-title`}>Describe in English</h2>
        <button type="button" className="icon-button" aria-label="Close the English panel" onClick={onClose}>
          ×
        </button>
      </div>
      {body}
    </aside>
  );
}

function Generating({ startedAt }: { startedAt: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.round((now - startedAt) / 1000));
  return (
    <div className="state state-loading describe-generating" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>
        Writing the spec… this usually takes a few seconds
        <span className="muted"> ({seconds} s)</span>
      </span>
    </div>
  );
}

function Proposal({
  result,
  draft,
  draftChanged,
  agentName,
  onAccept,
  onDiscard,
}: {
  result: SpecResultData;
  draft: DraftGraph;
  draftChanged: boolean;
  agentName: string;
  onAccept: (graph: DraftGraph, summary: string) => void;
  onDiscard: () => void;
}) {
  const proposed = useMemo(() => (result.ok && result.graph ? normaliseGraph(result.graph) : null), [result]);
  const before = useMemo(() => draftSpec(draft, agentName) ?? "", [draft, agentName]);
  // What the spec view will show after accepting (the agent keeps its name).
  const after = useMemo(
    () => (proposed ? (draftSpec(proposed, agentName) ?? result.spec ?? "") : (result.spec ?? "")),
    [proposed, agentName, result.spec],
  );
  const diff = useMemo(() => (proposed ? diffGraphs(draft, proposed) : null), [draft, proposed]);
  const unchanged = before === after;
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  const warnings = result.diagnostics.filter((d) => d.severity !== "error");
  const summary = diff
    ? [
        diff.added.length && `${diff.added.length} step${diff.added.length === 1 ? "" : "s"} added`,
        diff.removed.length && `${diff.removed.length} removed`,
        diff.changed.length && `${diff.changed.length} changed`,
      ]
        .filter(Boolean)
        .join(", ") || "connections changed"
    : "";

  return (
    <section className="describe-proposal" aria-label="Proposed change">
      <h3>Proposed change</h3>
      {!result.ok ? (
        <div className="form-error" role="alert" data-testid="describe-diagnostics">
          <p>
            The model&apos;s spec does not compile, even after it was shown its mistakes, so it cannot be
            applied. Rephrase the request and try again.
          </p>
          <ul className="describe-diagnostics" aria-label="Problems in the proposed spec">
            {errors.map((d, i) => (
              <li key={i}>
                {d.line !== null ? `Line ${d.line}: ` : ""}
                {d.message}
              </li>
            ))}
          </ul>
        </div>
      ) : unchanged ? (
        <p className="muted" role="status">
          The model proposed no changes to the draft.
        </p>
      ) : (
        diff && <DiffView title="Steps and connections" diff={diff} />
      )}
      {warnings.length > 0 && (
        <ul className="describe-warnings small" aria-label="Warnings">
          {warnings.map((d, i) => (
            <li key={i}>
              {d.line !== null ? `Line ${d.line}: ` : ""}
              {d.message}
            </li>
          ))}
        </ul>
      )}
      {draftChanged && (
        <p className="muted small">
          The draft changed while this was written; the diff is against the draft as it is now.
        </p>
      )}
      {!unchanged && <SpecDiff before={before} after={after} label="AgentSpec changes" />}
      <div className="form-actions describe-actions">
        <button type="button" className="button button-secondary button-small" onClick={onDiscard}>
          Discard
        </button>
        {proposed && !unchanged && (
          <button
            type="button"
            className="button button-primary button-small"
            onClick={() => onAccept(proposed, summary)}
          >
            Accept
          </button>
        )}
      </div>
    </section>
  );
}
