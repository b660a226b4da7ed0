"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useMutation } from "urql";
import { ConfirmDialog } from "@/components/ui/dialog";
import { errorMessage } from "@/components/ui/states";
import { CANCEL_RUN, RETRY_RUN, type RunStatus } from "@/lib/graphql";

/**
 * Cancel (queued or running runs; confirmed first: steps in flight are stopped) and
 * retry-from-failed (failed or cancelled runs: a new run that reuses the steps that succeeded,
 * opened on success). Shown to editors and above, the role the gateway requires for both.
 */
export function RunActions({
  runId,
  workspaceId,
  status,
  canEdit,
  onChanged,
}: {
  runId: string;
  workspaceId: string;
  status: RunStatus;
  canEdit: boolean;
  onChanged: () => void;
}) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [{ fetching: cancelling }, cancel] = useMutation(CANCEL_RUN);
  const [{ fetching: retrying }, retry] = useMutation<{ retryRun: { id: string } }>(RETRY_RUN);
  if (!canEdit) return null;
  const active = status === "QUEUED" || status === "RUNNING";
  const retryable = status === "FAILED" || status === "CANCELLED";

  async function onCancel() {
    setError(undefined);
    const r = await cancel({ runId });
    setConfirming(false);
    if (r.error) setError(errorMessage(r.error));
    onChanged();
  }

  async function onRetry() {
    setError(undefined);
    const r = await retry({ runId }, { additionalTypenames: ["Run"] });
    if (r.data) router.push(`/w/${workspaceId}/runs/${r.data.retryRun.id}`);
    else setError(errorMessage(r.error));
  }

  return (
    <div className="run-actions">
      <div className="toolbar">
        {active && (
          <button
            type="button"
            className="button button-danger button-small"
            disabled={cancelling}
            onClick={() => setConfirming(true)}
          >
            {cancelling ? "Cancelling…" : "Cancel run"}
          </button>
        )}
        {retryable && (
          <button
            type="button"
            className="button button-primary button-small"
            disabled={retrying}
            onClick={() => void onRetry()}
          >
            {retrying ? "Starting…" : "Retry from failed step"}
          </button>
        )}
      </div>
      <p role="alert" className={error ? "form-error" : "visually-hidden"}>
        {error}
      </p>
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        title="Cancel this run?"
        confirmLabel="Cancel run"
        busyLabel="Cancelling…"
        cancelLabel="Keep running"
        busy={cancelling}
        onConfirm={() => void onCancel()}
      >
        <p>
          Steps that are running are stopped and the run ends as cancelled. Side effects that already happened
          (emails sent, requests made) are not undone. You can retry it afterwards.
        </p>
      </ConfirmDialog>
    </div>
  );
}
