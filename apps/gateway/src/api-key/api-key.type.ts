import { Field, ID, ObjectType } from "type-graphql";
import { Role } from "../common/enums.ts";
import { DateTimeScalar } from "../common/scalars.ts";

@ObjectType("ApiKey")
export class ApiKey {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Role)
  role!: Role;

  /** The 8 characters after `weft_`, to tell keys apart. */
  @Field(() => String)
  prefix!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  lastUsedAt!: Date | null;
}

@ObjectType("ApiKeyCreated")
export class ApiKeyCreated {
  /** The only time the token is ever shown: only its hash is stored. */
  @Field(() => String)
  token!: string;

  @Field(() => ApiKey)
  apiKey!: ApiKey;
}
