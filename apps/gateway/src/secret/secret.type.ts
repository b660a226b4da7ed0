import { Field, ID, ObjectType } from "type-graphql";
import { DateTimeScalar } from "../common/scalars.ts";

/** Deliberately has no value field: secrets are write-only over the API. */
@ObjectType("Secret")
export class Secret {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar)
  updatedAt!: Date;
}
