import { Field, Float, Int, ObjectType } from "type-graphql";
import { JSONScalar } from "../common/scalars.ts";

export interface UsageDay {
  /** YYYY-MM-DD (UTC). */
  day: string;
  runs: number;
  succeeded: number;
  failed: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

@ObjectType("Usage")
export class Usage {
  @Field(() => Int)
  runs!: number;

  @Field(() => Int)
  succeeded!: number;

  @Field(() => Int)
  failed!: number;

  @Field(() => Int)
  tokensIn!: number;

  @Field(() => Int)
  tokensOut!: number;

  @Field(() => Float)
  costUsd!: number;

  /** `[{ day, runs, succeeded, failed, tokensIn, tokensOut, costUsd }]`, oldest first, days with usage only. */
  @Field(() => JSONScalar)
  byDay!: UsageDay[];
}
