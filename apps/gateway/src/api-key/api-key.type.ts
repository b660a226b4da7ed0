import { Field, ID, ObjectType } from "type-graphql";
import { Role } from "../common/enums.ts";
import { DateTimeScalar } from "../common/scalars.ts";
import { User } from "../user/user.type.ts";

/** What ApiKey is read with, wherever it is read. */
export const API_KEY_SELECT = {
  id: true,
  name: true,
  role: true,
  prefix: true,
  createdAt: true,
  lastUsedAt: true,
  createdBy: { select: { id: true, email: true, name: true } },
} as const;

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

  /**
   * The member the key acts for: whoever created it, or created the key it was created with. The
   * key is revoked when they leave the workspace and never holds more than their role. Null for
   * keys whose creator's account is gone.
   */
  @Field(() => User, { nullable: true })
  createdBy!: User | null;
}

@ObjectType("ApiKeyCreated")
export class ApiKeyCreated {
  /** The only time the token is ever shown: only its hash is stored. */
  @Field(() => String)
  token!: string;

  @Field(() => ApiKey)
  apiKey!: ApiKey;
}
