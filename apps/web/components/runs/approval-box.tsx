"use client";

import { useId, useState } from "react";
import { useMutation } from "urql";
import { ConfirmDialog } from "@/components/ui/dialog";
import { errorMessage } from "@/components/ui/states";
import { APPROVE_NODE, type ApproveNodeData } from "@/lib/graphql/runs";

/**
 * An approval step waiting for a decision. Approving lets the run continue; rejecting fails the
 * step (and, without an error branch, the run), so it asks for confirmation first. The gateway
 * checks the role (EDITOR or above) and the step's approver list; the buttons follow the same rules.
 */
export function ApprovalBox({
  runId,
  nodeId,
  message,
  approvers,
  canDecide,
  myEmail,
}: {
  runId: string;
  nodeId: string;
  message: string;
  approvers: string[] | null;
  canDecide: boolean;
  myEmail: string | undefined;
}) {
  const commentId = useId();
  const [comment, setComment] = useState("");
  const [confirmReject, setConfirmReject] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [sent, setSent] = useState<"approved" | "rejected" | null>(null);
  const [{ fetching }, approve] = useMutation<ApproveNodeData>(APPROVE_NODE);
  const named = approvers?.length
    ? approvers.some((a) => a.toLowerCase() === (myEmail ?? "").toLowerCase())
    : true;

  async function decide(approved: boolean) {
    setError(undefined);
    const result = await approve({ runId, nodeId, approved, comment: comment.trim() || null });
    setConfirmReject(false);
    if (result.error) setError(errorMessage(result.error));
    else setSent(approved ? "approved" : "rejected");
  }

  return (
    <div className="approval-box" role="group" aria-label={`Approval for ${nodeId}`}>
      <p className="approval-question">{message || "Approve this step?"}</p>
      {approvers?.length ? (
        <p className="small muted">Approvers: {approvers.join(", ")}</p>
      ) : (
        <p className="small muted">Any editor, admin or owner of the workspace can decide.</p>
      )}
      {!canDecide ? (
        <p className="small">Waiting for an editor to decide. Viewers cannot approve or reject.</p>
      ) : !named ? (
        <p className="small">Only the approvers named on this step can decide it.</p>
      ) : sent ? (
        <p role="status" className="small">
          {sent === "approved" ? "Approved" : "Rejected"}; the run is continuing…
        </p>
      ) : (
        <>
          <div className="field">
            <label htmlFor={commentId}>Comment (optional)</label>
            <textarea
              id={commentId}
              rows={2}
              value={comment}
              maxLength={2000}
              onChange={(e) => setComment(e.target.value)}
            />
          </div>
          <div className="toolbar">
            <button
              type="button"
              className="button button-primary button-small"
              disabled={fetching}
              onClick={() => void decide(true)}
            >
              Approve
            </button>
            <button
              type="button"
              className="button button-danger button-small"
              disabled={fetching}
              onClick={() => setConfirmReject(true)}
            >
              Reject
            </button>
          </div>
        </>
      )}
      <p role="alert" className={error ? "form-error" : "visually-hidden"}>
        {error}
      </p>
      <ConfirmDialog
        open={confirmReject}
        onClose={() => setConfirmReject(false)}
        title="Reject this step?"
        confirmLabel="Reject step"
        busyLabel="Rejecting…"
        cancelLabel="Keep waiting"
        busy={fetching}
        onConfirm={() => void decide(false)}
      >
        <p>
          Rejecting fails <span className="mono">{nodeId}</span>; unless the agent handles the error, the
          whole run fails.
        </p>
        {comment.trim() && <p className="small muted">Your comment is sent with the rejection.</p>}
      </ConfirmDialog>
    </div>
  );
}
