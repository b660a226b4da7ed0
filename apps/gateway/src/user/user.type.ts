import { Field, ID, ObjectType } from "type-graphql";

@ObjectType("User")
export class User {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;
}
