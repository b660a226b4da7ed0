// The only way application code should reach tenant data: a PrismaClient on
// the app role (no BYPASSRLS) plus transaction-scoped settings that the RLS
// policies in the init migration read. A query outside withWorkspace/withUser
// sees no tenant rows at all.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
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
  /**
   * How long opening a connection keeps trying while PostgreSQL cannot be reached (a restart, a
   * failover) before the query fails; 0 (default) fails at once. Only connecting is retried, so
   * nothing has been sent yet and a retry can never run a statement twice.
   */
  connectRetryMs?: number;
  /** Called before each wait for the database (the worker heartbeats its activity there). */
  onConnectRetry?: (error: Error) => void;
}

const pools = new WeakMap<PrismaClient, pg.Pool>();

export function createPrisma(url: string, opts: CreatePrismaOptions = {}): PrismaClient {
  const pool = new PatientPool(
    { connectionString: url, max: opts.poolMax ?? 10 },
    opts.connectRetryMs ?? 0,
    opts.onConnectRetry,
  );
  // An idle pooled connection that the server closes (a restart) emits 'error'; the pool drops it
  // and opens a new one on demand. Without a listener the process would die of it.
  pool.on("error", () => {});
  // While lent out, a client has no listener at all (pg-pool removes its idle one), so a server
  // that ends the connection between two statements of a transaction (a restart, a failover, an
  // administrator's terminate: FATAL 57P01) would kill the process the same way (found by the
  // PostgreSQL restart drill in CI, 12-03). With this one, set once per new connection, the error
  // reaches the holder as its next statement's failure ("not queryable") and the pool drops the
  // client when it comes back.
  pool.on("connect", (client) => client.on("error", () => {}));
  const client = new PrismaClient({
    adapter: new PrismaPg(pool, { disposeExternalPool: true }),
    log: opts.log ?? [],
    transactionOptions: {
      maxWait: opts.transactionMaxWaitMs ?? 10_000,
      timeout: opts.transactionTimeoutMs ?? 5_000,
    },
  });
  pools.set(client, pool);
  return client;
}

/**
 * The pg pool under a client made by createPrisma, for the hot path's single statements (each one
 * SQL function call, scoping itself to its workspace): through Prisma's query pipeline such a call
 * costs about three times the client CPU of the round trip itself (bench/RESULTS.md). Same
 * connections, same role, so row-level security applies exactly as through Prisma.
 */
export function sqlPool(prisma: PrismaClient): pg.Pool {
  const pool = pools.get(prisma);
  if (!pool) throw new Error("sqlPool: this PrismaClient was not made by createPrisma");
  return pool;
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

/** Errors of a connection attempt that mean "the server is not there (yet)", not "you may not". */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "57P03",
]);

function isUnreachable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (typeof e?.code === "string" && UNREACHABLE.has(e.code)) return true;
  // pg's own wording when the server closes the socket while we connect (it is shutting down).
  return typeof e?.message === "string" && /Connection terminated unexpectedly/.test(e.message);
}

/**
 * A pg pool whose `connect` waits out an unreachable server (found by the PostgreSQL restart drill,
 * drills/postgres-restart.ts: a few seconds without the database used up the retries of the nodes
 * running then, and failed their runs); with `retryMs` 0 it is a plain pool. Statements on a
 * connection that breaks are not retried here.
 */
class PatientPool extends pg.Pool {
  constructor(
    config: pg.PoolConfig,
    private readonly retryMs: number,
    private readonly onRetry?: (error: Error) => void,
  ) {
    super(config);
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(
    callback: (
      err: Error | undefined,
      client: pg.PoolClient | undefined,
      done: (release?: unknown) => void,
    ) => void,
  ): void;
  override connect(
    callback?: (
      err: Error | undefined,
      client: pg.PoolClient | undefined,
      done: (release?: unknown) => void,
    ) => void,
  ): Promise<pg.PoolClient> | void {
    const connecting = this.connectPatiently();
    if (!callback) return connecting;
    connecting.then(
      (client) =>
        callback(undefined, client, (release?: unknown) => client.release(release as Error | undefined)),
      (error: Error) => callback(error, undefined, () => {}),
    );
  }

  private async connectPatiently(): Promise<pg.PoolClient> {
    const deadline = Date.now() + this.retryMs;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
      try {
        return await super.connect();
      } catch (error) {
        if (!isUnreachable(error) || this.ending || Date.now() + delay > deadline) throw error;
        this.onRetry?.(error as Error);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}
