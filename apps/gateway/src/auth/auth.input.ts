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

@ArgsType()
export class OAuthSignInArgs {
  /** The OAuth provider's id as the web app names it: "github", "google". */
  @Field(() => String)
  provider!: string;

  /** The provider's stable id for the person (not their email). */
  @Field(() => String)
  providerAccountId!: string;

  /** An email the provider has verified; links to an existing account with this email. */
  @Field(() => String)
  email!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;
}

// Upper bound: argon2 hashes whatever it is given, and a megabyte "password"
// is a cheap way to burn server CPU.
export const MAX_PASSWORD_LENGTH = 256;

export const ZEmail = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "must be a valid email address" }).max(254, "must be at most 254 characters"));

const ZName = z
  .string()
  .trim()
  .max(100, "must be at most 100 characters")
  .nullish()
  .transform((value) => (value ? value : null));

export const ZOAuthSignIn = z.object({
  provider: z.string().regex(/^[a-z0-9-]{1,32}$/, "must be a provider id such as github or google"),
  providerAccountId: z.string().trim().min(1, "must not be empty").max(255, "must be at most 255 characters"),
  email: ZEmail,
  // Provider display names can be long; keep the first 100 characters rather than refuse a sign-in.
  name: z
    .string()
    .nullish()
    .transform((value) => value?.trim().slice(0, 100) || null),
});

export const ZSignUp = z.object({
  email: ZEmail,
  password: z
    .string()
    .min(10, "must be at least 10 characters")
    .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`),
  name: ZName,
});
