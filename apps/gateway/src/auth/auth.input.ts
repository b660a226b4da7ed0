import { ArgsType, Field } from "type-graphql";
import { z } from "zod";

@ArgsType()
export class SignUpArgs {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;
}

@ArgsType()
export class SignInArgs {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;
}

// Upper bound: argon2 hashes whatever it is given, and a megabyte "password"
// is a cheap way to burn server CPU.
export const MAX_PASSWORD_LENGTH = 256;

export const ZEmail = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "must be a valid email address" }).max(254, "must be at most 254 characters"));

export const ZSignUp = z.object({
  email: ZEmail,
  password: z
    .string()
    .min(10, "must be at least 10 characters")
    .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`),
  name: z
    .string()
    .trim()
    .max(100, "must be at most 100 characters")
    .nullish()
    .transform((value) => (value ? value : null)),
});
