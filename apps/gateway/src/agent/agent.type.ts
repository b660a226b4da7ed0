import type { Agent as AgentRow, AgentVersion as AgentVersionRow } from "@weft/db";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { DateTimeScalar, JSONScalar } from "../common/scalars.ts";

@ObjectType("Agent")
export class Agent {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => JSONScalar)
  draftGraph!: unknown;

  @Field(() => String)
  draftSpec!: string;

  /** Pass back as `expectedRevision` to updateDraft to detect concurrent edits. */
  @Field(() => Int)
  draftRevision!: number;

  workspaceId!: string;
  liveVersionId!: string | null;
}

@ObjectType("AgentVersion", { description: "Immutable once published." })
export class AgentVersion {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  number!: number;

  @Field(() => JSONScalar)
  graph!: unknown;

  @Field(() => String)
  spec!: string;

  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  workspaceId!: string;
  agentId!: string;
  createdById!: string | null;
}

export function toAgent(row: AgentRow): Agent {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    draftGraph: row.draftGraph,
    draftSpec: row.draftSpec,
    draftRevision: row.draftRevision,
    workspaceId: row.workspaceId,
    liveVersionId: row.liveVersionId,
  };
}

export function toAgentVersion(row: AgentVersionRow): AgentVersion {
  return {
    id: row.id,
    number: row.number,
    graph: row.graph,
    spec: row.spec,
    note: row.note,
    createdAt: row.createdAt,
    workspaceId: row.workspaceId,
    agentId: row.agentId,
    createdById: row.createdById,
  };
}
