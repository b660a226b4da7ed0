import { Field, ID, ObjectType } from "type-graphql";
import { PageInfo } from "../common/page-info.type.ts";
import { DateTimeScalar, JSONScalar } from "../common/scalars.ts";

@ObjectType("AuditEvent")
export class AuditEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  action!: string;

  @Field(() => String)
  targetType!: string;

  @Field(() => ID, { nullable: true })
  targetId!: string | null;

  @Field(() => DateTimeScalar)
  at!: Date;

  @Field(() => JSONScalar, { nullable: true })
  data!: unknown;

  /** Resolved by AuditResolver.actor; null for API keys and deleted users. */
  actorUserId!: string | null;
}

@ObjectType("AuditEdge")
export class AuditEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => AuditEvent)
  node!: AuditEvent;
}

@ObjectType("AuditConnection")
export class AuditConnection {
  @Field(() => [AuditEdge])
  edges!: AuditEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
