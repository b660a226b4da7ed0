// The only way application code should reach tenant data: a PrismaClient on
// the app role (no BYPASSRLS) plus transaction-scoped settings that the RLS
// policies in the init migration read. A query outside withWorkspace/withUser
// sees no tenant rows at all.
import { PrismaPg } from "@prisma/adapter-pg";
import { Prisma, PrismaClient } from "./generated/prisma/client.ts";

export type Db = PrismaClient;
/** The client handed to scoped callbacks (an interactive transaction). */
export type Tx = Prisma.TransactionClient;

export interface CreatePrismaOptions {
  /** pg pool size per client (default 10). */
  poolMax?: number;
  log?: Prisma.LogLevel[];
  /**
   * How long a scoped transaction may wait for a pooled connection, and run (Prisma's defaults:
   * 2 s and 5 s; we wait up to 10 s for a connection by default, since a busy 2-core box can take
   * longer than 2 s to free one). A worker running many activities at once waits longer still.
   */
  transactionMaxWaitMs?: number;
  transactionTimeoutMs?: number;
}

export function createPrisma(url: string, opts: CreatePrismaOptions = {}): PrismaClient {
  const adapter = new PrismaPg({ connectionString: url, max: opts.poolMax ?? 10 });
  return new PrismaClient({
    adapter,
    log: opts.log ?? [],
    transactionOptions: {
      maxWait: opts.transactionMaxWaitMs ?? 10_000,
      timeout: opts.transactionTimeoutMs ?? 5_000,
    },
  });
}

/** Everything RLS can be scoped by; see the policies in the init migration. */
export interface Scope {
  workspaceId?: string;
  userId?: string;
  /** sha256 hex of a presented API key: reveals only that ApiKey row. */
  apiKeyHash?: string;
  /** sha256 hex of an invitation token: reveals only that Invitation row. */
  invitationTokenHash?: string;
}

export interface ScopeOptions {
  maxWait?: number;
  timeout?: number;
  isolationLevel?: Prisma.TransactionIsolationLevel;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

function assertUuid(label: string, value: string | undefined): void {
  // A non-uuid would make the policy's ::uuid cast fail mid-query; reject it
  // here with a message that says which value was wrong.
  if (value !== undefined && !isUuid(value))
    throw new Error(`${label} must be a UUID, got ${JSON.stringify(value)}`);
}

/**
 * Runs `fn` in an interactive transaction whose first statement sets the
 * scope with set_config(..., is_local = TRUE): the settings die with the
 * transaction, so a pooled connection never carries one request's scope into
 * the next. Every setting is written (unset ones as ''), which also overrides
 * any session-level value someone may have left on the connection.
 */
export async function withScope<T>(
  prisma: PrismaClient,
  scope: Scope,
  fn: (tx: Tx) => Promise<T>,
  opts: ScopeOptions = {},
): Promise<T> {
  assertUuid("workspaceId", scope.workspaceId);
  assertUuid("userId", scope.userId);
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT
      set_config('app.workspace_id', ${scope.workspaceId ?? ""}, TRUE),
      set_config('app.user_id', ${scope.userId ?? ""}, TRUE),
      set_config('app.api_key_hash', ${scope.apiKeyHash ?? ""}, TRUE),
      set_config('app.invitation_token_hash', ${scope.invitationTokenHash ?? ""}, TRUE)`;
    return fn(tx);
  }, opts);
}

/** Tenant work: every tenant table shows (and accepts) only this workspace's rows. */
export async function withWorkspace<T>(
  prisma: PrismaClient,
  workspaceId: string,
  fn: (tx: Tx) => Promise<T>,
  opts?: ScopeOptions,
): Promise<T> {
  if (!isUuid(workspaceId)) throw new Error(`workspaceId must be a UUID, got ${JSON.stringify(workspaceId)}`);
  return withScope(prisma, { workspaceId }, fn, opts);
}

/**
 * Before a workspace is chosen: the user's own Membership rows and the
 * Workspace rows they belong to are readable, nothing else.
 */
export async function withUser<T>(
  prisma: PrismaClient,
  userId: string,
  fn: (tx: Tx) => Promise<T>,
  opts?: ScopeOptions,
): Promise<T> {
  if (!isUuid(userId)) throw new Error(`userId must be a UUID, got ${JSON.stringify(userId)}`);
  return withScope(prisma, { userId }, fn, opts);
}
