import type { Provider as ProviderRow } from "@weft/db";
import { Field, ID, Int, ObjectType } from "type-graphql";

@ObjectType("Provider")
export class Provider {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  provider!: string;

  /** Name of the workspace Secret holding the provider's API key. */
  @Field(() => String)
  secretName!: string;

  @Field(() => String, { nullable: true })
  baseUrl!: string | null;

  @Field(() => Int, { nullable: true })
  requestsPerMinute!: number | null;

  @Field(() => Int, { nullable: true })
  tokensPerMinute!: number | null;
}

export function toProvider(row: ProviderRow): Provider {
  return {
    id: row.id,
    provider: row.provider,
    secretName: row.secretName,
    baseUrl: row.baseUrl,
    requestsPerMinute: row.requestsPerMinute,
    tokensPerMinute: row.tokensPerMinute,
  };
}
