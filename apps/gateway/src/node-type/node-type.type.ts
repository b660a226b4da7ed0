import { Field, ID, Int, ObjectType } from "type-graphql";
import { JSONScalar } from "../common/scalars.ts";

@ObjectType("NodeType")
export class NodeType {
  @Field(() => ID)
  type!: string;

  @Field(() => String)
  category!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String)
  description!: string;

  /** JSON Schema (draft 2020-12) of the node's config, generated from its zod schema. */
  @Field(() => JSONScalar)
  configSchema!: unknown;

  @Field(() => Boolean)
  sideEffects!: boolean;

  @Field(() => JSONScalar, { nullable: true })
  defaultRetry!: unknown;

  @Field(() => Int, { nullable: true })
  defaultTimeoutMs!: number | null;
}
