import { SECRET_NAME_PATTERN } from "@weft/schema";
import { ArgsType, Field, ID, Int } from "type-graphql";
import { z } from "zod";

@ArgsType()
export class SetProviderArgs {
  @Field(() => ID)
  workspaceId!: string;

  @Field(() => String)
  provider!: string;

  @Field(() => String)
  secretName!: string;

  @Field(() => String, { nullable: true })
  baseUrl?: string | null;

  @Field(() => Int, { nullable: true })
  requestsPerMinute?: number | null;

  @Field(() => Int, { nullable: true })
  tokensPerMinute?: number | null;
}

const positive = z.number().int().min(1, "must be at least 1").max(10_000_000, "is too large").nullish();

export const ZSetProvider = z.object({
  // Model ids are "provider/model", so the provider part cannot contain "/".
  provider: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z][a-z0-9_-]{0,31}$/, "must be a short lower-case name such as openai or anthropic"),
  secretName: z
    .string()
    .regex(SECRET_NAME_PATTERN, "must be the name of a workspace secret (UPPER_SNAKE_CASE)"),
  baseUrl: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .max(2048, "must be at most 2048 characters")
    .nullish(),
  requestsPerMinute: positive,
  tokensPerMinute: positive,
});
