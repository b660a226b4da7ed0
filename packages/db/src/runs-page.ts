import type { DatabaseError } from "pg";
import { sqlPool, type Db } from "./client.ts";
import { Prisma, type Run } from "./generated/prisma/client.ts";

export interface RunsPageQuery {
  workspaceId: string;
  /** The signed-in caller, whose membership is checked in the same statement; null for an API key
   * (whose workspace and role the caller has checked already). */
  userId: string | null;
  /** The roles that may read the page; the rule that picks them lives with the caller. */
  roles: readonly string[];
  agentId: string | null;
  status: string | null;
  /** Keyset cursor: rows strictly older than (at, id), newest first. */
  after: { at: Date; id: string } | null;
  limit: number;
}

/** Why the database refused a runs page: no membership, a role not in `roles`, an unknown agent. */
export class RunsPageRefusal extends Error {
  constructor(
    readonly reason: "not_member" | "role" | "no_agent",
    /** The caller's role, for "role". */
    readonly role: string | null = null,
  ) {
    super(`runs page refused: ${reason}`);
    this.name = "RunsPageRefusal";
  }
}

const REFUSALS: Record<string, RunsPageRefusal["reason"]> = {
  "weft:not_member": "not_member",
  "weft:role": "role",
  "weft:no_agent": "no_agent",
};

/**
 * A workspace's runs, newest first, in one statement (`weft_runs_page`: membership, the agent
 * filter's check and the page under the workspace's RLS scope). The runs list is the most read
 * page; through Prisma it took an interactive transaction of four round trips.
 */
export async function readRunsPage(db: Db, q: RunsPageQuery): Promise<Run[]> {
  try {
    const { rows } = await sqlPool(db).query<Omit<Run, "costUsd"> & { costUsd: string }>(
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
    // pg hands numeric over as text; Prisma's rows carry a Decimal.
    return rows.map((row) => ({ ...row, costUsd: new Prisma.Decimal(row.costUsd) }));
  } catch (error) {
    const reason = REFUSALS[(error as DatabaseError).message];
    if (reason) throw new RunsPageRefusal(reason, (error as DatabaseError).detail ?? null);
    throw error;
  }
}
