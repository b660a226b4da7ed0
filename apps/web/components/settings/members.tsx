"use client";

import { useSession } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { useWorkspace } from "@/components/shell/workspace-context";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { EmptyState, ErrorState, InlineError, Loading, errorMessage } from "@/components/ui/states";
import { fieldErrors, toGatewayError } from "@/lib/gateway-error";
import {
  INVITE_MEMBER,
  MEMBERS,
  ROLES,
  SET_MEMBER_ROLE,
  atLeast,
  type Member,
  type MembersData,
  type Role,
} from "@/lib/graphql";
import { REMOVE_MEMBER, REVOKE_INVITATION } from "@/lib/graphql-settings";

export function MembersPage() {
  const ws = useWorkspace();
  const { data: session } = useSession();
  const [{ data, error }, reexecute] = useQuery<MembersData>({ query: MEMBERS, variables: { id: ws.id } });
  const [, setRole] = useMutation(SET_MEMBER_ROLE);
  const [rowError, setRowError] = useState<string | undefined>();
  const [removing, setRemoving] = useState<Member | null>(null);
  const [notice, setNotice] = useState<string | undefined>();
  const members = data?.workspace?.members ?? [];
  const refresh = () => reexecute({ requestPolicy: "network-only" });

  async function changeRole(member: Member, role: Role) {
    setRowError(undefined);
    setNotice(undefined);
    const result = await setRole(
      { workspaceId: ws.id, userId: member.user.id, role },
      { additionalTypenames: ["Membership"] },
    );
    if (result.error) setRowError(errorMessage(result.error));
    else
      setNotice(
        `${member.user.email} is now ${role.toLowerCase()}.` +
          // The gateway lowers the member's API keys with them (a key never holds more).
          (atLeast(member.role, role) && member.role !== role
            ? ` Their API keys here hold at most ${role.toLowerCase()} now.`
            : ""),
      );
    reexecute({ requestPolicy: "network-only" });
  }

  return (
    <div className="page">
      <div className="page-head">
        <h1>Members</h1>
      </div>
      {ws.canAdmin && <InviteForm onInvited={refresh} />}
      <InlineError message={rowError} />
      {notice && (
        <p role="status" className="form-ok">
          {notice}
        </p>
      )}
      {error ? (
        <ErrorState error={error} retry={() => reexecute({ requestPolicy: "network-only" })} />
      ) : !data ? (
        <Loading label="Loading members…" />
      ) : members.length === 0 ? (
        <EmptyState title="No members" />
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              {ws.canAdmin && (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {members.map((m) => {
              const self = m.user.id === session?.user.id;
              return (
                <tr key={m.user.id}>
                  <td>
                    <div>{m.user.name ?? m.user.email}</div>
                    {m.user.name && <div className="muted small">{m.user.email}</div>}
                  </td>
                  <td>
                    {ws.canAdmin && !self && !m.pending ? (
                      <>
                        <label className="visually-hidden" htmlFor={`role-${m.user.id}`}>
                          Role of {m.user.email}
                        </label>
                        <select
                          id={`role-${m.user.id}`}
                          value={m.role}
                          onChange={(e) => void changeRole(m, e.target.value as Role)}
                        >
                          {ROLES.filter(
                            (r) => r !== "OWNER" || ws.myRole === "OWNER" || m.role === "OWNER",
                          ).map((r) => (
                            <option key={r} value={r}>
                              {r.toLowerCase()}
                            </option>
                          ))}
                        </select>
                      </>
                    ) : (
                      <span className="badge">{m.role.toLowerCase()}</span>
                    )}
                  </td>
                  <td>{m.pending ? <span className="badge">Invited</span> : self ? "You" : "Active"}</td>
                  {ws.canAdmin && (
                    <td className="row-actions">
                      {!self && atLeast(ws.myRole, m.role) && (
                        <button
                          type="button"
                          className="button button-danger button-small"
                          aria-label={`${m.pending ? "Revoke invitation of" : "Remove"} ${m.user.email}`}
                          onClick={() => {
                            setNotice(undefined);
                            setRemoving(m);
                          }}
                        >
                          {m.pending ? "Revoke" : "Remove"}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <RemoveDialog
        member={removing}
        onClose={() => setRemoving(null)}
        onDone={(message) => {
          setRemoving(null);
          setNotice(message);
          refresh();
        }}
      />
    </div>
  );
}

/** Confirms removing a member or withdrawing a pending invitation. */
function RemoveDialog({
  member,
  onClose,
  onDone,
}: {
  member: Member | null;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const ws = useWorkspace();
  const [{ fetching: removingMember }, removeMember] = useMutation<{ removeMember: boolean }>(REMOVE_MEMBER);
  const [{ fetching: revokingInvite }, revokeInvitation] = useMutation<{ revokeInvitation: boolean }>(
    REVOKE_INVITATION,
  );
  const [error, setError] = useState<string | undefined>();
  const busy = removingMember || revokingInvite;

  async function confirm() {
    if (!member) return;
    setError(undefined);
    const result = member.pending
      ? await revokeInvitation({ workspaceId: ws.id, id: member.user.id })
      : await removeMember({ workspaceId: ws.id, userId: member.user.id });
    if (result.error) {
      setError(errorMessage(result.error));
      return;
    }
    onDone(
      member.pending
        ? `Withdrew the invitation for ${member.user.email}.`
        : `Removed ${member.user.email} from ${ws.name}.`,
    );
  }

  return (
    <ConfirmDialog
      open={member !== null}
      onClose={() => {
        setError(undefined);
        onClose();
      }}
      title={member?.pending ? "Revoke invitation" : "Remove member"}
      confirmLabel={member?.pending ? "Revoke invitation" : "Remove member"}
      busyLabel="Working…"
      busy={busy}
      error={error}
      onConfirm={() => void confirm()}
    >
      {member && (
        <p>
          {member.pending ? (
            <>
              Withdraw the invitation for <strong>{member.user.email}</strong>? Signing up with that email
              will no longer add them to {ws.name}.
            </>
          ) : (
            <>
              Remove <strong>{member.user.name ?? member.user.email}</strong> from {ws.name}? They lose access
              at once, and the API keys they created here are revoked.
            </>
          )}
        </p>
      )}
    </ConfirmDialog>
  );
}

function InviteForm({ onInvited }: { onInvited: () => void }) {
  const ws = useWorkspace();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("EDITOR");
  const [emailError, setEmailError] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const [{ fetching }, invite] = useMutation<{ inviteMember: { pending: boolean } }>(INVITE_MEMBER);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setDone(undefined);
    setError(undefined);
    if (!/^\S+@\S+\.\S+$/.test(email.trim())) {
      setEmailError("Enter a valid email address.");
      return;
    }
    setEmailError(undefined);
    const result = await invite(
      { workspaceId: ws.id, email: email.trim(), role },
      { additionalTypenames: ["Membership"] },
    );
    if (result.data) {
      setDone(
        result.data.inviteMember.pending
          ? `Invited ${email.trim()}; they join when they sign up with this email. Weft sends no email: let them know.`
          : `Added ${email.trim()} as ${role.toLowerCase()}.`,
      );
      setEmail("");
      onInvited();
      return;
    }
    const first = result.error?.graphQLErrors[0];
    const perField = first ? fieldErrors(toGatewayError(first)) : {};
    if (perField["email"]) setEmailError(perField["email"]);
    else setError(errorMessage(result.error));
  }

  return (
    <form
      className="form form-inline card"
      noValidate
      onSubmit={(e) => void onSubmit(e)}
      aria-label="Invite a member"
    >
      <Field label="Email" error={emailError}>
        {(props) => (
          <input
            {...props}
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            placeholder="teammate@company.com"
          />
        )}
      </Field>
      <Field label="Role">
        {(props) => (
          <select {...props} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.filter((r) => r !== "OWNER").map((r) => (
              <option key={r} value={r}>
                {r.toLowerCase()}
              </option>
            ))}
          </select>
        )}
      </Field>
      <button type="submit" className="button button-primary" disabled={fetching}>
        {fetching ? "Inviting…" : "Invite"}
      </button>
      <InlineError message={error} />
      {done && (
        <p role="status" className="form-ok">
          {done}
        </p>
      )}
    </form>
  );
}
