import type { NodeRun as NodeRunRow, Run as RunRow } from "@weft/db";
import type { RunSummaryRow } from "@weft/db/run-statements";
import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import { NodeRunStatus, RunStatus, RunTrigger } from "../common/enums.ts";
import { PageInfo } from "../common/page-info.type.ts";
import { DateTimeScalar, JSONScalar } from "../common/scalars.ts";

@ObjectType("Run")
export class Run {
  @Field(() => ID)
  id!: string;

  @Field(() => RunStatus)
  status!: RunStatus;

  @Field(() => RunTrigger)
  trigger!: RunTrigger;

  @Field(() => JSONScalar, { nullable: true })
  input!: unknown;

  @Field(() => JSONScalar, { nullable: true })
  output!: unknown;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: Date | null;

  /** tokensIn + tokensOut over all nodes. */
  @Field(() => Int)
  tokens!: number;

  @Field(() => Float)
  costUsd!: number;

  @Field(() => DateTimeScalar, {
    description: "When the run was requested; run lists are newest first by this.",
  })
  createdAt!: Date;

  workspaceId!: string;
  agentId!: string;
  versionId!: string;
  /** Read from a runs page, which leaves input and output out: their resolvers read them by id. */
  summary?: true;
}

@ObjectType("NodeRun")
export class NodeRun {
  @Field(() => ID)
  id!: string;

  /** The graph node's id (not a uuid). */
  @Field(() => ID)
  nodeId!: string;

  @Field(() => NodeRunStatus)
  status!: NodeRunStatus;

  @Field(() => Int)
  attempt!: number;

  @Field(() => JSONScalar, { nullable: true })
  input!: unknown;

  @Field(() => JSONScalar, { nullable: true })
  output!: unknown;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => Int)
  tokensIn!: number;

  @Field(() => Int)
  tokensOut!: number;

  @Field(() => Float)
  costUsd!: number;

  @Field(() => [String])
  logs!: string[];
}

@ObjectType("RunEdge")
export class RunEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Run)
  node!: Run;
}

@ObjectType("RunConnection")
export class RunConnection {
  @Field(() => [RunEdge])
  edges!: RunEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

export function toRun(row: RunRow): Run {
  return {
    id: row.id,
    status: row.status,
    trigger: row.trigger,
    input: row.input,
    output: row.output,
    error: row.error,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    tokens: row.tokensIn + row.tokensOut,
    costUsd: row.costUsd.toNumber(),
    workspaceId: row.workspaceId,
    agentId: row.agentId,
    versionId: row.versionId,
    createdAt: row.createdAt,
  };
}

/** A runs page's run: input and output unread until a query asks for them. */
export function toRunSummary(row: RunSummaryRow): Run {
  return { ...toRun({ ...row, input: null, output: null }), summary: true };
}

export function toNodeRun(row: NodeRunRow): NodeRun {
  return {
    id: row.id,
    nodeId: row.nodeId,
    status: row.status,
    attempt: row.attempt,
    input: row.input,
    // Large outputs live in LargeOutput; the reference is what clients get
    // here (fetching the body is a separate, later concern).
    output: row.output ?? (row.outputRef ? { $ref: row.outputRef } : null),
    error: row.error,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    tokensIn: row.tokensIn,
    tokensOut: row.tokensOut,
    costUsd: row.costUsd.toNumber(),
    logs: row.logs,
  };
}
