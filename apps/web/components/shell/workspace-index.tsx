"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { useQuery } from "urql";
import { SiteChrome } from "@/components/site-chrome";
import { ErrorState, Loading } from "@/components/ui/states";
import { WORKSPACES, type WorkspacesData } from "@/lib/graphql";
import { CreateWorkspaceForm } from "./create-workspace";
import { SignOutButton } from "./sign-out";
import { useGatewayReady } from "./use-token";

/** `/w`: go to the first workspace, or help create one. */
export function WorkspaceIndex() {
  const ready = useGatewayReady();
  const router = useRouter();
  const [{ data, error, fetching }, reexecute] = useQuery<WorkspacesData>({
    query: WORKSPACES,
    pause: !ready,
  });
  const first = data?.workspaces[0];
  useEffect(() => {
    if (first) router.replace(`/w/${first.id}`);
  }, [first, router]);

  let body;
  if (error) body = <ErrorState error={error} retry={() => reexecute({ requestPolicy: "network-only" })} />;
  else if (!data || fetching || first) body = <Loading label="Opening your workspace…" />;
  else
    body = (
      <section className="auth-card" aria-labelledby="first-ws-title">
        <h1 id="first-ws-title">Create your first workspace</h1>
        <p className="muted">
          A workspace holds your team&apos;s agents, secrets and runs. You can invite teammates next.
        </p>
        <CreateWorkspaceForm onCreated={(ws) => router.push(`/w/${ws.id}`)} />
      </section>
    );
  return <SiteChrome nav={<SignOutButton />}>{body}</SiteChrome>;
}
