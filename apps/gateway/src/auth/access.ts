import { isUuid, withWorkspace, type Prisma, type Role, type Tx } from "@weft/db";
import type { MemberRefusal } from "@weft/db/run-statements";
import type { AuthIdentity, GatewayContext } from "../context.ts";
import { AppError } from "../errors.ts";

/**
 * Authorization for every resolver. Two layers, both always on:
 * - here: is the caller a member of the workspace, with at least this role?
 * - in Postgres: the work runs in `withWorkspace`, so RLS confines every
 *   statement to that workspace even if a resolver forgets a filter.
 *
 * Non-members get NOT_FOUND, exactly like ids that do not exist, so probing
 * ids reveals nothing. FORBIDDEN is only ever said to members.
 */
export const ROLE_RANK: Readonly<Record<Role, number>> = { VIEWER: 1, EDITOR: 2, ADMIN: 3, OWNER: 4 };

export function roleAtLeast(role: Role, min: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[min];
}

/** The caller as seen inside one workspace. */
export interface Actor {
  workspaceId: string;
  role: Role;
  userId: string | null;
  apiKeyId: string | null;
}

export function requireAuth(ctx: GatewayContext): AuthIdentity {
  if (ctx.auth === null) throw new AppError("UNAUTHENTICATED", "You must be signed in");
  return ctx.auth;
}

/** For operations about a person (me, createWorkspace): API keys act for a workspace, not a person. */
export function requireUser(ctx: GatewayContext): string {
  const auth = requireAuth(ctx);
  if (auth.kind !== "user")
    throw new AppError("FORBIDDEN", "This operation needs a signed-in user, not an API key");
  return auth.userId;
}

export function notFound(what: string): AppError {
  return new AppError("NOT_FOUND", `${what} not found`);
}

export function forbidden(minRole: Role, role: string): AppError {
  return new AppError("FORBIDDEN", `This needs the ${minRole} role or higher; you are ${role}`);
}

function checkRole(actor: Actor | null, minRole: Role): Actor {
  if (actor === null) throw notFound("Workspace");
  if (!roleAtLeast(actor.role, minRole)) throw forbidden(minRole, actor.role);
  return actor;
}

/** The roles that satisfy `minRole`, for a statement that checks membership itself. */
export function rolesAtLeast(minRole: Role): Role[] {
  return (Object.keys(ROLE_RANK) as Role[]).filter((role) => roleAtLeast(role, minRole));
}

/**
 * What a statement's own membership check refusing means to the caller: as checkRole's answers
 * (not a member: NOT_FOUND of `what`, like an id that does not exist; FORBIDDEN only to members).
 */
export function refusalError(refusal: MemberRefusal, minRole: Role, what: string): AppError {
  if (refusal.reason === "role") return forbidden(minRole, refusal.role ?? "unknown");
  return notFound(refusal.reason === "no_agent" ? "Agent" : what);
}

/** The caller as `located` found them (a workspace and their role there), with `minRole` checked. */
export function locatedActor(
  auth: AuthIdentity,
  located: { workspaceId: string; role: string | null },
  minRole: Role,
): Actor {
  return checkRole(
    auth.kind === "apiKey"
      ? { workspaceId: auth.workspaceId, role: auth.role, userId: null, apiKeyId: auth.apiKeyId }
      : { workspaceId: located.workspaceId, role: located.role as Role, userId: auth.userId, apiKeyId: null },
    minRole,
  );
}

/**
 * For a read made in one statement that checks membership itself (readRunsPage): the caller as
 * that statement takes it, with the roles that satisfy `minRole`. An API key is checked here (it
 * carries its workspace and role); a person's membership and role are checked by the statement,
 * in its own transaction, and its refusals mean what checkRole's do (not a member: NOT_FOUND).
 */
export function memberRead(
  ctx: GatewayContext,
  workspaceId: string,
  minRole: Role,
): { userId: string | null; roles: Role[] } {
  const auth = requireAuth(ctx);
  if (!isUuid(workspaceId)) throw notFound("Workspace");
  const roles = rolesAtLeast(minRole);
  if (auth.kind === "user") return { userId: auth.userId, roles };
  keyActor(auth, workspaceId, minRole);
  return { userId: null, roles };
}

/** An API key as an actor in `workspaceId`: its own workspace only, with its role checked. */
function keyActor(
  auth: Extract<AuthIdentity, { kind: "apiKey" }>,
  workspaceId: string,
  minRole: Role,
): Actor {
  return checkRole(
    auth.workspaceId === workspaceId
      ? { workspaceId, role: auth.role, userId: null, apiKeyId: auth.apiKeyId }
      : null,
    minRole,
  );
}

/**
 * Runs `fn` in one RLS-scoped transaction after checking membership in the
 * same transaction, so a role change cannot slip in between check and work.
 * A person's role is read by the statement that scopes the transaction
 * (weft_member_role); an API key carries its workspace and role.
 */
export async function withMember<T>(
  ctx: GatewayContext,
  workspaceId: string,
  minRole: Role,
  fn: (tx: Tx, actor: Actor) => Promise<T>,
): Promise<T> {
  const auth = requireAuth(ctx);
  if (!isUuid(workspaceId)) throw notFound("Workspace");
  if (auth.kind === "apiKey") {
    const actor = keyActor(auth, workspaceId, minRole);
    return withWorkspace(ctx.services.prisma, workspaceId, (tx) => fn(tx, actor));
  }
  // No withScope: weft_member_role sets every scope setting itself, as its first act.
  return ctx.services.prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<Array<{ role: Role | null }>>`
      SELECT weft_member_role(${workspaceId}::uuid, ${auth.userId}::uuid) AS role`;
    const role = row?.role ?? null;
    return fn(
      tx,
      checkRole(role ? { workspaceId, role, userId: auth.userId, apiKeyId: null } : null, minRole),
    );
  });
}

/** Just the check, for callers that do their work elsewhere. */
export function requireMember(ctx: GatewayContext, workspaceId: string, minRole: Role): Promise<Actor> {
  return withMember(ctx, workspaceId, minRole, async (_tx, actor) => actor);
}

/**
 * A mutation inside a workspace: membership + role, then the workspace's
 * rate limit (after the check, so nobody can drain another tenant's budget
 * by sending it requests it is not allowed to make), then `fn`. Resolvers
 * write their AuditEvent with `recordAudit` inside `fn`: same transaction.
 */
export function mutateIn<T>(
  ctx: GatewayContext,
  workspaceId: string,
  minRole: Role,
  fn: (tx: Tx, actor: Actor) => Promise<T>,
): Promise<T> {
  return withMember(ctx, workspaceId, minRole, async (tx, actor) => {
    ctx.services.limiter.consume("workspace", workspaceId);
    return fn(tx, actor);
  });
}

export interface AuditEntry {
  /** Dotted verb, e.g. "agent.publish". */
  action: string;
  targetType: string;
  targetId?: string | null;
  /** Small and never secret: names and ids, not values. */
  data?: Prisma.InputJsonValue;
}

/** In the caller's transaction, by `weft_record_audit` (the one home of the row's shape). */
export async function recordAudit(tx: Tx, actor: Actor, entry: AuditEntry): Promise<void> {
  const data = entry.data === undefined ? null : JSON.stringify(entry.data);
  await tx.$executeRaw`SELECT weft_record_audit(${actor.workspaceId}::uuid, ${actor.userId}::uuid,
    ${actor.apiKeyId}::uuid, ${entry.action}, ${entry.targetType}, ${entry.targetId ?? null}, ${data}::jsonb)`;
}

type Locatable = "agent" | "agentVersion" | "run" | "secret" | "schedule" | "apiKey";

const LABEL: Record<Locatable, string> = {
  agent: "Agent",
  agentVersion: "Version",
  run: "Run",
  secret: "Secret",
  schedule: "Schedule",
  apiKey: "API key",
};

/**
 * Which workspace holds the row with this id, among the caller's workspaces.
 * Ids are bare uuids, and RLS shows one workspace at a time, so this
 * probes each workspace the caller belongs to (an API key: one; people:
 * usually a handful). Rows elsewhere are invisible and answer NOT_FOUND.
 */
export async function locateWorkspace(ctx: GatewayContext, kind: Locatable, id: string): Promise<string> {
  return inLocated(ctx, kind, id, "VIEWER", async (_tx, actor) => actor.workspaceId);
}

/**
 * locateWorkspace, the membership and role check, and `fn`, in one RLS-scoped transaction: the
 * role is read in the same transaction as the work, so a role change cannot slip in between (as
 * with withMember). Finding the workspace is one statement (weft_locate: the caller's workspaces,
 * oldest membership first, each probed under its own scope; the transaction stays scoped to the
 * one that shows the row). With `mutation`, the workspace's rate limit is consumed after the
 * check, as in mutateIn.
 */
export async function inLocated<T>(
  ctx: GatewayContext,
  kind: Locatable,
  id: string,
  minRole: Role,
  fn: (tx: Tx, actor: Actor) => Promise<T>,
  opts: { mutation?: boolean } = {},
): Promise<T> {
  const auth = requireAuth(ctx);
  if (!isUuid(id)) throw notFound(LABEL[kind]);
  const user = auth.kind === "apiKey" ? null : auth.userId;
  const keyWorkspace = auth.kind === "apiKey" ? auth.workspaceId : null;
  // No withScope: weft_locate sets every scope setting itself, as its first act.
  return ctx.services.prisma.$transaction(async (tx) => {
    const [hit] = await tx.$queryRaw<Array<{ workspace_id: string; role: Role | null }>>`
      SELECT workspace_id, role FROM weft_locate(${kind}, ${id}::uuid, ${user}::uuid, ${keyWorkspace}::uuid)`;
    if (!hit) throw notFound(LABEL[kind]);
    const actor = locatedActor(auth, { workspaceId: hit.workspace_id, role: hit.role }, minRole);
    if (opts.mutation) ctx.services.limiter.consume("workspace", actor.workspaceId);
    return fn(tx, actor);
  });
}
