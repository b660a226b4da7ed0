import { SECRET_NAME_PATTERN } from "@weft/schema";
import { ArgsType, Field, ID } from "type-graphql";
import { z } from "zod";

@ArgsType()
export class SetSecretArgs {
  @Field(() => ID)
  workspaceId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  value!: string;
}

export const MAX_SECRET_BYTES = 64 * 1024;

// Messages never quote the value: errors are logged and shown.
export const ZSetSecret = z.object({
  name: z
    .string()
    .max(128, "must be at most 128 characters")
    .regex(SECRET_NAME_PATTERN, "must be UPPER_SNAKE_CASE: a capital letter, then capitals, digits or _"),
  value: z
    .string()
    .min(1, "must not be empty")
    .refine(
      (v) => Buffer.byteLength(v, "utf8") <= MAX_SECRET_BYTES,
      `must be at most ${MAX_SECRET_BYTES} bytes`,
    ),
});
