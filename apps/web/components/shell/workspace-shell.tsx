"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useSession } from "next-auth/react";
import { useMemo, useState, type ReactNode } from "react";
import { useQuery } from "urql";
import { Dialog } from "@/components/ui/dialog";
import { ErrorState, Loading } from "@/components/ui/states";
import { WORKSPACES, type WorkspacesData } from "@/lib/graphql";
import { CreateWorkspaceForm } from "./create-workspace";
import { SignOutButton } from "./sign-out";
import { useGatewayReady } from "./use-token";
import { WorkspaceContext, workspaceInfo } from "./workspace-context";

const NAV: { href: string; label: string; section?: string }[] = [
  { href: "", label: "Agents" },
  { href: "/runs", label: "Runs" },
  { href: "/schedules", label: "Schedules" },
  { href: "/settings/members", label: "Members", section: "Settings" },
  { href: "/settings/api-keys", label: "API keys", section: "Settings" },
  { href: "/settings/secrets", label: "Secrets", section: "Settings" },
  { href: "/settings/providers", label: "Providers", section: "Settings" },
  { href: "/settings/audit", label: "Audit log", section: "Settings" },
  { href: "/settings/usage", label: "Usage", section: "Settings" },
];

export function WorkspaceShell({ workspaceId, children }: { workspaceId: string; children: ReactNode }) {
  const ready = useGatewayReady();
  const router = useRouter();
  const pathname = usePathname();
  const { data: session } = useSession();
  const [creating, setCreating] = useState(false);
  const [{ data, error }, reexecute] = useQuery<WorkspacesData>({ query: WORKSPACES, pause: !ready });
  const current = data?.workspaces.find((w) => w.id === workspaceId);
  const info = useMemo(() => (current ? workspaceInfo(current) : null), [current]);
  const base = `/w/${workspaceId}`;
  const inEditor = pathname.includes("/agents/");

  let content: ReactNode;
  if (error)
    content = <ErrorState error={error} retry={() => reexecute({ requestPolicy: "network-only" })} />;
  else if (!data) content = <Loading />;
  else if (!info)
    content = (
      <ErrorState
        title="Workspace not found"
        error="It does not exist or you are not a member of it."
        retry={() => router.push("/w")}
      />
    );
  else content = <WorkspaceContext.Provider value={info}>{children}</WorkspaceContext.Provider>;

  return (
    <div className={`studio${inEditor ? " studio-editor" : ""}`}>
      <aside className="sidebar" aria-label="Workspace">
        <Link href={base} className="brand brand-small" aria-label="Weft: agents">
          <span className="brand-mark" aria-hidden="true" />
          Weft
        </Link>
        <div className="ws-switcher">
          <label htmlFor="ws-select" className="visually-hidden">
            Workspace
          </label>
          <select
            id="ws-select"
            value={workspaceId}
            disabled={!data}
            onChange={(e) => router.push(`/w/${e.target.value}`)}
          >
            {!current && <option value={workspaceId}>{data ? "Unknown workspace" : "Loading…"}</option>}
            {data?.workspaces.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="icon-button"
            aria-label="Create workspace"
            title="Create workspace"
            onClick={() => setCreating(true)}
          >
            +
          </button>
        </div>
        {info && <p className="role-badge">Your role: {info.myRole.toLowerCase()}</p>}
        <nav aria-label="Workspace sections">
          <ul className="nav-list">
            {NAV.map((item, index) => {
              const href = `${base}${item.href}`;
              const active =
                item.href === ""
                  ? pathname === base || pathname.startsWith(`${base}/agents`)
                  : pathname.startsWith(href);
              const heading = item.section && NAV[index - 1]?.section !== item.section;
              return (
                <li key={item.href}>
                  {heading && <span className="nav-section">{item.section}</span>}
                  <Link href={href} aria-current={active ? "page" : undefined} className="nav-link">
                    {item.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="sidebar-foot">
          <span className="muted small" title={session?.user.email}>
            {session?.user.name || session?.user.email}
          </span>
          <SignOutButton />
        </div>
      </aside>
      <main id="main" tabIndex={-1} className="studio-main">
        {content}
      </main>
      <Dialog open={creating} onClose={() => setCreating(false)} title="Create workspace">
        <CreateWorkspaceForm
          onCreated={(ws) => {
            setCreating(false);
            router.push(`/w/${ws.id}`);
          }}
        />
      </Dialog>
    </div>
  );
}
