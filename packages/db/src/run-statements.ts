// The gateway's most frequent run statements, each one SQL function call on the pg pool under
// Prisma (see sqlPool) instead of an interactive transaction of several round trips: the runs
// page, the two statements of startRun, the workspaceRuns subscription's read and the field
// resolvers' reads by id (a runs page's agents and versions). Each runs under
// the workspace's RLS scope, in the statement's own transaction; those a caller makes directly
// check the caller's membership too (weft_require_member).
import type { DatabaseError } from "pg";
import { sqlPool, type Db } from "./client.ts";
import { Prisma, type Agent, type AgentVersion, type Run, type Schedule } from "./generated/prisma/client.ts";

/** Who is asking, as these statements check it. */
export interface MemberCaller {
  workspaceId: string;
  /** A signed-in person, whose membership the statement checks; null for an API key (whose
   * workspace and role the caller has checked already). */
  userId: string | null;
  /** The roles that are enough; the rule that picks them lives with the caller. */
  roles: readonly string[];
}

/** Why a statement refused: no membership, a role not in `roles`, an agent the workspace lacks. */
export class MemberRefusal extends Error {
  constructor(
    readonly reason: "not_member" | "role" | "no_agent",
    /** The caller's role, for "role". */
    readonly role: string | null = null,
  ) {
    super(`refused: ${reason}`);
    this.name = "MemberRefusal";
  }
}

const REFUSALS: Record<string, MemberRefusal["reason"]> = {
  "weft:not_member": "not_member",
  "weft:role": "role",
  "weft:no_agent": "no_agent",
};

type SqlRun = Omit<Run, "costUsd"> & { costUsd: string };

/** pg hands numeric over as text; Prisma's rows carry a Decimal. Otherwise the rows agree. */
function runFromSql(row: SqlRun): Run {
  return { ...row, costUsd: new Prisma.Decimal(row.costUsd) };
}

async function query<R extends object>(db: Db, text: string, values: unknown[]): Promise<R[]> {
  try {
    return (await sqlPool(db).query<R>(text, values)).rows;
  } catch (error) {
    const reason = REFUSALS[(error as DatabaseError).message];
    if (reason) throw new MemberRefusal(reason, (error as DatabaseError).detail ?? null);
    throw error;
  }
}

export interface RunsPageQuery extends MemberCaller {
  agentId: string | null;
  status: string | null;
  /** Keyset cursor: rows strictly older than (at, id), newest first. */
  after: { at: Date; id: string } | null;
  limit: number;
}

/** A run as a runs page has it: without its input and output, which can be large (read them by id). */
export type RunSummaryRow = Omit<Run, "input" | "output">;

/** A workspace's runs, newest first, without their input and output (`weft_runs_page`). */
export async function readRunsPage(db: Db, q: RunsPageQuery): Promise<RunSummaryRow[]> {
  const rows = await query<SqlRun>(
    db,
    `SELECT * FROM weft_runs_page($1::uuid, $2::uuid, $3::text[], $4::uuid, $5::text, $6::timestamptz,
                                  $7::uuid, $8::int)`,
    [
      q.workspaceId,
      q.userId,
      q.roles,
      q.agentId,
      q.status,
      q.after?.at ?? null,
      q.after?.id ?? null,
      q.limit,
    ],
  );
  return rows.map((row) => {
    const { input: _input, output: _output, ...summary } = runFromSql(row);
    return summary;
  });
}

export interface RunVersion {
  /** The workspace that holds the agent, among the caller's. */
  workspaceId: string;
  /** The caller's role there; null for an API key. */
  role: string | null;
  /** Null: no such version of the agent (or, without a version id, no live version). */
  version: { id: string; number: number; graph: unknown } | null;
}

/**
 * The version a start would run (`weft_run_version`): the agent among the caller's workspaces,
 * then `versionId` of it, or its live version. Null: the agent is not found for this caller.
 */
export async function readRunVersion(
  db: Db,
  q: { agentId: string; versionId: string | null; userId: string | null; keyWorkspaceId: string | null },
): Promise<RunVersion | null> {
  const [row] = await query<{
    workspace_id: string;
    role: string | null;
    version_id: string | null;
    version_number: number | null;
    graph: unknown;
  }>(db, "SELECT * FROM weft_run_version($1::uuid, $2::uuid, $3::uuid, $4::uuid)", [
    q.agentId,
    q.versionId,
    q.userId,
    q.keyWorkspaceId,
  ]);
  if (!row) return null;
  return {
    workspaceId: row.workspace_id,
    role: row.role,
    version:
      row.version_id === null ? null : { id: row.version_id, number: row.version_number!, graph: row.graph },
  };
}

export interface StartRunWrite extends MemberCaller {
  apiKeyId: string | null;
  agentId: string;
  versionId: string;
  input: Record<string, unknown>;
  trigger: string;
  /** The `run.start` audit event's data. */
  auditData: Record<string, unknown>;
}

/**
 * The QUEUED run, its first event and its `run.start` audit event, after the membership is read
 * again (`weft_start_run`): one statement, one transaction. Returns the row as inserted.
 */
export async function writeStartedRun(db: Db, w: StartRunWrite): Promise<Run> {
  const [row] = await query<SqlRun>(
    db,
    `SELECT * FROM weft_start_run($1::uuid, $2::uuid, $3::text[], $4::uuid, $5::uuid, $6::uuid, $7::jsonb,
                                  $8::text, $9::jsonb)`,
    [
      w.workspaceId,
      w.userId,
      w.roles,
      w.apiKeyId,
      w.agentId,
      w.versionId,
      JSON.stringify(w.input),
      w.trigger,
      JSON.stringify(w.auditData),
    ],
  );
  return runFromSql(row!);
}

/**
 * The runs among `ids` that the workspace shows (`weft_runs_by_id`): what a workspaceRuns
 * subscriber reads when a run's status changes (its membership was checked when it subscribed).
 */
export async function readRunsById(db: Db, workspaceId: string, ids: readonly string[]): Promise<Run[]> {
  const rows = await query<SqlRun>(db, "SELECT * FROM weft_runs_by_id($1::uuid, $2::uuid[])", [
    workspaceId,
    ids,
  ]);
  return rows.map(runFromSql);
}

/**
 * Field resolvers' batched reads (the gateway's loaders), each under the workspace's RLS scope in
 * one statement: rows by id (`weft_agents_by_id`, `weft_versions_by_id`) and the rows of each of
 * a set of agents (`weft_versions_of`: newest first; `weft_schedules_of`: oldest first). A row
 * of another workspace is simply not there. The rows are shaped as Prisma's (no numeric columns).
 */
export const readByIds = {
  agents: (db: Db, workspaceId: string, ids: readonly string[]) =>
    query<Agent>(db, "SELECT * FROM weft_agents_by_id($1::uuid, $2::uuid[])", [workspaceId, ids]),
  versions: (db: Db, workspaceId: string, ids: readonly string[]) =>
    query<AgentVersion>(db, "SELECT * FROM weft_versions_by_id($1::uuid, $2::uuid[])", [workspaceId, ids]),
  versionsOf: (db: Db, workspaceId: string, agentIds: readonly string[]) =>
    query<AgentVersion>(db, "SELECT * FROM weft_versions_of($1::uuid, $2::uuid[])", [workspaceId, agentIds]),
  schedulesOf: (db: Db, workspaceId: string, agentIds: readonly string[]) =>
    query<Schedule>(db, "SELECT * FROM weft_schedules_of($1::uuid, $2::uuid[])", [workspaceId, agentIds]),
};
